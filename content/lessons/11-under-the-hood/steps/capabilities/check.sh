#!/bin/bash
ran 'setpriv -d' || fail "List the capabilities first: docker run --rm debian setpriv -d" \
  "먼저 capability 목록을 보세요: docker run --rm debian setpriv -d"
container_exists nochown || fail "Try chown without CAP_CHOWN: docker run --name nochown --cap-drop CHOWN busybox chown nobody /tmp" \
  "CAP_CHOWN 없이 chown 을 해 보세요: docker run --name nochown --cap-drop CHOWN busybox chown nobody /tmp"
docker inspect -f '{{.HostConfig.CapDrop}}' nochown 2>/dev/null | grep -qi chown || fail "nochown was started without --cap-drop CHOWN: remove it (docker rm nochown) and run the line again." \
  "nochown 이 --cap-drop CHOWN 없이 시작되었습니다. docker rm nochown 으로 지우고 그 줄을 다시 실행하세요."
container_running ro || fail "Start a read-only container: docker run -d --name ro --read-only --tmpfs /tmp busybox sleep 3600" \
  "읽기 전용 컨테이너를 시작하세요: docker run -d --name ro --read-only --tmpfs /tmp busybox sleep 3600"
[ "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' ro)" = true ] || fail "ro is not read-only: remove it (docker rm -f ro) and start it again with --read-only." \
  "ro 가 읽기 전용이 아닙니다. docker rm -f ro 로 지우고 --read-only 를 붙여 다시 시작하세요."
ran 'docker exec .*ro .*touch /tmp' || fail "Write to its tmpfs: docker exec ro touch /tmp/scratch" \
  "tmpfs 에 써 보세요: docker exec ro touch /tmp/scratch"
