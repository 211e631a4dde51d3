#!/usr/bin/env bash
# What a lesson may rely on: python and python3 are 3.13, pip and venv work
# (a PyPI download fails fast: there is no PyPI offline), and a Dockerfile
# `FROM python` with a small HTTP server answers on its port.
# Plain docker + curl: runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-python-$$
work=$(mktemp -d)
cleanup() {
    docker rm -fv "$id" >/dev/null 2>&1 || true
    docker rmi -f "$id" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"
fail() { echo "python smoke: $*" >&2; docker logs "$id" 2>&1 | tail -n 20 >&2 || true; exit 1; }

[ "$(docker run --rm python:3.13 python --version)" = "$(docker run --rm python:3.13 python3 --version)" ] ||
    fail "python is not python3"
grep -q '^Python 3\.13\.' <<<"$(docker run --rm python:3.13 python --version)" || fail "python:3.13 is not Python 3.13"
docker run --rm --network none python sh -ec '
    pip --version | grep -q "python 3\.13"
    python -m venv /tmp/venv && /tmp/venv/bin/python -c "import sys; assert sys.prefix == \"/tmp/venv\""
    /tmp/venv/bin/pip --version >/dev/null' || fail "pip or venv does not work"
# no PyPI in a sandbox: a download fails, quickly (pip.conf: no retries)
start=$(date +%s)
if docker run --rm --network none python pip install flask >/dev/null 2>&1; then fail "pip install flask worked offline?"; fi
[ $(($(date +%s) - start)) -lt 30 ] || fail "pip install of a PyPI package took 30 s or more to fail"

mkdir -p "$work/app"
printf 'import http.server\nhttp.server.test(HandlerClass=http.server.SimpleHTTPRequestHandler, port=8000, bind="0.0.0.0")\n' >"$work/app/app.py"
echo 'hello from python' >"$work/app/index.html"
printf 'FROM python\nWORKDIR /app\nCOPY . .\nEXPOSE 8000\nCMD ["python", "app.py"]\n' >"$work/app/Dockerfile"
docker build -q -t "$id" "$work/app" >/dev/null 2>&1 || docker build -t "$id" "$work/app" >&2 || fail "docker build failed"
docker run -d --name "$id" -p 127.0.0.1::8000 "$id" >/dev/null
url="http://127.0.0.1:$(docker port "$id" 8000/tcp | head -n1 | sed 's/.*://')/"
for _ in $(seq 1 100); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
grep -q 'hello from python' <<<"$(curl -fsS "$url")" || fail "the python server does not answer"
