#!/bin/bash
container_exists web || fail "Start the new site: docker run -d --name web -p 8080:80 nginx (it will fail; read why)." \
  "새 사이트를 시작하세요. docker run -d --name web -p 8080:80 nginx (실패할 텐데, 이유를 읽어 보세요)."
if ! container_running web; then
  if container_running legacy; then
    fail "web could not start: legacy still holds port 8080 (see docker ps). Remove legacy, then docker start web." \
      "web이 시작되지 못했습니다. legacy가 아직 8080번 포트를 잡고 있습니다(docker ps 참고). legacy를 지운 뒤 docker start web 하세요."
  fi
  fail "Port 8080 is free now: start web (docker start web)." "이제 8080번 포트가 비었습니다. web을 시작하세요(docker start web)."
fi
http_body localhost:8080 | grep -q "Welcome to nginx" || fail "web runs, but localhost:8080 does not show nginx's page: does web publish -p 8080:80 (docker ps)?" \
  "web은 실행 중이지만 localhost:8080에 nginx 페이지가 나오지 않습니다. web이 -p 8080:80으로 공개되어 있나요(docker ps)?"
