#!/usr/bin/env bash
# What the course relies on, all with --network none (there is no registry in a
# sandbox): a Dockerfile with `FROM node` + `RUN npm install` of express ^4 that
# serves on port 3000; the same install as the node user; `npm install express`
# (express 5); `npm run build` without dependencies in a multi-stage build that
# ends FROM nginx; a package outside the cache failing at once with ENOTCACHED.
# Plain docker + curl: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-node-$$
work=$(mktemp -d)
cleanup() {
    docker rm -fv "$id-app" "$id-site" >/dev/null 2>&1 || true
    docker rmi -f "$id-app" "$id-site" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
fail() { echo "node smoke: $*" >&2; exit 1; }
url_of() { echo "http://127.0.0.1:$(docker port "$1" "$2/tcp" | head -n1 | sed 's/.*://')/"; }
wait_http() {
    for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
    docker logs "${2:-}" >&2 || true
    fail "no answer from $1"
}
build() { # TAG DIR
    docker build -q --network none -t "$1" "$2" >/dev/null 2>&1 || docker build --network none -t "$1" "$2" >&2 ||
        fail "docker build of $2 failed"
}

grep -q '^v20\.' <<<"$(docker run --rm node:20 node --version)" || fail "node:20 is not Node.js 20"
[ "$(docker run --rm node -p '6*7')" = 42 ] || fail "the entrypoint does not run node for an option"
[ "$(docker run --rm node id node)" = 'uid=1000(node) gid=1000(node) groups=1000(node)' ] || fail "no node user 1000"

# the express app of the first Dockerfile lesson
mkdir -p "$work/app"
cat >"$work/app/package.json" <<'JSON'
{ "name": "hello", "version": "1.0.0", "main": "app.js", "dependencies": { "express": "^4.18.2" } }
JSON
cat >"$work/app/app.js" <<'JS'
const express = require('express');
const app = express();
app.get('/', (req, res) => res.send(`hello from express ${require('express/package.json').version}\n`));
app.listen(process.env.PORT || 3000, () => console.log('listening'));
JS
printf 'node_modules\n' >"$work/app/.dockerignore"
cat >"$work/app/Dockerfile" <<'DOCKERFILE'
FROM node
WORKDIR /app
COPY package.json ./
RUN npm install
COPY . .
ENV PORT=3000
EXPOSE 3000
CMD ["node", "app.js"]
DOCKERFILE
build "$id-app" "$work/app"
docker run -d --name "$id-app" -p 127.0.0.1::3000 "$id-app" >/dev/null
url=$(url_of "$id-app" 3000)
wait_http "$url" "$id-app"
grep -q '^hello from express 4\.' <<<"$(curl -fsS "$url")" || fail "the express app does not answer"

# as the node user, and `npm install express` (latest: express 5)
docker run --rm --network none -u node -w /home/node node sh -ec '
    mkdir a && cd a && npm init -y >/dev/null && npm install express >/dev/null 2>&1 &&
    node -p "require(\"express/package.json\").version"' | grep -q '^5\.' || fail "npm install express as node failed"

# multi-stage: build with node (no dependencies), serve with nginx
mkdir -p "$work/site/src"
echo '<h1>built by npm run build</h1>' >"$work/site/src/index.html"
cat >"$work/site/package.json" <<'JSON'
{ "name": "site", "version": "1.0.0", "private": true,
  "scripts": { "build": "mkdir -p dist && cp src/index.html dist/ && echo built" } }
JSON
cat >"$work/site/Dockerfile" <<'DOCKERFILE'
FROM node AS build
WORKDIR /src
COPY package.json ./
RUN npm install
COPY . .
RUN npm run build

FROM nginx
COPY --from=build /src/dist/ /usr/share/nginx/html/
DOCKERFILE
build "$id-site" "$work/site"
docker run -d --name "$id-site" -p 127.0.0.1::80 "$id-site" >/dev/null
url=$(url_of "$id-site" 80)
wait_http "$url" "$id-site"
grep -q 'built by npm run build' <<<"$(curl -fsS "$url")" || fail "the multi-stage site is not served"

# outside the cache: a clear error, quickly
start=$(date +%s)
out=$(docker run --rm --network none node sh -c 'cd /tmp && npm init -y >/dev/null && npm install left-pad 2>&1' || true)
grep -q ENOTCACHED <<<"$out" || fail "a package outside the cache did not fail with ENOTCACHED: $out"
[ $(($(date +%s) - start)) -lt 20 ] || fail "a package outside the cache took 20 s or more to fail"
