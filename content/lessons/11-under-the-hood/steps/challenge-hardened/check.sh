#!/bin/bash
container_exists safe-web || fail "There is no container named safe-web yet: run one from the healthy-web image." \
  "아직 safe-web 이라는 컨테이너가 없습니다. healthy-web 이미지로 실행하세요."
ins() { docker inspect -f "$1" safe-web 2>/dev/null; }
[ "$(ins '{{.Config.Image}}')" = healthy-web ] || fail "safe-web must be made from the healthy-web image: remove it (docker rm -f safe-web) and run it again." \
  "safe-web 은 healthy-web 이미지로 만들어야 합니다. docker rm -f safe-web 으로 지우고 다시 실행하세요."
[ "$(ins '{{.HostConfig.ReadonlyRootfs}}')" = true ] || fail "safe-web's file system is writable: remove it (docker rm -f safe-web) and add --read-only." \
  "safe-web 의 파일 시스템에 쓸 수 있습니다. docker rm -f safe-web 으로 지우고 --read-only 를 붙이세요."
ins '{{.HostConfig.CapDrop}}' | grep -qi all || fail "safe-web still has capabilities: remove it and add --cap-drop ALL." \
  "safe-web 에 아직 capability가 있습니다. 지운 다음 --cap-drop ALL 을 붙이세요."
[ "$(ins '{{.HostConfig.RestartPolicy.Name}}')" = unless-stopped ] || fail "safe-web needs the restart policy unless-stopped (--restart unless-stopped)." \
  "safe-web 에는 unless-stopped 재시작 정책이 필요합니다(--restart unless-stopped)."
ins '{{json .HostConfig.PortBindings}}' | grep -q '"8091"' || fail "Publish the container's port 8080 as port 8091: -p 8091:8080" \
  "컨테이너의 8080 포트를 8091 포트로 공개하세요: -p 8091:8080"
container_running safe-web || fail "safe-web is not running: docker logs safe-web shows why." \
  "safe-web 이 실행 중이 아닙니다. docker logs safe-web 으로 이유를 확인하세요."
[ "$(ins '{{.State.Health.Status}}')" = healthy ] || fail "safe-web is not healthy yet: wait a few seconds (docker ps shows its health)." \
  "safe-web 이 아직 healthy 가 아닙니다. 몇 초 기다리세요(docker ps 에 상태가 나옵니다)."
http_body http://localhost:8091/ | grep -q 'healthy container' || fail "Nothing answers on localhost:8091 yet: is the port right (-p 8091:8080)?" \
  "localhost:8091 에서 아직 응답이 없습니다. 포트가 맞나요(-p 8091:8080)?"
