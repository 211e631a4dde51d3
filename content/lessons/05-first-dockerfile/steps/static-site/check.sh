#!/bin/bash
[ -f "$HOME/site/index.html" ] || fail "Create site/index.html first: click \"Create this file\" on its block." \
  "먼저 site/index.html을 만드세요. 파일 블록의 \"이 파일 만들기\"를 누르면 됩니다."
[ -f "$HOME/site/Dockerfile" ] || fail "Now create site/Dockerfile, next to index.html." \
  "이제 index.html 옆에 site/Dockerfile을 만드세요."
image_exists my-site || fail "No image called my-site yet: run docker build -t my-site . in ~/site." \
  "아직 my-site 이미지가 없습니다. ~/site 폴더에서 docker build -t my-site . 를 실행하세요."
