#!/bin/bash
container_exists flaky || fail "Start a container that keeps failing: docker run -d --name flaky --restart on-failure:3 busybox sh -c '...' (the first line)." \
  "계속 실패하는 컨테이너를 시작하세요: docker run -d --name flaky --restart on-failure:3 busybox sh -c '...' (첫 줄)."
[ "$(docker inspect -f '{{.HostConfig.RestartPolicy.Name}}' flaky 2>/dev/null)" = on-failure ] || fail "flaky has no on-failure restart policy: remove it (docker rm -f flaky) and start it again as shown." \
  "flaky 에 on-failure 재시작 정책이 없습니다. docker rm -f flaky 로 지우고 보이는 그대로 다시 시작하세요."
n=$(docker inspect -f '{{.RestartCount}}' flaky 2>/dev/null || echo 0)
[ "${n:-0}" -ge 1 ] || fail "Docker has not restarted flaky yet: wait a few seconds." \
  "Docker가 아직 flaky 를 재시작하지 않았습니다. 몇 초 기다리세요."
ran '^docker logs .*flaky' || fail "Read what it printed on every start: docker logs flaky" \
  "시작할 때마다 무엇을 출력했는지 보세요: docker logs flaky"
