#!/usr/bin/env bash
# THE SECOND COMMAND (npm test): the whole suite, as root on a prepared host.
#   lint + type-check, unit tests, the images' smoke tests, integration tests
#   against the real Docker engine, and browser tests in Debian's Chromium.
# The host part is idempotent and cached, so this also works right after a clone
# (it installs and starts what is missing, as infra/setup.sh does).
# Ends with one line "N passed, N failed".
set -uo pipefail

. "$(dirname "$0")/lib/common.sh"
. "$BERTH_LIB_DIR/processes.sh"
REPO=$(cd "$BERTH_INFRA_DIR/.." && pwd)
cd "$REPO"
RESULTS=$(mktemp -d)
FAILED_STEPS=()

step() { # NAME CMD...: runs a step, remembers a failure, keeps going
    local name=$1; shift
    local start; start=$(now_ms)
    printf '\n[berth test] %s\n' "$name"
    if "$@"; then
        printf '[berth test] %s: ok (%ss)\n' "$name" "$(( ($(now_ms) - start) / 1000 ))"
    else
        printf '[berth test] %s: FAILED\n' "$name"
        FAILED_STEPS+=("$name")
    fi
}

vitest_project() { # PROJECT [ENV...]
    local project=$1; shift
    env "$@" npx vitest run --project "$project" --reporter=default --reporter=json \
        --outputFile.json="$RESULTS/$project.json"
}

# The browser tests run against the stack started as infra/start.sh starts it (the
# web process with its gateway and embedded PostgreSQL, an agent dialling in), on
# test ports, with an agent id and slots of their own (test/e2e/stack.ts).
e2e() {
    local url rc=0
    export BERTH_E2E_DIR="$BERTH_STATE_DIR/e2e"
    rm -rf "$BERTH_E2E_DIR"
    if url=$(node --import tsx test/e2e/stack.ts start); then
        vitest_project e2e BERTH_WEB_URL="$url" BERTH_E2E_DIR="$BERTH_E2E_DIR" || rc=1
    else
        tail -n 30 "$BERTH_E2E_DIR"/*.log; rc=1
    fi
    node --import tsx test/e2e/stack.ts stop
    return $rc
}

step "prisma client" npm run -s -w apps/web db:generate
step "lint" npx eslint --max-warnings=0 .
step "type-check" bash -c 'npx tsc -p tsconfig.json --noEmit && npx tsc -p apps/web --noEmit'
step "course content" npm run -s content:check
step "unit tests" vitest_project unit
# Test tools from Debian: Chromium for the browser tests, Redis for the several-gateways test.
step "test tools (chromium, redis-server)" bash -c 'missing=""; command -v chromium >/dev/null || missing="chromium";
    command -v redis-server >/dev/null || missing="$missing redis-server";
    [ -z "$missing" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }'
step "host: engine, registry, firewall" bash infra/setup-host.sh
step "images: build and smoke tests" bash infra/build-images.sh --smoke
step "integration tests (real Docker)" vitest_project integration
step "web build" bash infra/install-app.sh
step "browser tests (Chromium)" e2e

# One closing line over every test the runners executed.
read -r passed failed < <(node -e '
  const fs = require("fs"); let p = 0, f = 0;
  for (const file of fs.readdirSync(process.argv[1]).filter((n) => n.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests;
  }
  console.log(p, f);' "$RESULTS")
echo
if [ ${#FAILED_STEPS[@]} -gt 0 ]; then
    printf '[berth test] failed steps: %s\n' "${FAILED_STEPS[*]}"
    failed=$((failed > 0 ? failed : ${#FAILED_STEPS[@]}))
fi
echo "$passed passed, $failed failed"
rm -rf "$RESULTS"
[ ${#FAILED_STEPS[@]} -eq 0 ]
