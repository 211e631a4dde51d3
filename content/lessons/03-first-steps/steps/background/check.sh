#!/bin/bash
container_exists ticker || fail "Start the ticker in the background: docker run -d --name ticker busybox sh -c '...' (the first block)." \
  "ticker를 백그라운드에서 시작하세요: docker run -d --name ticker busybox sh -c '...' (첫 번째 블록)."
container_running ticker || fail "The container ticker is not running: docker start ticker" \
  "ticker 컨테이너가 실행 중이 아닙니다: docker start ticker"
[ -n "$(docker logs --tail 1 ticker 2>/dev/null)" ] || fail "ticker has not printed anything yet: wait a second." \
  "ticker가 아직 아무것도 출력하지 않았습니다. 잠시 기다리세요."
ran '^docker logs .*(-f|--follow)' || fail "Read its output, then follow it: docker logs ticker, then docker logs -f ticker (Ctrl-C to stop)." \
  "출력을 읽고 따라가 보세요: docker logs ticker, 그다음 docker logs -f ticker (멈출 때는 Ctrl-C)."
ran '^docker exec .*ticker' || fail "Now open a shell inside it: docker exec -it ticker sh (then ps, then exit)." \
  "이제 그 안에서 셸을 여세요: docker exec -it ticker sh (다음에 ps, 그리고 exit)."
