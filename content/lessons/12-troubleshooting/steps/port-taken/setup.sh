#!/bin/bash
# Broken on purpose: an old version of the site still holds port 8080.
# Safe to run again: once the new site (web) runs, nothing is touched.
container_running web && exit 0
if ! container_exists legacy; then
  docker run -d --name legacy -p 8080:80 nginx sh -c \
    'echo "<h1>Harbor Coffee (old version, please retire me)</h1>" > /usr/share/nginx/html/index.html && exec nginx -g "daemon off;"' >/dev/null
fi
container_running legacy || docker start legacy >/dev/null
