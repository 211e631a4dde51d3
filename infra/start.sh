#!/usr/bin/env bash
# (Re)starts the web site (pages + gateway + embedded PostgreSQL) and the worker
# agent (which dials out to the gateway) in the background, with pid files under
# /run/berth and logs under /var/log/berth. Sandboxes survive a restart of either:
# the new agent adopts them, pages reconnect. Creates /etc/berth/{web,agent}.json
# (random secrets, mode 0600) the first time.
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
. "$BERTH_LIB_DIR/processes.sh"
need_root
REPO=$(cd "$BERTH_INFRA_DIR/.." && pwd)
mkdir -p "$BERTH_RUN_DIR" "$BERTH_LOG_DIR" "$BERTH_ETC_DIR"
AGENT_CONFIG="$BERTH_ETC_DIR/agent.json"
AGENT_PORT=${BERTH_AGENT_PORT:-7070}
WEB_HOST=${BERTH_WEB_HOST:-127.0.0.1}
WEB_PORT=${BERTH_WEB_PORT:-3000}

WEB_CONFIG="$BERTH_ETC_DIR/web.json"

random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# The web process's config (secret, the agents' token, the embedded database) and the
# agent's (the same token, dialling out to the web's gateway; a loopback API for
# berthctl). Written once, mode 0600; later runs only add what is missing.
ensure_configs() {
    umask 077
    if [ ! -s "$WEB_CONFIG" ]; then
        jq -n --arg secret "$(random_hex)" --arg agentToken "$(random_hex)" --arg host "$WEB_HOST" --argjson port "$WEB_PORT" \
            --arg dataDir "$BERTH_STATE_DIR/postgres" \
            '{host: $host, port: $port, secret: $secret, agentToken: $agentToken,
              database: {embedded: {dataDir: $dataDir, port: 5433}}}' >"$WEB_CONFIG"
        log "wrote $WEB_CONFIG"
    fi
    # The agent must hold the web's agent token and dial the web's port; the rest
    # of an existing agent config (slots, limits...) is the operator's.
    local fixed want
    fixed=$(jq -n --arg token "$(jq -r .agentToken "$WEB_CONFIG")" \
        --arg control "http://127.0.0.1:$(jq -r .port "$WEB_CONFIG")" '{token: $token, control: {url: $control}}')
    # A warm pool (issue #7): two default sandboxes kept ready, unless the operator's
    # config says otherwise (BERTH_POOL_SIZE sets it for a new config; 0 = none).
    local pool=${BERTH_POOL_SIZE:-2}
    if [ -s "$AGENT_CONFIG" ]; then
        want=$(jq -s --argjson pool "$pool" '(if .[0] | has("pool") then .[0] else .[0] + {pool: {sizes: {default: $pool}}} end) * .[1]' \
            "$AGENT_CONFIG" <(echo "$fixed"))
    else
        want=$(jq -n --argjson fixed "$fixed" --arg profiles "$REPO/content/sandbox-profiles" --argjson port "$AGENT_PORT" \
            --argjson pool "$pool" \
            '{agentId: "local", listen: {host: "127.0.0.1", port: $port}, profilesDir: $profiles,
              slots: {first: 1, count: 16}, pool: {sizes: {default: $pool}}} * $fixed')
    fi
    echo "$want" >"$AGENT_CONFIG.tmp" && mv "$AGENT_CONFIG.tmp" "$AGENT_CONFIG"
}

ensure_configs
stop_pidfile web
start_bg web "$BERTH_LOG_DIR/web.log" env BERTH_WEB_CONFIG="$WEB_CONFIG" NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production \
    bash -c "cd '$REPO/apps/web' && exec node --import tsx server.ts"
wait_http "http://$WEB_HOST:$WEB_PORT/api/health" 60 ||
    { tail -n 20 "$BERTH_LOG_DIR/web.log" >&2; die "the site did not start (log: $BERTH_LOG_DIR/web.log)"; }
log "site: http://$WEB_HOST:$WEB_PORT (log $BERTH_LOG_DIR/web.log)"

stop_pidfile agent
start_bg agent "$BERTH_LOG_DIR/agent.log" env BERTH_AGENT_CONFIG="$AGENT_CONFIG" \
    bash -c "cd '$REPO' && exec node --import tsx worker-agent/src/main.ts"
wait_http "http://127.0.0.1:$AGENT_PORT/healthz" 60 ||
    { tail -n 20 "$BERTH_LOG_DIR/agent.log" >&2; die "the agent did not start (log: $BERTH_LOG_DIR/agent.log)"; }
log "agent: http://127.0.0.1:$AGENT_PORT (log $BERTH_LOG_DIR/agent.log)"

