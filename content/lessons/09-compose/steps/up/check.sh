#!/bin/bash
project_running() {
  docker ps -q --filter label=com.docker.compose.project=blog --filter "label=com.docker.compose.service=$1" | grep -q .
}
docker ps -aq --filter label=com.docker.compose.project=blog | grep -q . || fail "Start the stack: cd ~/blog, then docker compose up -d." \
  "스택을 시작하세요: cd ~/blog 후 docker compose up -d"
project_running db || fail "The db service is not running: see docker compose logs db (in ~/blog)." \
  "db 서비스가 실행 중이 아닙니다. ~/blog 에서 docker compose logs db 로 이유를 확인하세요."
project_running wordpress || fail "The wordpress service is not running: see docker compose logs wordpress (in ~/blog)." \
  "wordpress 서비스가 실행 중이 아닙니다. ~/blog 에서 docker compose logs wordpress 로 이유를 확인하세요."
# WordPress is ready when it answers with a redirect to its installer (or, once installed, a page).
ready() { case "$(http_status localhost:8080)" in 200|301|302) return 0 ;; esac; return 1; }
wait_for 10 ready || fail "Both containers run, but WordPress does not answer on localhost:8080 yet (status $(http_status localhost:8080)). MariaDB may still be creating its database: wait a few seconds." \
  "두 컨테이너는 실행 중이지만 WordPress가 아직 localhost:8080 에서 응답하지 않습니다(상태 $(http_status localhost:8080)). MariaDB가 아직 데이터베이스를 만드는 중일 수 있으니 몇 초 기다리세요."
