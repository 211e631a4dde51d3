#!/bin/bash
ran 'curl .*unix-socket.*/version' || fail "Ask the daemon for its components with curl (the first block)." \
  "curl 로 데몬에게 구성 요소를 물어보세요(첫 번째 블록)."
container_running chain || fail "Start a container to follow: docker run -d --name chain busybox sleep 3600" \
  "따라가 볼 컨테이너를 시작하세요: docker run -d --name chain busybox sleep 3600"
ran '^ps .*--forest' || fail "Now look at the process tree: ps -e -o pid,ppid,user,comm --forest" \
  "이제 프로세스 트리를 보세요: ps -e -o pid,ppid,user,comm --forest"
ran 'curl .*unix-socket.*/containers/json' || fail "Last, list the containers through the API: the curl line with /containers/json." \
  "마지막으로 API로 컨테이너 목록을 받아 보세요: /containers/json 이 들어간 curl 줄입니다."
