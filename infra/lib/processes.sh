# shellcheck shell=bash
# Background processes with pid files (no systemd needed). Needs common.sh.

# stop_pidfile NAME: ends the process group recorded in $BERTH_RUN_DIR/NAME.pid.
stop_pidfile() {
    local file="$BERTH_RUN_DIR/$1.pid" pid i
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

# start_bg NAME LOG CMD...: starts CMD in its own session and records its pid.
start_bg() {
    local name=$1 logfile=$2; shift 2
    mkdir -p "$BERTH_RUN_DIR"
    setsid "$@" >>"$logfile" 2>&1 </dev/null &
    echo $! >"$BERTH_RUN_DIR/$name.pid"
}

# wait_http URL SECONDS: true once URL answers 2xx.
wait_http() {
    local i
    for i in $(seq $(($2 * 10))); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
