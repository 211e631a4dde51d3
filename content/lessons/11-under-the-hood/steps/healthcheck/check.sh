#!/bin/bash
[ -f "$HOME/health/Dockerfile" ] && [ -f "$HOME/health/index.html" ] || fail "Create ~/health/Dockerfile and ~/health/index.html first." \
  "먼저 ~/health/Dockerfile 과 ~/health/index.html 을 만드세요."
image_exists healthy-web || fail "Build the image: docker build -t healthy-web ~/health" \
  "이미지를 빌드하세요: docker build -t healthy-web ~/health"
[ "$(docker image inspect -f '{{if .Config.Healthcheck}}yes{{end}}' healthy-web 2>/dev/null)" = yes ] || fail "healthy-web has no HEALTHCHECK: check the Dockerfile and build again." \
  "healthy-web 에 HEALTHCHECK 가 없습니다. Dockerfile 을 확인하고 다시 빌드하세요."
container_exists web || fail "Run it: docker run -d --name web --restart unless-stopped -p 8090:8080 healthy-web" \
  "실행하세요: docker run -d --name web --restart unless-stopped -p 8090:8080 healthy-web"
[ "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' web)" = unless-stopped ] || fail "web has no unless-stopped policy: remove it (docker rm -f web) and run it again as shown." \
  "web 에 unless-stopped 정책이 없습니다. docker rm -f web 으로 지우고 보이는 그대로 다시 실행하세요."
[ "$(docker inspect -f '{{.RestartCount}}' web)" -ge 1 ] || fail "Crash it and watch it come back: the kill -9 block." \
  "죽였다가 되살아나는 모습을 보세요: kill -9 블록입니다."
ran 'docker exec .*web .*rm ' || fail "Last, break it without a crash: the block with docker exec web rm /www/index.html." \
  "마지막으로 죽이지 않고 망가뜨려 보세요: docker exec web rm /www/index.html 블록입니다."
