#!/bin/bash
[ -f "$HOME/front/nginx.conf" ] || fail "Create front/nginx.conf first." "먼저 front/nginx.conf 파일을 만드세요."
grep -q 'nginx.conf /etc/nginx/conf.d/default.conf' "$HOME/front/Dockerfile" 2>/dev/null || fail "Add the line COPY nginx.conf /etc/nginx/conf.d/default.conf to front/Dockerfile." \
  "front/Dockerfile에 COPY nginx.conf /etc/nginx/conf.d/default.conf 줄을 추가하세요."
container_running front || fail "The container front is not running: docker logs front says why; then docker rm -f front and docker run -d --name front -p 8080:80 front." \
  "front 컨테이너가 실행 중이 아닙니다. docker logs front 로 이유를 보고, docker rm -f front 후 docker run -d --name front -p 8080:80 front 를 실행하세요."
[ "$(http_body localhost:8080/healthz)" = ok ] || fail "localhost:8080/healthz does not answer ok yet: build front again and replace the container (docker rm -f front, docker run ...)." \
  "localhost:8080/healthz가 아직 ok라고 답하지 않습니다. front를 다시 빌드하고 컨테이너를 바꾸세요(docker rm -f front, docker run ...)."
http_body localhost:8080/menu | grep -q "Harbor Coffee" || fail "localhost:8080/menu does not give the page yet: is try_files \$uri \$uri/ /index.html; in the location / block?" \
  "localhost:8080/menu에 아직 페이지가 나오지 않습니다. location / 블록에 try_files \$uri \$uri/ /index.html; 이 있나요?"
