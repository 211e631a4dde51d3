#!/bin/bash
container_exists box || fail "Start the container first: docker run -d --name box busybox sleep 3600" \
  "먼저 컨테이너를 시작하세요: docker run -d --name box busybox sleep 3600"
container_running box || fail "The container box exists but is not running: start it with docker start box." \
  "box 컨테이너가 있지만 실행 중이 아닙니다. docker start box 로 시작하세요."
ran 'docker exec .*box .*ps' || fail "Now list the processes inside it: docker exec box ps aux" \
  "이제 컨테이너 안의 프로세스를 확인하세요: docker exec box ps aux"
ran '^ps ' || fail "Last, find the same sleep from the sandbox: ps -o pid,user,args -C sleep" \
  "마지막으로 샌드박스에서 같은 sleep을 찾아보세요: ps -o pid,user,args -C sleep"
