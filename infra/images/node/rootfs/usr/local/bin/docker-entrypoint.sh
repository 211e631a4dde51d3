#!/bin/sh
# As in the official node image: `docker run node app.js` or `docker run node -e ...`
# run node; any command that exists (bash, npm, sh...) runs as it is.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1" || true)" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
    set -- node "$@"
fi
exec "$@"
