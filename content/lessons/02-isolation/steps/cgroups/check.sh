#!/bin/bash
container_exists limited || fail "Start the limited container: docker run -d --name limited --memory 64m --cpus 0.5 busybox sleep 3600" \
  "제한을 건 컨테이너를 시작하세요: docker run -d --name limited --memory 64m --cpus 0.5 busybox sleep 3600"
mem=$(docker inspect -f '{{.HostConfig.Memory}}' limited 2>/dev/null)
[ "$mem" = 67108864 ] || fail "The container limited has no 64 MiB limit: remove it (docker rm -f limited) and run the first block again." \
  "limited 컨테이너에 64MiB 제한이 없습니다. docker rm -f limited 로 지운 뒤 첫 번째 블록을 다시 실행하세요."
container_running limited || fail "The container limited is not running: docker start limited" \
  "limited 컨테이너가 실행 중이 아닙니다: docker start limited"
ran 'memory\.limit_in_bytes' || fail "Look at the limit in its memory cgroup: docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes" \
  "메모리 cgroup의 제한을 확인하세요: docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
ran 'docker exec .*limited .*head -c' || fail "Last, let the container take 200 MB (the head -c 200m block)." \
  "마지막으로 컨테이너가 200MB를 쓰게 해 보세요(head -c 200m 블록)."
