#!/bin/bash
img_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null; }
[ -n "$(img_id nginx:stable)" ] && [ -n "$(img_id nginx:1.26)" ] || fail "Pull nginx under its other tags first: docker pull nginx:1.26 and docker pull nginx:stable." \
  "먼저 nginx를 다른 태그로도 받으세요: docker pull nginx:1.26, docker pull nginx:stable"
v1=$(img_id hello-site:1.0)
[ -n "$v1" ] || fail "Build your image: docker build -t hello-site:1.0 ~/hello (create both files in hello/ first)." \
  "이미지를 빌드하세요: docker build -t hello-site:1.0 ~/hello (먼저 hello/ 의 두 파일을 만드세요)."
docker history --no-trunc --format '{{.CreatedBy}}' hello-site:1.0 2>/dev/null | grep -q 'COPY index.html' \
  || fail "hello-site:1.0 does not contain your page: create hello/index.html and build again." \
    "hello-site:1.0 에 여러분의 페이지가 들어 있지 않습니다. hello/index.html 을 만들고 다시 빌드하세요."
[ "$(img_id hello-site:latest)" = "$v1" ] || fail "Now give it a second name: docker tag hello-site:1.0 hello-site:latest." \
  "이제 이름을 하나 더 붙이세요: docker tag hello-site:1.0 hello-site:latest"
