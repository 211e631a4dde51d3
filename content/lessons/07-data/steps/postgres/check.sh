#!/bin/bash
container_exists db || fail "No container called db yet: run the docker run ... postgres:17 line." \
  "아직 db 컨테이너가 없습니다. docker run ... postgres:17 줄을 실행하세요."
container_running db || fail "db is not running: docker logs db says why (did you give -e POSTGRES_PASSWORD=secret?). Then docker rm db and run it again." \
  "db가 실행 중이 아닙니다. docker logs db 에 이유가 나옵니다(-e POSTGRES_PASSWORD=secret 을 주었나요?). 확인한 뒤 docker rm db 하고 다시 실행하세요."
vol=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/var/lib/postgresql/data"}}{{.Type}} {{.Name}}{{end}}{{end}}' db)
[ "$vol" = "volume pgdata" ] || fail "db does not keep its data in the pgdata volume: docker rm -f db, then run it with -v pgdata:/var/lib/postgresql/data." \
  "db가 pgdata 볼륨에 데이터를 두지 않습니다. docker rm -f db 후 -v pgdata:/var/lib/postgresql/data 를 붙여 다시 실행하세요."
# Ready means answering on TCP: during the first start a temporary server answers on the socket only.
wait_for 25 docker exec db pg_isready -q -h 127.0.0.1 || fail "PostgreSQL is still starting: wait a moment and look at docker logs db." \
  "PostgreSQL이 아직 시작하는 중입니다. 잠시 기다렸다가 docker logs db 를 보세요."
