#!/bin/bash
container_exists my-site || fail "No container called my-site yet: run docker run -d --name my-site -p 8080:80 my-site." \
  "아직 my-site 컨테이너가 없습니다. docker run -d --name my-site -p 8080:80 my-site 를 실행하세요."
container_running my-site || fail "The container my-site exists but is not running: see docker ps -a and docker logs my-site." \
  "my-site 컨테이너는 있지만 실행 중이 아닙니다. docker ps -a 와 docker logs my-site 로 살펴보세요."
http_body localhost:8080 | grep -q "Harbor Coffee" || fail "Nothing answers with your page on localhost:8080: did you publish the port with -p 8080:80?" \
  "localhost:8080에서 내 페이지가 나오지 않습니다. -p 8080:80으로 포트를 공개했나요?"
