#!/bin/bash
ran '^docker info' || fail "Ask how the daemon is secured: docker info --format '{{.SecurityOptions}}'" \
  "데몬의 보안 설정을 확인하세요: docker info --format '{{.SecurityOptions}}'"
ran 'uid_map' || fail "Compare the uids: id -u, then docker run --rm busybox id and the uid_map line." \
  "uid를 비교하세요: id -u, 그다음 docker run --rm busybox id 와 uid_map 줄."
ran '^ps .*sleep' || fail "Last, find the container's sleep from outside: ps -o user,pid,args -C sleep" \
  "마지막으로 밖에서 컨테이너의 sleep을 찾아보세요: ps -o user,pid,args -C sleep"
