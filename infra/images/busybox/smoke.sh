#!/usr/bin/env bash
# A shell and a few applets work.
set -euo pipefail
docker run --rm busybox sh -c 'echo hi | grep -q hi && ls / >/dev/null && test "$(id -u)" = 0'
banner=$(docker run --rm busybox:1.35 sh -c 'busybox | head -n1')
grep -q 'BusyBox v1.35' <<<"$banner"
