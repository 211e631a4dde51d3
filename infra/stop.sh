#!/usr/bin/env bash
# Stops the site and the agent. Sandboxes keep running (the next agent adopts
# them); remove them with berthctl first if you want them gone.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$BERTH_LIB_DIR/processes.sh"
for name in web agent; do
    stop_pidfile "$name"
    log "stopped $name"
done
