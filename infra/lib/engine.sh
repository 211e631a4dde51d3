# shellcheck shell=bash
# Host Docker engine: the dockremap user, daemon.json, start/restart, checks.
# Needs common.sh.

BERTH_REMAP_USER=dockremap
BERTH_REMAP_BASE=3000000           # container uid 0 -> host uid 3000000
BERTH_MAX_SLOTS=${BERTH_MAX_SLOTS:-64}
BERTH_DAEMON_JSON=/etc/docker/daemon.json
BERTH_DOCKERD_LOG="$BERTH_LOG_DIR/dockerd.log"
BERTH_DOCKERD_HASH_FILE="$BERTH_RUN_DIR/dockerd.config-hash"

# Per session N (inside the remapped space): learner uid 100000+N,
# subuids 1048576+N*65536 .. +65535. The remap range must hold them all.
remap_size() { echo $((1048576 + BERTH_MAX_SLOTS * 65536)); }

have_systemd() { [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ]; }

# Answers within a few seconds? (works with any docker client on PATH)
engine_answers() { timeout 5 docker info --format '{{.ID}}' >/dev/null 2>&1; }

engine_remapped() {
    local opts root
    opts=$(timeout 5 docker info --format '{{json .SecurityOptions}}' 2>/dev/null) || return 1
    root=$(timeout 5 docker info --format '{{.DockerRootDir}}' 2>/dev/null) || return 1
    [[ $opts == *name=userns* ]] && [[ $root == */$BERTH_REMAP_BASE.$BERTH_REMAP_BASE ]]
}

ensure_remap_user() {
    local size line changed=0 f
    size=$(remap_size)
    line="$BERTH_REMAP_USER:$BERTH_REMAP_BASE:$size"
    if ! id "$BERTH_REMAP_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$BERTH_REMAP_USER"
        changed=1
    fi
    for f in /etc/subuid /etc/subgid; do
        touch "$f"
        if [ "$(grep "^$BERTH_REMAP_USER:" "$f")" != "$line" ]; then
            # exactly one range: dockerd would map every listed range
            sed -i "/^$BERTH_REMAP_USER:/d" "$f"
            echo "$line" >>"$f"
            changed=1
        fi
        check_no_overlap "$f" "$BERTH_REMAP_BASE" "$size"
    done
    [ $changed = 1 ] && outcome "$line" || outcome "ok ($line)"
}

# Warn when another user's subordinate range overlaps ours.
check_no_overlap() {
    local file=$1 base=$2 size=$3
    awk -F: -v u="$BERTH_REMAP_USER" -v b="$base" -v s="$size" '
        $1 != u && NF == 3 && $2 < b + s && $2 + $3 > b { print $0 }' "$file" |
    while read -r other; do warn "$file: '$other' overlaps the remap range"; done
}

# live-restore: learners' sandboxes keep running while the host engine restarts
# (an upgrade, a crash); the agent re-reads the engine when it answers again.
ensure_daemon_json() {
    local want
    mkdir -p /etc/docker
    if [ -s "$BERTH_DAEMON_JSON" ]; then
        want=$(jq --arg r "$BERTH_REMAP_USER:$BERTH_REMAP_USER" '. + {"userns-remap": $r, "live-restore": true}' "$BERTH_DAEMON_JSON")
    else
        want=$(jq -n --arg r "$BERTH_REMAP_USER:$BERTH_REMAP_USER" '{"userns-remap": $r, "live-restore": true}')
    fi
    if [ "$(cat "$BERTH_DAEMON_JSON" 2>/dev/null)" = "$want" ]; then
        outcome "unchanged"
    else
        echo "$want" >"$BERTH_DAEMON_JSON"
        outcome "written"
    fi
}

# What a running dockerd must have been started with.
engine_config_hash() {
    { cat "$BERTH_DAEMON_JSON"; grep -h "^$BERTH_REMAP_USER:" /etc/subuid /etc/subgid; } | sha256sum | cut -d' ' -f1
}

stop_dockerd() {
    local pid i
    if have_systemd; then systemctl stop docker; return; fi
    pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for i in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    die "dockerd (pid $pid) did not stop within 30 s"
}

start_dockerd() {
    local i
    if have_systemd; then
        systemctl restart docker
    else
        mkdir -p "$BERTH_LOG_DIR"
        [ -f "$BERTH_DOCKERD_LOG" ] && mv -f "$BERTH_DOCKERD_LOG" "$BERTH_DOCKERD_LOG.1"
        # setsid: the daemon must outlive this script and its terminal
        setsid dockerd >"$BERTH_DOCKERD_LOG" 2>&1 </dev/null &
    fi
    for i in $(seq 1 600); do
        engine_answers && return 0
        sleep 0.1
    done
    die "dockerd did not answer within 60 s; see $BERTH_DOCKERD_LOG"
}

# Start dockerd, or restart it when it runs without our remapping/config.
ensure_engine() {
    local want reason=""
    want=$(engine_config_hash)
    mkdir -p "$BERTH_RUN_DIR"
    if ! engine_answers; then
        reason="not running"
    elif ! engine_remapped; then
        reason="running without userns-remap $BERTH_REMAP_USER"
    elif [ -f "$BERTH_DOCKERD_HASH_FILE" ] && [ "$(cat "$BERTH_DOCKERD_HASH_FILE")" != "$want" ]; then
        reason="config changed since start"
    fi
    if [ -z "$reason" ]; then
        echo "$want" >"$BERTH_DOCKERD_HASH_FILE"
        outcome "running, remapped"
        return
    fi
    log "dockerd: $reason -> (re)starting"
    stop_dockerd
    start_dockerd
    echo "$want" >"$BERTH_DOCKERD_HASH_FILE"
    engine_remapped || die "dockerd is up but userns remapping is not active (docker info SecurityOptions)"
    outcome "(re)started: $reason"
}
