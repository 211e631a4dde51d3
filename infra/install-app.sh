#!/usr/bin/env bash
# npm dependencies (only when package-lock.json changed) and the web build
# (only when the web app's sources changed).
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
REPO=$(cd "$BERTH_INFRA_DIR/.." && pwd)
cd "$REPO"
mkdir -p "$BERTH_LOG_DIR"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.berth-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
    log "installing npm dependencies"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" >node_modules/.berth-lock-hash
else
    log "npm dependencies: up to date"
fi

# The Prisma client is generated offline from prisma/schema.prisma (gitignored output).
npm run -s -w apps/web db:generate >/dev/null

web_hash=$( { dir_hash apps/web/src; dir_hash apps/web/messages; dir_hash packages/protocol/src; dir_hash packages/content/src; sha256sum apps/web/*.json apps/web/*.ts apps/web/*.mjs package-lock.json; } | sha256sum | cut -d' ' -f1)
if [ ! -f apps/web/.next/BUILD_ID ] || [ "$(cat apps/web/.next/.berth-src-hash 2>/dev/null)" != "$web_hash" ]; then
    log "building the web app"
    npm run build -w apps/web --silent >"$BERTH_LOG_DIR/web-build.log" 2>&1 ||
        { tail -n 40 "$BERTH_LOG_DIR/web-build.log" >&2; die "the web build failed (full log: $BERTH_LOG_DIR/web-build.log)"; }
    echo "$web_hash" >apps/web/.next/.berth-src-hash
else
    log "web build: up to date"
fi
