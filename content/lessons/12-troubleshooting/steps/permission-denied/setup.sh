#!/bin/bash
# Broken on purpose: the gallery's files are readable by their owner only, and
# nginx's workers are not their owner. Safe to run again: an existing folder or
# container is left as it is.
dir="$HOME/gallery"
if [ ! -d "$dir" ]; then
  mkdir -p "$dir"
  cat >"$dir/index.html" <<'HTML'
<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>Harbor Gallery</title></head>
  <body>
    <h1>Harbor Gallery</h1>
    <p>Boats at dawn, boats at dusk. 새벽의 배, 해 질 녘의 배.</p>
  </body>
</html>
HTML
  # As if unpacked from a colleague's archive made with a private umask (077).
  chmod 600 "$dir/index.html"
fi
if ! container_exists gallery; then
  docker run -d --name gallery -p 8081:80 -v "$dir":/usr/share/nginx/html:ro nginx >/dev/null
fi
container_running gallery || docker start gallery >/dev/null
