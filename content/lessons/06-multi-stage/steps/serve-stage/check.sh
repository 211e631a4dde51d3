#!/bin/bash
grep -q '^COPY --from=build' "$HOME/front/Dockerfile" 2>/dev/null || fail "Replace front/Dockerfile with the two-stage version (it has a COPY --from=build line)." \
  "front/Dockerfile을 스테이지가 두 개인 내용으로 바꾸세요(COPY --from=build 줄이 있습니다)."
image_exists front:latest || fail "No image front yet: run docker build -t front . in ~/front." \
  "아직 front 이미지가 없습니다. ~/front 폴더에서 docker build -t front . 를 실행하세요."
container_running front || fail "Start the site: docker run -d --name front -p 8080:80 front." \
  "사이트를 시작하세요. docker run -d --name front -p 8080:80 front"
http_body localhost:8080 | grep -q "front-end v1.4.0" || fail "localhost:8080 does not show the built page (with front-end v1.4.0) yet: is front published with -p 8080:80?" \
  "localhost:8080에 아직 빌드된 페이지(front-end v1.4.0이 있는 페이지)가 나오지 않습니다. front를 -p 8080:80으로 공개했나요?"
big=$(docker image inspect -f '{{.Size}}' front:build 2>/dev/null || echo 0)
small=$(docker image inspect -f '{{.Size}}' front:latest)
[ "$small" -lt "$big" ] || fail "front should be smaller than front:build: does its last stage start FROM nginx:stable?" \
  "front는 front:build보다 작아야 합니다. 마지막 스테이지가 FROM nginx:stable로 시작하나요?"
