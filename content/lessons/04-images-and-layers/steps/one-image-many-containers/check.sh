#!/bin/bash
container_running one && container_running two || fail "Start two containers from debian: docker run -d --name one debian sleep 3600, and the same with two." \
  "debian으로 컨테이너 두 개를 시작하세요: docker run -d --name one debian sleep 3600, 그리고 two도 똑같이."
changes=$(docker diff one 2>/dev/null)
grep -qx 'A /tmp/hello.txt' <<<"$changes" || fail "Add a file in one: docker exec one sh -c 'echo \"only in one\" > /tmp/hello.txt'" \
  "one에 파일을 추가하세요: docker exec one sh -c 'echo \"only in one\" > /tmp/hello.txt'"
grep -qx 'D /etc/debian_version' <<<"$changes" || fail "Delete a file of the image in one: docker exec one rm /etc/debian_version" \
  "one에서 이미지에 있던 파일을 지우세요: docker exec one rm /etc/debian_version"
ran '^docker diff' || fail "Last, compare what changed: docker diff one, then docker diff two" \
  "마지막으로 바뀐 것을 비교하세요: docker diff one, 그다음 docker diff two"
