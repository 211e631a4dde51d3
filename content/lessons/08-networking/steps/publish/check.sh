#!/bin/bash
container_exists web || fail "Start nginx with a published port: docker run -d --name web -p 8080:80 nginx." \
  "포트를 공개해서 nginx를 시작하세요: docker run -d --name web -p 8080:80 nginx"
container_running web || fail "The container web exists but is not running: see docker logs web, then docker start web." \
  "web 컨테이너가 있지만 실행 중이 아닙니다. docker logs web 으로 확인한 뒤 docker start web 을 실행하세요."
docker port web 80/tcp 2>/dev/null | grep -q ':8080$' || fail "web does not publish port 80 on host port 8080: remove it (docker rm -f web) and run it again with -p 8080:80." \
  "web 이 컨테이너의 80번 포트를 호스트의 8080번으로 공개하지 않았습니다. docker rm -f web 으로 지우고 -p 8080:80 을 붙여 다시 실행하세요."
wait_for 5 bash -c 'curl -fsS --max-time 2 localhost:8080 2>/dev/null | grep -q "<title>"' \
  || fail "Nothing answers on localhost:8080 yet: wait a second and try curl -s localhost:8080 again." \
    "아직 localhost:8080 에서 응답이 없습니다. 잠시 기다렸다가 curl -s localhost:8080 을 다시 실행해 보세요."
ran '^docker port' || fail "nginx answers. Now list what it publishes: docker port web." \
  "nginx가 응답합니다. 이제 docker port web 으로 공개한 포트를 확인하세요."
