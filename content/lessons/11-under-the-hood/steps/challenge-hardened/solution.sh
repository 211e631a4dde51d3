#!/bin/bash
docker rm -f safe-web >/dev/null 2>&1 || true
docker run -d --name safe-web --read-only --cap-drop ALL --restart unless-stopped -p 8091:8080 healthy-web
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' safe-web 2>/dev/null)" = healthy ]; }
wait_for 30 healthy
