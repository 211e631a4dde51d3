#!/bin/bash
container_running admin || fail "Start a second nginx for this machine only: docker run -d --name admin -p 127.0.0.1:8081:80 nginx." \
  "이 머신에서만 쓸 nginx를 하나 더 시작하세요: docker run -d --name admin -p 127.0.0.1:8081:80 nginx"
ports=$(docker port admin 80/tcp 2>/dev/null)
[ "$ports" = "127.0.0.1:8081" ] || fail "admin must publish port 80 on 127.0.0.1:8081 only (it has: ${ports:-nothing}). Remove it (docker rm -f admin) and run it again with -p 127.0.0.1:8081:80." \
  "admin 은 80번 포트를 127.0.0.1:8081 에만 공개해야 합니다(지금: ${ports:-없음}). docker rm -f admin 으로 지우고 -p 127.0.0.1:8081:80 으로 다시 실행하세요."
wait_for 5 bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" --max-time 2 localhost:8081)" = 200 ]' \
  || fail "Nothing answers on localhost:8081 yet: wait a second and try again." \
    "아직 localhost:8081 에서 응답이 없습니다. 잠시 기다렸다가 다시 시도하세요."
ran 'hostname -I.*:8081' || fail "admin answers on localhost. Now try to reach port 8081 through the sandbox's own address (the curl ... \$(hostname -I ...):8081 line)." \
  "admin 이 localhost 에서 응답합니다. 이제 샌드박스 자신의 주소로 8081번 포트에 접속해 보세요(curl ... \$(hostname -I ...):8081 줄)."
