#!/bin/bash
ran '^uname -r' || fail "Run uname -r in the terminal first." "먼저 터미널에서 uname -r 을 실행하세요."
image_exists debian || fail "The debian image is not here yet: run docker run --rm debian uname -r." \
  "아직 debian 이미지가 없습니다. docker run --rm debian uname -r 을 실행하세요."
ran 'docker run .*debian .*uname' || fail "Now run uname -r inside a debian container." "이제 debian 컨테이너 안에서 uname -r 을 실행하세요."
