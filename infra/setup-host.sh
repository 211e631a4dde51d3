#!/usr/bin/env bash
# Prepare a Debian 12 host to run Berth sandboxes. Idempotent: run it as often
# as you like, on a fresh machine or one where dockerd already runs.
#   BERTH_MAX_SLOTS  sessions the uid layout is sized for (default 64)
# See infra/README.md for the layout of uids, ports and files.
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
. "$BERTH_LIB_DIR/engine.sh"
. "$BERTH_LIB_DIR/registry.sh"
. "$BERTH_LIB_DIR/firewall.sh"

HOST_PACKAGES=(docker.io debootstrap docker-registry busybox-static uidmap iptables
    e2fsprogs jq gcc libc6-dev curl iproute2 ca-certificates)
SECCOMP_PKG=golang-github-docker-docker-dev
SECCOMP_OUT="$BERTH_STATE_DIR/seccomp-sandbox.json"

ensure_packages() {
    local missing=() p
    for p in "${HOST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then outcome "all present"; return; fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    outcome "installed ${missing[*]}"
}

# /dev/net/tun 0666 (Debian's usual default) lets the sandbox's remapped,
# unprivileged root hand the device to slirp4netns. Note: it also lets ANY host
# user create tun/tap devices.
ensure_tun() {
    if [ ! -c /dev/net/tun ]; then
        mkdir -p /dev/net
        mknod /dev/net/tun c 10 200
    fi
    if [ "$(stat -c %a /dev/net/tun)" = 666 ]; then outcome "already 0666"; return; fi
    chmod 0666 /dev/net/tun
    outcome "chmod 0666"
}

# runc gives every process it starts in a container (each terminal is a `docker
# exec`) a session keyring, charged to the sandbox root's host uid (3000000), which
# all sandboxes share. The kernel's default quota for a non-root uid, 200 keys and
# 20000 bytes, stops new terminals host-wide ("disk quota exceeded") at about 200.
# Quotas only, per uid: room for thousands of terminals.
BERTH_KEYS_MAXKEYS=20000
BERTH_KEYS_MAXBYTES=2000000
ensure_key_quota() {
    local conf=/etc/sysctl.d/90-berth-keys.conf
    printf 'kernel.keys.maxkeys = %s\nkernel.keys.maxbytes = %s\n' "$BERTH_KEYS_MAXKEYS" "$BERTH_KEYS_MAXBYTES" >"$conf.tmp"
    if cmp -s "$conf.tmp" "$conf"; then rm -f "$conf.tmp"; else mv "$conf.tmp" "$conf"; fi
    if [ "$(cat /proc/sys/kernel/keys/maxkeys)" -ge "$BERTH_KEYS_MAXKEYS" ] &&
        [ "$(cat /proc/sys/kernel/keys/maxbytes)" -ge "$BERTH_KEYS_MAXBYTES" ]; then
        outcome "already $(cat /proc/sys/kernel/keys/maxkeys) keys, $(cat /proc/sys/kernel/keys/maxbytes) bytes per uid"
        return
    fi
    sysctl -q -w "kernel.keys.maxkeys=$BERTH_KEYS_MAXKEYS" "kernel.keys.maxbytes=$BERTH_KEYS_MAXBYTES"
    outcome "raised to $BERTH_KEYS_MAXKEYS keys, $BERTH_KEYS_MAXBYTES bytes per uid ($conf)"
}

# Docker's default seccomp profile, from Debian's package. Installing the
# package pulls ~250 Go source packages (~900 MB, golang-go included) for one
# JSON file, so unless it is installed already we fetch just its .deb with apt
# and extract the file.
seccomp_source() {
    local f cache="$BERTH_CACHE_DIR/seccomp" deb
    if dpkg-query -W -f='${Status}' "$SECCOMP_PKG" 2>/dev/null | grep -q 'install ok installed'; then
        f=$(dpkg -L "$SECCOMP_PKG" | grep '/profiles/seccomp/default.json$' | head -n1)
        [ -n "$f" ] && { echo "$f"; return; }
    fi
    if [ ! -s "$cache/default.json" ]; then
        mkdir -p "$cache"
        rm -f "$cache"/*.deb
        (cd "$cache" && apt-get download -qq "$SECCOMP_PKG" >/dev/null 2>&1) ||
            { apt-get update -qq && (cd "$cache" && apt-get download -qq "$SECCOMP_PKG" >/dev/null); }
        deb=$(ls "$cache"/*.deb)
        dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*/profiles/seccomp/default.json' >"$cache/default.json.tmp"
        mv "$cache/default.json.tmp" "$cache/default.json"
        basename "$deb" >"$cache/source"
        rm -f "$deb"
    fi
    echo "$cache/default.json"
}

ensure_seccomp_profile() {
    local src prog="$BERTH_LIB_DIR/seccomp-sandbox.jq" want
    src=$(seccomp_source)
    want=$(cat "$src" "$prog" | sha256sum | cut -d' ' -f1)
    if [ -s "$SECCOMP_OUT" ] && [ "$(cat "$SECCOMP_OUT.sha256" 2>/dev/null)" = "$want" ]; then
        outcome "up to date"
        return
    fi
    mkdir -p "$BERTH_STATE_DIR"
    jq -f "$prog" "$src" >"$SECCOMP_OUT.tmp"
    mv "$SECCOMP_OUT.tmp" "$SECCOMP_OUT"
    chmod 0644 "$SECCOMP_OUT"
    echo "$want" >"$SECCOMP_OUT.sha256"
    outcome "generated from $src"
}

ensure_dirs() {
    mkdir -p "$BERTH_STATE_DIR" "$BERTH_RUN_DIR" "$BERTH_LOG_DIR" "$BERTH_CACHE_DIR" "$BERTH_ETC_DIR"
    outcome "ok"
}

main() {
    need_root
    local t0
    t0=$(now_ms)
    run_step packages        ensure_packages
    run_step dirs            ensure_dirs
    run_step remap-user      ensure_remap_user
    run_step daemon.json     ensure_daemon_json
    run_step dev-net-tun     ensure_tun
    run_step key-quota       ensure_key_quota
    run_step dockerd         ensure_engine
    run_step seccomp-profile ensure_seccomp_profile
    run_step registries      ensure_registries
    run_step firewall        ensure_firewall "$(docker0_addr)"
    print_summary
    echo "  mirror for sandboxes: $(cat "$BERTH_RUN_DIR/mirror"); seccomp: $SECCOMP_OUT"
    echo "  total $(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')s"
}

main "$@"
