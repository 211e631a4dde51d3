#!/bin/bash
ran '^docker(-| )compose .*logs' || fail "Look at the logs first: docker compose logs --tail 5 db (in ~/blog)." \
  "먼저 로그를 보세요: ~/blog 에서 docker compose logs --tail 5 db"
network_exists blog_default || fail "The network blog_default is missing: start the stack with docker compose up -d in ~/blog." \
  "blog_default 네트워크가 없습니다. ~/blog 에서 docker compose up -d 로 스택을 시작하세요."
wp=$(docker ps -q --filter label=com.docker.compose.project=blog --filter label=com.docker.compose.service=wordpress | head -n 1)
[ -n "$wp" ] || fail "The wordpress service is not running: docker compose up -d in ~/blog." \
  "wordpress 서비스가 실행 중이 아닙니다. ~/blog 에서 docker compose up -d 를 실행하세요."
docker exec "$wp" getent hosts db >/dev/null 2>&1 || fail "wordpress cannot resolve the name db: is the db service running (docker compose ps)?" \
  "wordpress 에서 db 라는 이름을 찾지 못합니다. db 서비스가 실행 중인가요(docker compose ps)?"
http_body localhost:8080 | grep -q '<title>Berth Blog' || fail "The blog is not installed yet: send the install form with the curl ... install.php?step=2 line." \
  "아직 블로그가 설치되지 않았습니다. curl ... install.php?step=2 줄로 설치 양식을 보내세요."
