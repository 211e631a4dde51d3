#!/usr/bin/env bash
# What the course relies on: no start without a root password option (a clear
# message); MARIADB_ROOT_PASSWORD/DATABASE/USER/PASSWORD; the mariadb and mysql
# clients inside; password auth from another container on port 3306;
# healthcheck.sh; /docker-entrypoint-initdb.d; MARIADB_ALLOW_EMPTY_ROOT_PASSWORD;
# data in a named volume surviving `docker rm`.
# Plain docker: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-mariadb-$$
work=$(mktemp -d)
cleanup() {
    docker rm -fv "$id-db" "$id-db2" "$id-empty" >/dev/null 2>&1 || true
    docker network rm "$id-net" >/dev/null 2>&1 || true
    docker volume rm "$id-data" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
fail() { echo "mariadb smoke: $*" >&2; docker logs "${2:-$id-db}" 2>&1 | tail -n 20 >&2 || true; exit 1; }
wait_ready() { # CONTAINER
    for _ in $(seq 1 600); do
        docker exec "$1" healthcheck.sh --connect --innodb_initialized && return 0
        [ "$(docker inspect -f '{{.State.Running}}' "$1")" = true ] || break
        sleep 0.1
    done
    fail "$1 did not get ready" "$1"
}
client() { docker run --rm --network "$id-net" mariadb "$@"; }

grep -q ' 11\.8\.' <<<"$(docker run --rm mariadb:11.8 mariadb --version)" || fail "mariadb:11.8 is not MariaDB 11.8"
docker run --rm mariadb sh -c 'command -v mysql && command -v mysqldump && command -v mysqladmin' >/dev/null ||
    fail "the mysql* commands are missing"

if out=$(docker run --rm mariadb 2>&1); then fail "started without a root password option"; fi
grep -q 'MARIADB_ROOT_PASSWORD' <<<"$out" || fail "no clear message without a password: $out"

docker network create "$id-net" >/dev/null
docker volume create "$id-data" >/dev/null
docker run -d --name "$id-db" --network "$id-net" -v "$id-data:/var/lib/mysql" \
    -e MARIADB_ROOT_PASSWORD=rootpw -e MARIADB_DATABASE=shop -e MARIADB_USER=app -e MARIADB_PASSWORD=apppw \
    mariadb >/dev/null
wait_ready "$id-db"
client mariadb -h "$id-db" -u app -papppw shop -e "CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('kept')" ||
    fail "the user could not use its database from another container"
if client mariadb -h "$id-db" -u app -pwrong shop -e 'SELECT 1' >/dev/null 2>&1; then fail "a wrong password was accepted"; fi
[ "$(docker exec "$id-db" mysql -uroot -prootpw -N -e 'SELECT COUNT(*) FROM shop.items')" = 1 ] ||
    fail "mysql -uroot -p in the container failed"
[ "$(client mysql -h "$id-db" -uroot -prootpw -N -e 'SELECT 1')" = 1 ] || fail "root over the network failed"

docker rm -fv "$id-db" >/dev/null
docker run -d --name "$id-db2" --network "$id-net" -v "$id-data:/var/lib/mysql" mariadb >/dev/null
wait_ready "$id-db2"
[ "$(client mariadb -h "$id-db2" -u app -papppw shop -N -e 'SELECT name FROM items')" = kept ] ||
    fail "the data did not survive a new container" "$id-db2"

# an empty root password and a .sql file in /docker-entrypoint-initdb.d
mkdir -m 755 "$work/initdb"
echo 'CREATE TABLE greetings (text TEXT); INSERT INTO greetings VALUES ("hello");' >"$work/initdb/01-schema.sql"
chmod 644 "$work/initdb/01-schema.sql"
docker run -d --name "$id-empty" --network "$id-net" -e MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 -e MARIADB_DATABASE=demo \
    -v "$work/initdb:/docker-entrypoint-initdb.d:ro" mariadb >/dev/null
wait_ready "$id-empty"
# (with no password the client cannot check the server's self-signed certificate,
# as with the official image: MariaDB 11.4+ clients verify it by default)
[ "$(client mariadb -h "$id-empty" -uroot --skip-ssl -N -e 'SELECT text FROM demo.greetings')" = hello ] ||
    fail "the initdb.d file or the empty root password did not work" "$id-empty"
