#!/bin/bash
ran 'docker exec .*web .*index\.html' || fail "Start nginx as web, then change its page from inside with docker exec (the first two blocks)." \
  "nginx를 web이라는 이름으로 시작하고, docker exec로 안에서 페이지를 바꾸세요(앞의 두 블록)."
ran 'docker (container )?rm .*web' || fail "Now remove web (docker rm -f web) and start a new one from the same image." \
  "이제 web을 지우고(docker rm -f web) 같은 이미지로 새로 시작하세요."
container_running web || fail "Start the new container: docker run -d --name web -p 8080:80 nginx." \
  "새 컨테이너를 시작하세요. docker run -d --name web -p 8080:80 nginx"
http_body localhost:8080 | grep -q "Welcome to nginx" || fail "localhost:8080 does not show nginx's own page yet: is the new web published with -p 8080:80?" \
  "localhost:8080에 아직 nginx 기본 페이지가 나오지 않습니다. 새 web을 -p 8080:80으로 공개했나요?"
