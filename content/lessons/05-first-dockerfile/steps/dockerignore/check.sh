#!/bin/bash
grep -qx '\.env' "$HOME/hello-api/.dockerignore" 2>/dev/null || fail "Create hello-api/.dockerignore with a line .env in it." \
  "hello-api/.dockerignore 파일을 만들고 .env 줄을 넣으세요."
container_running hello-api || fail "The container hello-api is not running: start it again with docker run -d --name hello-api -p 3000:3000 -e GREETING=Ahoy hello-api." \
  "hello-api 컨테이너가 실행 중이 아닙니다. docker run -d --name hello-api -p 3000:3000 -e GREETING=Ahoy hello-api 로 다시 시작하세요."
if docker exec hello-api test -e /app/.env 2>/dev/null; then
  fail "The running container still has /app/.env: build hello-api again, then replace the container (docker rm -f hello-api, docker run ...)." \
    "실행 중인 컨테이너에 아직 /app/.env가 있습니다. hello-api를 다시 빌드한 다음 컨테이너를 바꾸세요(docker rm -f hello-api, docker run ...)."
fi
http_body localhost:3000 | grep -q "^Ahoy" || fail "The new container does not answer with Ahoy on localhost:3000 yet: did you publish -p 3000:3000 and set -e GREETING=Ahoy?" \
  "새 컨테이너가 아직 localhost:3000에서 Ahoy로 답하지 않습니다. -p 3000:3000과 -e GREETING=Ahoy를 주었나요?"
