#!/usr/bin/env bash
# What the course relies on: redis-cli inside; another container on the same
# network can use the server (every address, protected mode off); with
# --appendonly yes the data in a named volume survives a new container.
# Plain docker: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-redis-$$
cleanup() {
    docker rm -fv "$id-r" "$id-r2" >/dev/null 2>&1 || true
    docker network rm "$id-net" >/dev/null 2>&1 || true
    docker volume rm "$id-data" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "redis smoke: $*" >&2; docker logs "${2:-$id-r}" 2>&1 | tail -n 20 >&2 || true; exit 1; }
wait_ready() {
    for _ in $(seq 1 100); do
        [ "$(docker exec "$1" redis-cli ping 2>/dev/null)" = PONG ] && return 0
        sleep 0.1
    done
    fail "$1 did not answer PONG" "$1"
}
cli() { docker run --rm --network "$id-net" redis redis-cli "$@"; }

grep -q 'v=8\.0\.' <<<"$(docker run --rm redis:8.0 redis-server --version)" || fail "redis:8.0 is not Redis 8.0"

docker network create "$id-net" >/dev/null
docker volume create "$id-data" >/dev/null
docker run -d --name "$id-r" --network "$id-net" -v "$id-data:/data" redis --appendonly yes >/dev/null
wait_ready "$id-r"
[ "$(cli -h "$id-r" SET visits 41)" = OK ] || fail "SET from another container failed (protected mode?)"
[ "$(cli -h "$id-r" INCR visits)" = 42 ] || fail "INCR from another container failed"
[ "$(docker exec "$id-r" redis-cli CONFIG GET protected-mode | tail -n1)" = no ] || fail "protected mode is on"
[ "$(docker exec "$id-r" sh -c 'ps -o user= -p 1 2>/dev/null || stat -c %U /proc/1')" = redis ] || fail "redis-server does not run as redis"
docker rm -fv "$id-r" >/dev/null
docker run -d --name "$id-r2" --network "$id-net" -v "$id-data:/data" redis --appendonly yes >/dev/null
wait_ready "$id-r2"
[ "$(cli -h "$id-r2" GET visits)" = 42 ] || fail "the data did not survive a new container" "$id-r2"
