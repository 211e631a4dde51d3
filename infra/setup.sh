#!/usr/bin/env bash
# THE FIRST COMMAND: install and start everything on a Debian 12 host, as root.
#   sudo bash infra/setup.sh
# Idempotent: a second run checks everything in seconds and restarts the agent
# and the site. Steps: host engine + registry + firewall (setup-host.sh), images
# (build-images.sh), npm dependencies, the web build, then the agent and the site.
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
need_root
REPO=$(cd "$BERTH_INFRA_DIR/.." && pwd)
started=$(now_ms)

bash "$BERTH_INFRA_DIR/setup-host.sh"
bash "$BERTH_INFRA_DIR/build-images.sh"
bash "$BERTH_INFRA_DIR/install-app.sh"
bash "$BERTH_INFRA_DIR/start.sh"

log "ready in $(awk -v a="$started" -v b="$(now_ms)" 'BEGIN { printf "%.0f", (b - a) / 1000 }') s"
cat <<MSG

  Berth is running:  http://${BERTH_WEB_HOST:-127.0.0.1}:${BERTH_WEB_PORT:-3000}

  Try a sandbox from the shell:
    export BERTH_AGENT_TOKEN=\$(jq -r .token $BERTH_ETC_DIR/agent.json)
    npm run berthctl -- create demo && npm run berthctl -- shell demo
  Logs: $BERTH_LOG_DIR/{agent,web,dockerd}.log    Stop: bash infra/stop.sh
  Tests: npm test

MSG
