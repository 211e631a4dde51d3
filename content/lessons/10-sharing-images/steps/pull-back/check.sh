#!/bin/bash
container_running hello || fail "Remove the local copies (the docker rmi lines), then run the image from the registry: docker run -d --name hello -p 8090:80 localhost:5000/learner/hello-site:1.0." \
  "로컬 복사본을 지우고(docker rmi 줄), 레지스트리에서 이미지를 실행하세요: docker run -d --name hello -p 8090:80 localhost:5000/learner/hello-site:1.0"
[ "$(docker container inspect -f '{{.Config.Image}}' hello 2>/dev/null)" = localhost:5000/learner/hello-site:1.0 ] \
  || fail "The container hello must run localhost:5000/learner/hello-site:1.0: remove it (docker rm -f hello) and run that image." \
    "hello 컨테이너는 localhost:5000/learner/hello-site:1.0 을 실행해야 합니다. docker rm -f hello 로 지우고 그 이미지로 다시 실행하세요."
image_exists hello-site:1.0 && fail "hello-site:1.0 is still here: it did not come from the registry. Remove it: docker rmi hello-site:1.0." \
  "hello-site:1.0 이 아직 남아 있어서 레지스트리에서 받은 것이 아닙니다. 지우세요: docker rmi hello-site:1.0"
ok() { http_body localhost:8090 | grep -q 'Hello from my registry'; }
wait_for 5 ok || fail "hello runs, but localhost:8090 does not show your page yet: wait a second and run the curl line again." \
  "hello 는 실행 중이지만 localhost:8090 에 아직 페이지가 나오지 않습니다. 잠시 기다렸다가 curl 줄을 다시 실행하세요."
grep -q '"localhost:5000"' "$HOME/.docker/config.json" 2>/dev/null && fail "It works. Last: log out, docker logout localhost:5000." \
  "잘 됩니다. 마지막으로 로그아웃하세요: docker logout localhost:5000"
exit 0
