#!/bin/bash
container_exists hello-api || fail "No container called hello-api yet: run docker run -d --name hello-api -p 3000:3000 -e GREETING=Ahoy hello-api." \
  "아직 hello-api 컨테이너가 없습니다. docker run -d --name hello-api -p 3000:3000 -e GREETING=Ahoy hello-api 를 실행하세요."
container_running hello-api || fail "hello-api stopped: docker logs hello-api says why." \
  "hello-api 컨테이너가 멈췄습니다. docker logs hello-api 에 이유가 나옵니다."
body=$(http_body localhost:3000)
[ -n "$body" ] || fail "Nothing answers on localhost:3000 yet: is the port published with -p 3000:3000?" \
  "아직 localhost:3000에서 아무 응답이 없습니다. -p 3000:3000으로 포트를 공개했나요?"
case "$body" in
  Ahoy*) ;;
  *) fail "The app says \"${body%% *}\", not Ahoy: start it with -e GREETING=Ahoy (docker rm -f hello-api, then docker run again)." \
    "앱이 Ahoy가 아니라 \"${body%% *}\"라고 합니다. -e GREETING=Ahoy 로 시작하세요(docker rm -f hello-api 후 다시 docker run)." ;;
esac
