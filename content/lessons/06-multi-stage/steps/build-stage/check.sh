#!/bin/bash
for f in package.json build.js src/index.html src/style.css Dockerfile; do
  [ -f "$HOME/front/$f" ] || fail "Create front/$f first (\"Create this file\" on its block)." \
    "먼저 front/$f 파일을 만드세요(파일 블록의 \"이 파일 만들기\")."
done
image_exists front:build || fail "No image front:build yet: run docker build -t front:build . in ~/front." \
  "아직 front:build 이미지가 없습니다. ~/front 폴더에서 docker build -t front:build . 를 실행하세요."
