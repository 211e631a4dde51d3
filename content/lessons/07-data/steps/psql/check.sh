#!/bin/bash
container_running db || fail "db is not running: start it again with docker start db." \
  "db가 실행 중이 아닙니다. docker start db 로 다시 시작하세요."
n=$(docker exec db psql -U postgres -tAc "SELECT count(*) FROM notes" 2>/dev/null)
[ -n "$n" ] || fail "There is no table notes yet: open psql (docker exec -it db psql -U postgres) and run the CREATE TABLE statement." \
  "아직 notes 테이블이 없습니다. psql을 열고(docker exec -it db psql -U postgres) CREATE TABLE 문장을 실행하세요."
[ "$n" -ge 1 ] || fail "The table notes is empty: run the INSERT statement in psql." \
  "notes 테이블이 비어 있습니다. psql에서 INSERT 문장을 실행하세요."
