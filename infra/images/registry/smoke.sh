#!/usr/bin/env bash
# What the sharing lesson relies on: htpasswd from the image makes a password
# file; the registry with REGISTRY_AUTH=htpasswd refuses a push before
# `docker login`, accepts it after, and the image comes back with `docker pull`
# after the local copy is gone. Uses a free port (a lesson uses 5000) and its
# own DOCKER_CONFIG unless one is set. Plain docker: host engine or sandbox.
set -euo pipefail
id=berth-smoke-registry-$$
work=$(mktemp -d)
export DOCKER_CONFIG=${DOCKER_CONFIG:-$work/docker-config}
mkdir -p "$DOCKER_CONFIG"
reg=""
cleanup() {
    [ -z "$reg" ] || docker logout "$reg" >/dev/null 2>&1 || true
    [ -z "$reg" ] || docker rmi -f "$reg/smoke/hello:1.0" >/dev/null 2>&1 || true
    docker rm -fv "$id" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "registry smoke: $*" >&2; docker logs "$id" 2>&1 | tail -n 20 >&2 || true; exit 1; }

grep -q ' v\?2\.8\.' <<<"$(docker run --rm registry:2 --version)" || fail "registry:2 is not distribution 2.8"

mkdir -m 755 "$work/auth"
docker run --rm --entrypoint htpasswd registry -Bbn learner s3cret >"$work/auth/htpasswd"
chmod 644 "$work/auth/htpasswd"
# shellcheck disable=SC2016
grep -q '^learner:\$2y\$' "$work/auth/htpasswd" || fail "htpasswd did not write a bcrypt entry"

docker run -d --name "$id" -p 127.0.0.1::5000 -v "$work/auth:/auth:ro" \
    -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM="Registry Realm" \
    -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry >/dev/null
reg="localhost:$(docker port "$id" 5000/tcp | head -n1 | sed 's/.*://')"
for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://$reg/v2/" || true)
    [ "$code" = 401 ] && break
    sleep 0.1
done
[ "$code" = 401 ] || fail "the registry does not ask for a password (got $code)"

docker image inspect hello-world >/dev/null 2>&1 || docker pull -q hello-world >/dev/null
docker tag hello-world "$reg/smoke/hello:1.0"
if docker push "$reg/smoke/hello:1.0" >/dev/null 2>&1; then fail "a push without login was accepted"; fi
echo s3cret | docker login "$reg" -u learner --password-stdin >/dev/null 2>&1 || fail "docker login failed"
docker push "$reg/smoke/hello:1.0" >/dev/null || fail "docker push failed"
docker rmi "$reg/smoke/hello:1.0" >/dev/null
docker pull "$reg/smoke/hello:1.0" >/dev/null || fail "docker pull failed"
grep -q 'Hello from Berth' <<<"$(docker run --rm "$reg/smoke/hello:1.0")" || fail "the pulled image does not run"
grep -q '"smoke/hello"' <<<"$(curl -fsS -u learner:s3cret "http://$reg/v2/_catalog")" || fail "the catalog does not list it"
