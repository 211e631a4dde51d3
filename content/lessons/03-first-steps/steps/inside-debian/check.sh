#!/bin/bash
container_exists mybox || fail "Start a shell in a container named mybox: docker run -it --name mybox debian bash" \
  "mybox라는 이름의 컨테이너에서 셸을 시작하세요: docker run -it --name mybox debian bash"
docker diff mybox 2>/dev/null | grep -q '^A /note.txt$' || fail "Inside mybox, create the file: echo \"I was here\" > /note.txt (if you already left, docker start -ai mybox brings you back)." \
  "mybox 안에서 파일을 만드세요: echo \"I was here\" > /note.txt (이미 나왔다면 docker start -ai mybox 로 다시 들어갈 수 있습니다)."
container_running mybox && fail "You are still inside mybox: type exit to leave its shell." \
  "아직 mybox 안에 있습니다. exit 를 입력해 셸에서 나오세요."
ran '^docker run .*--rm' || fail "Last, try a one-off container with --rm: docker run --rm debian echo \"...\"" \
  "마지막으로 --rm 을 붙인 일회성 컨테이너를 실행해 보세요: docker run --rm debian echo \"...\""
exit 0
