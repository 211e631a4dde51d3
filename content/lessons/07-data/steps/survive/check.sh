#!/bin/bash
container_running db || fail "Start a new db with the same volume: docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:17." \
  "같은 볼륨으로 새 db를 시작하세요. docker run -d --name db -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:17"
wait_for 15 docker exec db pg_isready -q -h 127.0.0.1 || fail "PostgreSQL is still starting: wait a moment." \
  "PostgreSQL이 아직 시작하는 중입니다. 잠시 기다리세요."
newest=$(docker exec db psql -U postgres -tAc "SELECT extract(epoch FROM max(created_at)) FROM notes" 2>/dev/null)
[ -n "$newest" ] || fail "This db has no notes table: does it use the pgdata volume (-v pgdata:/var/lib/postgresql/data)?" \
  "이 db에는 notes 테이블이 없습니다. pgdata 볼륨(-v pgdata:/var/lib/postgresql/data)을 붙였나요?"
started=$(date -d "$(docker inspect -f '{{.Created}}' db)" +%s.%N)
awk -v w="$newest" -v s="$started" 'BEGIN { exit !(w < s) }' || fail "The notes are there. Now remove this container (docker rm -f db) and start a new one with the same volume." \
  "notes가 들어 있습니다. 이제 이 컨테이너를 지우고(docker rm -f db) 같은 볼륨으로 새 컨테이너를 시작하세요."
