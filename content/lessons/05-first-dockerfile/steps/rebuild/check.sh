#!/bin/bash
grep -q "<h2>Menu</h2>" "$HOME/site/index.html" 2>/dev/null || fail "First replace site/index.html with the version that has the menu." \
  "먼저 site/index.html을 메뉴가 있는 내용으로 바꾸세요."
container_running my-site || fail "The container my-site is not running: start it with docker run -d --name my-site -p 8080:80 my-site." \
  "my-site 컨테이너가 실행 중이 아닙니다. docker run -d --name my-site -p 8080:80 my-site 로 시작하세요."
http_body localhost:8080 | grep -q "Yuja tea" || fail "localhost:8080 still shows the old page: build my-site again, then replace the container (docker rm -f my-site, then docker run ...)." \
  "localhost:8080에 아직 예전 페이지가 나옵니다. my-site를 다시 빌드한 다음 컨테이너를 바꾸세요(docker rm -f my-site 후 docker run ...)."
