#!/usr/bin/env bash
# What the course relies on: the welcome page on port 80 with access lines in
# `docker logs`, 403 for an empty bind-mounted docroot, `FROM nginx` + COPY of
# a site, a template from /etc/nginx/templates, a quick `docker stop`.
# Plain docker + curl: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-nginx-$$
work=$(mktemp -d)
cleanup() {
    docker rm -fv "$id-a" "$id-b" "$id-c" "$id-d" >/dev/null 2>&1 || true
    docker rmi -f "$id-img" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
fail() { echo "nginx smoke: $*" >&2; exit 1; }
url_of() { echo "http://127.0.0.1:$(docker port "$1" 80/tcp | head -n1 | sed 's/.*://')/"; }
wait_http() { # URL: until anything answers
    for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
    fail "no answer from $1"
}
code_of() { curl -s -o /dev/null -w '%{http_code}' "$1"; }

grep -q 'nginx/1\.26\.' <<<"$(docker run --rm nginx:1.26 nginx -v 2>&1)" || fail "nginx:1.26 is not nginx 1.26"

# the default page, the access log on stdout, curl inside for HEALTHCHECK
docker run -d --name "$id-a" -p 127.0.0.1::80 nginx >/dev/null
url=$(url_of "$id-a")
wait_http "$url"
grep -q '<title>Welcome to nginx!</title>' <<<"$(curl -fsS "$url")" || fail "no welcome page"
docker exec "$id-a" curl -fsS -o /dev/null http://localhost/ || fail "curl inside the container failed"
for _ in $(seq 1 50); do
    grep -q '"GET / HTTP/1.1" 200' <<<"$(docker logs "$id-a" 2>/dev/null)" && break
    sleep 0.1
done
grep -q '"GET / HTTP/1.1" 200' <<<"$(docker logs "$id-a" 2>/dev/null)" || fail "no access line in docker logs"
[ "$(code_of "${url}missing.html")" = 404 ] || fail "a missing file is not 404"
grep -q 'open() "/usr/share/nginx/html/missing.html" failed' <<<"$(docker logs "$id-a" 2>&1)" ||
    { sleep 0.5; grep -q 'missing.html" failed' <<<"$(docker logs "$id-a" 2>&1)"; } || fail "no error line in docker logs"
start=$(date +%s%N)
docker stop "$id-a" >/dev/null
[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 5000 ] || fail "docker stop took 5 s or more (STOPSIGNAL)"

# an empty folder bind-mounted over the docroot: 403 Forbidden
mkdir -m 755 "$work/empty"
docker run -d --name "$id-b" -v "$work/empty:/usr/share/nginx/html:ro" -p 127.0.0.1::80 nginx >/dev/null
url=$(url_of "$id-b")
wait_http "$url"
[ "$(code_of "$url")" = 403 ] || fail "an empty docroot does not answer 403"
grep -q '403 Forbidden' <<<"$(curl -s "$url")" || fail "no 403 Forbidden page"

# FROM nginx + COPY site/ (the builder the engine has: BuildKit in a sandbox)
mkdir -p "$work/build/site"
echo '<h1>built by the Berth smoke test</h1>' >"$work/build/site/index.html"
printf 'FROM nginx\nCOPY site/ /usr/share/nginx/html/\nEXPOSE 80\n' >"$work/build/Dockerfile"
docker build -q -t "$id-img" "$work/build" >/dev/null 2>&1 || docker build -t "$id-img" "$work/build"
docker run -d --name "$id-c" -p 127.0.0.1::80 "$id-img" >/dev/null
url=$(url_of "$id-c")
wait_http "$url"
grep -q 'built by the Berth smoke test' <<<"$(curl -fsS "$url")" || fail "the built site is not served"

# a template with ${NGINX_PORT}, rendered into conf.d at start
mkdir -m 755 "$work/templates"
# shellcheck disable=SC2016 # nginx and envsubst variables, not the shell's
printf 'server {\n    listen ${NGINX_PORT};\n    location / { return 200 "port $server_port\\n"; }\n}\n' >"$work/templates/port.conf.template"
chmod 644 "$work/templates/port.conf.template"
docker run -d --name "$id-d" -e NGINX_PORT=8081 -v "$work/templates:/etc/nginx/templates:ro" nginx >/dev/null
for _ in $(seq 1 50); do
    out=$(docker exec "$id-d" curl -fsS http://localhost:8081/ 2>/dev/null) && break
    sleep 0.1
done
[ "${out:-}" = "port 8081" ] || fail "the template was not applied (got '${out:-}')"
