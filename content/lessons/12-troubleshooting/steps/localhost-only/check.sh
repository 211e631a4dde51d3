#!/bin/bash
container_exists api || fail "There is no container api: build status-api and start it with docker run -d --name api -p 3000:3000 status-api." \
  "api 컨테이너가 없습니다. status-api를 빌드하고 docker run -d --name api -p 3000:3000 status-api 로 시작하세요."
container_running api || fail "api is not running: docker logs api says why." "api가 실행 중이 아닙니다. docker logs api 에 이유가 나옵니다."
# A container started a moment ago may not listen yet: give it a few seconds.
wait_for 3 sh -c 'docker logs api 2>&1 | grep -q listening'
if http_body localhost:3000 | grep -q '"status":"ok"'; then exit 0; fi
if docker logs api 2>&1 | tail -n 1 | grep -q '127\.0\.0\.1'; then
  fail "api still listens on 127.0.0.1 inside its container (docker logs api): build the image with ENV HOST=0.0.0.0 and replace the container." \
    "api가 아직 컨테이너 안의 127.0.0.1에서만 기다립니다(docker logs api). ENV HOST=0.0.0.0 을 넣어 이미지를 빌드하고 컨테이너를 바꾸세요."
fi
fail "Nothing answers on localhost:3000 yet: is api published with -p 3000:3000 (docker ps)?" \
  "아직 localhost:3000에서 응답이 없습니다. api를 -p 3000:3000으로 공개했나요(docker ps)?"
