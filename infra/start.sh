#!/usr/bin/env bash
# (Re)starts the worker agent and the web site in the background, with pid files
# under /run/berth and logs under /var/log/berth. Sandboxes survive an agent
# restart: the new agent adopts them. Creates /etc/berth/agent.json (with a
# random token, mode 0600) the first time.
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

ensure_agent_config() {
    [ -s "$AGENT_CONFIG" ] && return
    umask 077
    jq -n --arg token "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        --arg profiles "$REPO/content/sandbox-profiles" --argjson port "$AGENT_PORT" \
        '{agentId: "local", token: $token, listen: {host: "127.0.0.1", port: $port},
          profilesDir: $profiles, slots: {first: 1, count: 16}}' >"$AGENT_CONFIG"
    log "wrote $AGENT_CONFIG"
}

ensure_agent_config
stop_pidfile agent
start_bg agent "$BERTH_LOG_DIR/agent.log" env BERTH_AGENT_CONFIG="$AGENT_CONFIG" \
    bash -c "cd '$REPO' && exec node --import tsx worker-agent/src/main.ts"
wait_http "http://127.0.0.1:$AGENT_PORT/healthz" 60 ||
    { tail -n 20 "$BERTH_LOG_DIR/agent.log" >&2; die "the agent did not start (log: $BERTH_LOG_DIR/agent.log)"; }
log "agent: http://127.0.0.1:$AGENT_PORT (log $BERTH_LOG_DIR/agent.log)"

stop_pidfile web
start_bg web "$BERTH_LOG_DIR/web.log" env PORT="$WEB_PORT" HOST="$WEB_HOST" NEXT_TELEMETRY_DISABLED=1 \
    bash -c "cd '$REPO' && exec npm run start -w apps/web"
wait_http "http://$WEB_HOST:$WEB_PORT/api/health" 60 ||
    { tail -n 20 "$BERTH_LOG_DIR/web.log" >&2; die "the site did not start (log: $BERTH_LOG_DIR/web.log)"; }
log "site: http://$WEB_HOST:$WEB_PORT (log $BERTH_LOG_DIR/web.log)"
