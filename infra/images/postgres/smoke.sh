#!/usr/bin/env bash
# What the course relies on: no start without POSTGRES_PASSWORD (a clear
# message) unless POSTGRES_HOST_AUTH_METHOD=trust; `docker exec C psql -U postgres`;
# POSTGRES_USER/POSTGRES_DB; password auth from another container; data in a
# named volume surviving `docker rm` and a new container.
# Plain docker: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-postgres-$$
cleanup() {
    docker rm -fv "$id-db" "$id-db2" "$id-trust" >/dev/null 2>&1 || true
    docker network rm "$id-net" >/dev/null 2>&1 || true
    docker volume rm "$id-data" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "postgres smoke: $*" >&2; docker logs "${2:-$id-db}" 2>&1 | tail -n 20 >&2 || true; exit 1; }
wait_ready() { # CONTAINER: until the final server (TCP) answers
    for _ in $(seq 1 300); do
        docker exec "$1" pg_isready -q -h 127.0.0.1 2>/dev/null && return 0
        [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || break
        sleep 0.1
    done
    fail "$1 did not get ready" "$1"
}

grep -q '(PostgreSQL) 17\.' <<<"$(docker run --rm postgres:17 postgres --version)" || fail "postgres:17 is not PostgreSQL 17"

# no password: refuses, says why
if out=$(docker run --rm postgres 2>&1); then fail "started without POSTGRES_PASSWORD"; fi
grep -q 'POSTGRES_PASSWORD' <<<"$out" || fail "no clear message without a password: $out"

docker network create "$id-net" >/dev/null
docker volume create "$id-data" >/dev/null
docker run -d --name "$id-db" --network "$id-net" -e POSTGRES_PASSWORD=secret -e POSTGRES_DB=shop \
    -v "$id-data:/var/lib/postgresql/data" postgres >/dev/null
wait_ready "$id-db"
docker exec -i "$id-db" psql -U postgres -d shop -v ON_ERROR_STOP=1 -q \
    -c 'CREATE TABLE items (name text)' -c "INSERT INTO items VALUES ('kept')" || fail "psql in the container failed"

# from another container: the password is checked
docker run --rm --network "$id-net" -e PGPASSWORD=secret postgres \
    psql -h "$id-db" -U postgres -d shop -tAc 'SELECT count(*) FROM items' | grep -qx 1 ||
    fail "psql over the network with the password failed"
if docker run --rm --network "$id-net" -e PGPASSWORD=wrong postgres psql -h "$id-db" -U postgres -c 'SELECT 1' >/dev/null 2>&1; then
    fail "a wrong password was accepted"
fi

# the data outlives the container; the second start does not initialise again
docker rm -fv "$id-db" >/dev/null
docker run -d --name "$id-db2" -v "$id-data:/var/lib/postgresql/data" postgres >/dev/null
wait_ready "$id-db2"
[ "$(docker exec "$id-db2" psql -U postgres -d shop -tAc 'SELECT name FROM items')" = kept ] ||
    fail "the data did not survive a new container" "$id-db2"
grep -q 'not initialising' <<<"$(docker logs "$id-db2" 2>&1)" || fail "the second start initialised again" "$id-db2"

# POSTGRES_USER and trust
docker run -d --name "$id-trust" -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_USER=app postgres >/dev/null
wait_ready "$id-trust"
[ "$(docker exec "$id-trust" psql -U app -tAc 'SELECT current_database()')" = app ] ||
    fail "POSTGRES_USER=app did not make the user and its database" "$id-trust"
