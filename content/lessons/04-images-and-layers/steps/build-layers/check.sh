#!/bin/bash
[ -f "$HOME/layers/Dockerfile" ] && [ -f "$HOME/layers/note.txt" ] || fail "Create the two files first: ~/layers/Dockerfile and ~/layers/note.txt." \
  "먼저 두 파일을 만드세요: ~/layers/Dockerfile 과 ~/layers/note.txt"
image_exists layered || fail "Build the image: docker build -t layered ~/layers" \
  "이미지를 빌드하세요: docker build -t layered ~/layers"
base=$(docker image inspect -f '{{len .RootFS.Layers}}' debian 2>/dev/null || echo 1)
mine=$(docker image inspect -f '{{len .RootFS.Layers}}' layered 2>/dev/null || echo 0)
[ "$mine" -gt "$base" ] || fail "layered has no layers of its own: check that ~/layers/Dockerfile has the RUN and COPY lines, then build again." \
  "layered에 자신의 레이어가 없습니다. ~/layers/Dockerfile 에 RUN과 COPY 줄이 있는지 확인하고 다시 빌드하세요."
ran '^docker (image )?history .*layered' || fail "Now read its history: docker history layered" \
  "이제 history를 읽어 보세요: docker history layered"
