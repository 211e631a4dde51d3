#!/bin/sh
# Like the official image: before nginx starts, run the scripts in
# /docker-entrypoint.d/ (sorted); any other command runs as it is.
# NGINX_ENTRYPOINT_QUIET_LOGS=1 silences this script.
set -eu

say() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*" >&2; }

if [ "${1:-}" = nginx ] || [ "${1:-}" = nginx-debug ]; then
    for f in $(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f 2>/dev/null | sort); do
        # shellcheck disable=SC1090 # sourcing the image's own .envsh scripts
        case $f in
            *.envsh) if [ -x "$f" ]; then say "sourcing $f"; . "$f"; else say "ignoring $f, not executable"; fi ;;
            *.sh)    if [ -x "$f" ]; then say "running $f"; "$f"; else say "ignoring $f, not executable"; fi ;;
            *)       say "ignoring $f" ;;
        esac
    done
    say "configuration complete; starting nginx"
fi
exec "$@"
