#!/bin/bash
[ -x "$HOME/rootfs/bin/busybox" ] || fail "First copy the busybox files into ~/rootfs (the first block: mkdir, docker create, docker export)." \
  "먼저 busybox의 파일을 ~/rootfs 에 복사하세요(첫 번째 블록: mkdir, docker create, docker export)."
ran '^unshare .*--root' || fail "Now start the hand-made container with the unshare line, look around inside, and type exit." \
  "이제 unshare 줄로 직접 만든 컨테이너를 시작하고, 안을 둘러본 다음 exit 를 입력하세요."
