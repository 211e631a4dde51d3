#!/bin/bash
for f in package.json server.js .env Dockerfile; do
  [ -f "$HOME/hello-api/$f" ] || fail "Create hello-api/$f first (\"Create this file\" on its block)." \
    "먼저 hello-api/$f 파일을 만드세요(파일 블록의 \"이 파일 만들기\")."
done
image_exists hello-api || fail "No image called hello-api yet: run docker build -t hello-api . in ~/hello-api." \
  "아직 hello-api 이미지가 없습니다. ~/hello-api 폴더에서 docker build -t hello-api . 를 실행하세요."
