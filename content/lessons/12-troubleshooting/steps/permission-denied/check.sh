#!/bin/bash
container_running gallery || fail "The container gallery is not running: docker start gallery." \
  "gallery 컨테이너가 실행 중이 아닙니다. docker start gallery 를 실행하세요."
http_body localhost:8081 | grep -q "Harbor Gallery" && exit 0
if [ "$(http_status localhost:8081)" = 403 ]; then
  fail "Still 403 Forbidden: nginx may not read the files in ~/gallery (see docker logs gallery and ls -l gallery)." \
    "아직 403 Forbidden입니다. nginx가 ~/gallery의 파일을 읽지 못합니다(docker logs gallery 와 ls -l gallery 를 보세요)."
fi
fail "localhost:8081 does not show the gallery: is gallery still published on 8081 with ~/gallery mounted?" \
  "localhost:8081에 갤러리가 나오지 않습니다. gallery가 ~/gallery를 마운트한 채 8081번으로 공개되어 있나요?"
