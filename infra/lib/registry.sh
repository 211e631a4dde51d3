# shellcheck shell=bash
# The local registry (Debian docker-registry, distribution 2.8): two processes
# over ONE storage folder. Needs common.sh.
#   rw     127.0.0.1:5000       the host pushes here (build-images.sh)
#   mirror <docker0 addr>:5000  read-only; sandboxes' inner daemons pull from it

BERTH_REGISTRY_DIR="$BERTH_STATE_DIR/registry"
# With internet access: the mirror becomes a pull-through cache of this URL
# (e.g. https://registry-1.docker.io), with its own storage.
BERTH_MIRROR_UPSTREAM=${BERTH_MIRROR_UPSTREAM:-}
BERTH_PROXY_DIR="$BERTH_STATE_DIR/registry-proxy"
BERTH_REGISTRY_USER=docker-registry

registry_config() { # NAME ADDR READONLY(true|false) STORAGE [UPSTREAM]
    local name=$1 addr=$2 ro=$3 storage=$4 upstream=${5:-}
    cat <<YAML
# Written by infra/setup-host.sh; edits are overwritten.
version: 0.1
log:
  level: info
  fields:
    service: berth-registry-$name
storage:
  filesystem:
    rootdirectory: $storage
  cache:
    blobdescriptor: inmemory
  delete:
    enabled: false
  maintenance:
    readonly:
      enabled: $ro
$([ "$ro" = true ] && printf '    uploadpurging:\n      enabled: false\n')
http:
  addr: $addr:$BERTH_REGISTRY_PORT
  headers:
    X-Content-Type-Options: [nosniff]
# No auth: the rw instance listens on loopback only, the mirror is read-only
# (or a pull-through cache, which refuses pushes).
YAML
    if [ -n "$upstream" ]; then
        printf 'proxy:\n  remoteurl: %s\n' "$upstream"
    fi
}

registry_answers() { curl -fsS --max-time 2 "http://$1:$BERTH_REGISTRY_PORT/v2/" >/dev/null 2>&1; }

# Debian's own instance (htpasswd auth, all interfaces) would take port 5000.
stop_debian_registry() {
    local pid
    if have_systemd; then
        systemctl disable --now docker-registry >/dev/null 2>&1 || true
        return
    fi
    pid=$(cat /var/run/docker-registry.pid 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping Debian's default docker-registry (pid $pid)"
        kill "$pid"
    fi
    command -v update-rc.d >/dev/null && update-rc.d docker-registry disable >/dev/null 2>&1 || true
}

# ensure_registry NAME ADDR READONLY STORAGE [UPSTREAM]: (re)start one
# instance when it does not answer or its config changed.
ensure_registry() {
    local name=$1 addr=$2 ro=$3 storage=$4 upstream=${5:-}
    local conf="$BERTH_ETC_DIR/registry/$name.yml" pidf="$BERTH_RUN_DIR/registry-$name.pid"
    local new pid changed=0 i
    mkdir -p "$BERTH_ETC_DIR/registry" "$BERTH_RUN_DIR" "$BERTH_LOG_DIR" "$storage"
    chown "$BERTH_REGISTRY_USER:" "$storage"
    new=$(registry_config "$name" "$addr" "$ro" "$storage" "$upstream")
    if [ "$(cat "$conf" 2>/dev/null)" != "$new" ]; then
        echo "$new" >"$conf"
        changed=1
    fi
    if [ $changed = 0 ] && registry_answers "$addr"; then
        outcome "$name $addr:$BERTH_REGISTRY_PORT up"
        return
    fi
    pid=$(cat "$pidf" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    setsid setpriv --reuid="$BERTH_REGISTRY_USER" --regid="$BERTH_REGISTRY_USER" --init-groups \
        docker-registry serve "$conf" >>"$BERTH_LOG_DIR/registry-$name.log" 2>&1 </dev/null &
    echo $! >"$pidf"
    for i in $(seq 1 100); do
        registry_answers "$addr" && { outcome "$name $addr:$BERTH_REGISTRY_PORT started"; return; }
        sleep 0.1
    done
    die "registry $name did not answer on $addr:$BERTH_REGISTRY_PORT; see $BERTH_LOG_DIR/registry-$name.log"
}

ensure_registries() {
    local mirror
    stop_debian_registry
    mirror=$(docker0_addr)
    [ -n "$mirror" ] || die "docker0 has no IPv4 address (is dockerd running?)"
    ensure_registry rw 127.0.0.1 false "$BERTH_REGISTRY_DIR"
    if [ -n "$BERTH_MIRROR_UPSTREAM" ]; then
        ensure_registry mirror "$mirror" false "$BERTH_PROXY_DIR" "$BERTH_MIRROR_UPSTREAM"
    else
        ensure_registry mirror "$mirror" true "$BERTH_REGISTRY_DIR"
    fi
    echo "$mirror:$BERTH_REGISTRY_PORT" >"$BERTH_RUN_DIR/mirror"
}
