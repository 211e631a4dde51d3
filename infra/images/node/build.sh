#!/usr/bin/env bash
# The Dockerfile's seed stage downloads from the npm registry: give it the CA
# bundle this host trusts (the only file added to the build context). Then
# check that the tags in image.json name the Node.js major version inside.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ca=${BERTH_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
[ -s "$ca" ] || { echo "node: no CA bundle at $ca (set BERTH_CA_BUNDLE)" >&2; exit 1; }
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp -a "$here/." "$ctx/"
cp "$ca" "$ctx/host-ca.crt"
docker build --label "$BERTH_HASH_LABEL" -t "$BERTH_IMAGE" "$ctx" >"$ctx/build.log" 2>&1 ||
    { tail -n 40 "$ctx/build.log" >&2; echo "node: docker build failed" >&2; exit 1; }
grep -o 'cached [0-9]* packages, .*' "$ctx/build.log" | sed 's/^/node: /' >&2 || true
major=$(docker run --rm --entrypoint node "$BERTH_IMAGE" -p 'process.versions.node.split(".")[0]')
jq -e --arg v "$major" '.tags | index($v)' "$here/image.json" >/dev/null ||
    { echo "node: Debian's Node.js is $major now; update the tags in image.json" >&2; exit 1; }
