#!/bin/bash
container_exists db || fail "There is no container db: docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:17." \
  "db 컨테이너가 없습니다. docker run -d --name db -e POSTGRES_PASSWORD=secret postgres:17 을 실행하세요."
if ! container_running db; then
  fail "db has exited: read docker logs db, then docker rm db and start it again with what it asks for." \
    "db가 종료되었습니다. docker logs db 를 읽은 뒤, docker rm db 하고 로그가 요구하는 것을 주어 다시 시작하세요."
fi
wait_for 25 docker exec db pg_isready -q -h 127.0.0.1 || fail "db runs, but PostgreSQL does not accept connections yet: wait a moment, and look at docker logs db." \
  "db는 실행 중이지만 PostgreSQL이 아직 연결을 받지 않습니다. 잠시 기다렸다가 docker logs db 를 보세요."
