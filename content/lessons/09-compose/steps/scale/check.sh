#!/bin/bash
(cd "$HOME/blog" 2>/dev/null && docker compose config --services 2>/dev/null) | grep -qx hello \
  || fail "Add the hello service to blog/compose.yaml first (click Create this file)." \
    "먼저 blog/compose.yaml 에 hello 서비스를 추가하세요(이 파일 만들기를 누르세요)."
ids=$(docker ps -q --filter label=com.docker.compose.project=blog --filter label=com.docker.compose.service=hello)
n=$(printf '%s' "$ids" | grep -c .)
[ "$n" -eq 3 ] || fail "$n container(s) of hello run; start three: docker compose up -d --scale hello=3 (in ~/blog)." \
  "hello 컨테이너가 ${n}개 실행 중입니다. 세 개를 띄우세요: ~/blog 에서 docker compose up -d --scale hello=3"
for id in $ids; do
  port=$(docker port "$id" 80/tcp 2>/dev/null | head -n 1 | sed 's/.*://')
  [ -n "$port" ] && [ "$(http_status "localhost:$port")" = 200 ] || fail "A copy of hello does not answer on its host port yet: wait a second." \
    "hello 중 하나가 아직 호스트 포트에서 응답하지 않습니다. 잠시 기다리세요."
done
