#!/bin/bash
# Broken on purpose: an API that listens on 127.0.0.1 inside its container.
# Safe to run again: existing files, image and container are left as they are.
dir="$HOME/status-api"
mkdir -p "$dir"
[ -f "$dir/server.js" ] || cat >"$dir/server.js" <<'JS'
// A tiny status API. HOST defaults to 127.0.0.1: safe on a laptop,
// where nobody else should reach a server you are developing.
const http = require('http');

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);

http
  .createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', time: new Date().toISOString() }) + '\n');
  })
  .listen(port, host, () => console.log(`status-api listening on http://${host}:${port}`));
JS
[ -f "$dir/Dockerfile" ] || cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM node:20
WORKDIR /app
COPY server.js .
EXPOSE 3000
CMD ["node", "server.js"]
DOCKERFILE
image_exists status-api || docker build -q -t status-api "$dir" >/dev/null || exit 1
if ! container_exists api; then
  docker run -d --name api -p 3000:3000 status-api >/dev/null
fi
container_running api || docker start api >/dev/null
