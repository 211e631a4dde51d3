#!/bin/bash
ran '^docker(-| )compose .*down' || fail "Take the stack down first: docker compose down (in ~/blog)." \
  "먼저 스택을 내리세요: ~/blog 에서 docker compose down"
volume_exists blog_db_data || fail "The volume blog_db_data is gone (docker compose down -v removes volumes): the blog's data is lost. Start again with docker compose up -d and install it once more (previous step)." \
  "blog_db_data 볼륨이 없습니다(docker compose down -v 는 볼륨까지 지웁니다). 블로그 데이터가 사라졌으니 docker compose up -d 로 다시 시작하고 앞 단계처럼 다시 설치하세요."
docker ps -q --filter label=com.docker.compose.project=blog --filter label=com.docker.compose.service=wordpress | grep -q . \
  || fail "The volumes are kept. Now start the stack again: docker compose up -d." \
    "볼륨이 남아 있습니다. 이제 스택을 다시 시작하세요: docker compose up -d"
installed() { http_body localhost:8080 | grep -q '<title>Berth Blog'; }
wait_for 10 installed || fail "The stack runs, but the blog does not show its title yet: wait a few seconds and run the curl line again." \
  "스택은 실행 중이지만 아직 블로그 제목이 나오지 않습니다. 몇 초 기다렸다가 curl 줄을 다시 실행하세요."
