#!/bin/bash
ran '^(time )?docker (container )?stop .*ticker' || fail "Stop the ticker first: time docker stop -t 3 ticker" \
  "먼저 ticker를 멈추세요: time docker stop -t 3 ticker"
ran '^docker (container )?start .*ticker' || fail "Start it again: docker start ticker" \
  "다시 시작해 보세요: docker start ticker"
container_exists ticker && fail "Now remove the ticker: docker rm -f ticker" \
  "이제 ticker를 지우세요: docker rm -f ticker"
container_exists mybox && fail "Remove mybox too: docker rm mybox" \
  "mybox도 지우세요: docker rm mybox"
exit 0
