#!/bin/bash
# Broken on purpose: a one-stage image that ships Node.js, the sources and a
# 120 MB video nobody serves. Safe to run again: an existing project, image or
# container is left as it is.
dir="$HOME/brochure"
if [ ! -d "$dir" ]; then
  mkdir -p "$dir/src" "$dir/raw"
  cat >"$dir/package.json" <<'JSON'
{
  "name": "harbor-brochure",
  "version": "2.0.0",
  "private": true,
  "scripts": {
    "build": "node build.js",
    "start": "node serve.js"
  }
}
JSON
  cat >"$dir/build.js" <<'JS'
// Fills in the version, drops comments and indentation, writes dist/.
const fs = require('fs');
const { version } = require('./package.json');

fs.rmSync('dist', { recursive: true, force: true });
fs.mkdirSync('dist');
for (const name of fs.readdirSync('src')) {
  const text = fs.readFileSync(`src/${name}`, 'utf8')
    .replaceAll('{{version}}', version)
    .replace(/<!--[\s\S]*?-->|\/\*[\s\S]*?\*\//g, '')
    .split('\n').map((line) => line.trim()).filter(Boolean).join('\n');
  fs.writeFileSync(`dist/${name}`, text + '\n');
  console.log(`dist/${name}: ${text.length} bytes`);
}
JS
  cat >"$dir/serve.js" <<'JS'
// Serves dist/ on port 8080: fine for a quick look on a laptop.
const http = require('http');
const fs = require('fs');
const path = require('path');

http
  .createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : path.normalize(req.url);
    fs.readFile(path.join(__dirname, 'dist', name), (err, data) => {
      if (err) {
        res.statusCode = 404;
        return res.end('not found\n');
      }
      res.end(data);
    });
  })
  .listen(8080, () => console.log('brochure on port 8080'));
JS
  cat >"$dir/src/index.html" <<'HTML'
<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Harbor Coffee brochure</title>
  </head>
  <body>
    <!-- build.js fills in the version -->
    <h1>Harbor Coffee brochure</h1>
    <p>Beans, boats and a good view. 원두와 배, 그리고 좋은 전망.</p>
    <footer>brochure v{{version}}</footer>
  </body>
</html>
HTML
  cat >"$dir/Dockerfile" <<'DOCKERFILE'
FROM node:20
WORKDIR /app
COPY . .
RUN npm run build
EXPOSE 8080
CMD ["npm", "start"]
DOCKERFILE
  # The designers' source video: needed by nobody who visits the site.
  head -c 120M /dev/zero >"$dir/raw/promo-video.mov"
fi
image_exists brochure || docker build -q -t brochure "$dir" >/dev/null || exit 1
container_exists brochure || docker run -d --name brochure -p 8082:8080 brochure >/dev/null
container_running brochure || docker start brochure >/dev/null
