#!/bin/bash
[ -f "$HOME/cache/Dockerfile" ] && [ -f "$HOME/cache/app.txt" ] || fail "Create ~/cache/Dockerfile and ~/cache/app.txt first (the first two file blocks)." \
  "먼저 ~/cache/Dockerfile 과 ~/cache/app.txt 를 만드세요(첫 두 파일 블록)."
image_exists cache-demo || fail "Build the image once: docker build -t cache-demo ~/cache" \
  "이미지를 한 번 빌드하세요: docker build -t cache-demo ~/cache"
grep -q 'version 2' "$HOME/cache/app.txt" || fail "Now change the code: create the second app.txt (app version 2), then build again." \
  "이제 코드를 바꾸세요: 두 번째 app.txt(app version 2)를 만든 다음 다시 빌드하세요."
created=$(date -d "$(docker image inspect -f '{{.Created}}' cache-demo 2>/dev/null)" +%s 2>/dev/null || echo 0)
changed=$(stat -c %Y "$HOME/cache/app.txt")
[ "$created" -ge "$changed" ] || fail "app.txt changed after the last build: build again with docker build -t cache-demo ~/cache and watch for CACHED." \
  "마지막 빌드 뒤에 app.txt 가 바뀌었습니다. docker build -t cache-demo ~/cache 로 다시 빌드하고 CACHED 를 찾아보세요."
