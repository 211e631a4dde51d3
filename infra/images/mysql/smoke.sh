#!/usr/bin/env bash
# The mysql name: a MySQL-style run (MYSQL_* variables, the mysql client, port
# 3306) works, the log says this is MariaDB, the label says so, and every tag
# is the same MariaDB underneath.
# Plain docker: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-mysql-$$
cleanup() {
    docker rm -fv "$id-db" >/dev/null 2>&1 || true
    docker network rm "$id-net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "mysql smoke: $*" >&2; docker logs "$id-db" 2>&1 | tail -n 20 >&2 || true; exit 1; }

for tag in latest 8 8.0 8.4 5.7; do
    grep -q MariaDB <<<"$(docker run --rm "mysql:$tag" mysql --version)" || fail "mysql:$tag is not the MariaDB stand-in"
done
grep -qx mysql <<<"$(docker image inspect -f '{{index .Config.Labels "org.berth.stands-in-for"}}' mysql:8.0)" ||
    fail "no stand-in label"

docker network create "$id-net" >/dev/null
docker run -d --name "$id-db" --network "$id-net" -e MYSQL_ROOT_PASSWORD=rootpw -e MYSQL_DATABASE=app \
    -e MYSQL_USER=app -e MYSQL_PASSWORD=apppw mysql:8.0 --default-authentication-plugin=mysql_native_password >/dev/null
for _ in $(seq 1 600); do
    docker exec "$id-db" mysqladmin --protocol=tcp -h127.0.0.1 ping >/dev/null 2>&1 && break
    [ "$(docker inspect -f '{{.State.Running}}' "$id-db")" = true ] || break
    sleep 0.1
done
grep -q 'is MariaDB .* standing in for MySQL' <<<"$(docker logs "$id-db" 2>&1)" || fail "no stand-in note in the log"
[ "$(docker run --rm --network "$id-net" mysql mysql -h "$id-db" -u app -papppw app -N -e 'SELECT DATABASE()')" = app ] ||
    fail "MYSQL_USER/MYSQL_DATABASE did not work"
