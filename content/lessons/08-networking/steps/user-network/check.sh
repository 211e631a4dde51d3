#!/bin/bash
network_exists shop || fail "Create your own network first: docker network create shop." \
  "먼저 네트워크를 직접 만드세요: docker network create shop"
on_shop() {
  docker container inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$1" 2>/dev/null | grep -qw shop
}
container_running cache && on_shop cache || fail "Start Redis on that network as cache: docker run -d --name cache --network shop redis." \
  "그 네트워크에서 Redis를 cache 라는 이름으로 시작하세요: docker run -d --name cache --network shop redis"
container_running web || fail "The web container from the earlier step is not running: docker start web (or run it again with -p 8080:80)." \
  "앞 단계의 web 컨테이너가 실행 중이 아닙니다. docker start web 을 실행하세요(또는 -p 8080:80 으로 다시 실행하세요)."
on_shop web || fail "Redis answers by name. Now connect web to the network too: docker network connect shop web." \
  "Redis가 이름으로 응답합니다. 이제 web 도 네트워크에 연결하세요: docker network connect shop web"
# The result that matters: names resolve between the two containers.
docker exec cache getent hosts web >/dev/null 2>&1 || fail "cache cannot resolve the name web yet: is web connected to shop (docker network inspect shop)?" \
  "cache 에서 아직 web 이라는 이름을 찾지 못합니다. web 이 shop 에 연결되어 있나요(docker network inspect shop)?"
