#!/bin/bash
api() { curl -s --max-time 5 -u learner:berth-pass "$@"; }
digest() {
  api -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "localhost:5000/v2/learner/hello-site/manifests/$1" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}
container_running registry || fail "The registry is not running: docker start registry." \
  "레지스트리가 실행 중이 아닙니다: docker start registry"
tags=$(api localhost:5000/v2/learner/hello-site/tags/list)
printf '%s' "$tags" | grep -q '"1.0"' || fail "Version 1.0 is no longer in the registry (tags: $tags): push it again from the earlier steps." \
  "레지스트리에 1.0 버전이 없습니다(태그: $tags). 앞 단계처럼 다시 push하세요."
d2=$(digest 2.0)
[ -n "$d2" ] || fail "The registry has no 2.0 yet: change the page, build hello-site:2.0, tag it localhost:5000/learner/hello-site:2.0 and push it (log in first)." \
  "레지스트리에 아직 2.0이 없습니다. 페이지를 고치고 hello-site:2.0 으로 빌드한 뒤 localhost:5000/learner/hello-site:2.0 으로 태그를 붙여 push하세요(먼저 로그인하세요)."
[ "$d2" != "$(digest 1.0)" ] || fail "2.0 is the same image as 1.0: change the page to say Version 2.0, build again, tag and push." \
  "2.0이 1.0과 같은 이미지입니다. 페이지를 Version 2.0 으로 고치고 다시 빌드한 뒤 태그를 붙여 push하세요."
[ "$(digest latest)" = "$d2" ] || fail "2.0 is in the registry. Now move latest to it: tag the same image localhost:5000/learner/hello-site:latest and push that too." \
  "2.0이 레지스트리에 있습니다. 이제 latest 를 옮기세요: 같은 이미지에 localhost:5000/learner/hello-site:latest 태그를 붙이고 그것도 push하세요."
[ "$(docker container inspect -f '{{.Config.Image}}' hello 2>/dev/null)" = localhost:5000/learner/hello-site:2.0 ] && container_running hello \
  || fail "The registry is ready. Deploy: replace the hello container with one that runs localhost:5000/learner/hello-site:2.0 on port 8090." \
    "레지스트리는 준비됐습니다. 배포하세요: hello 컨테이너를 localhost:5000/learner/hello-site:2.0 을 실행하는 컨테이너(포트 8090)로 바꾸세요."
ok() { http_body localhost:8090 | grep -q 'Version 2.0'; }
wait_for 5 ok || fail "hello runs 2.0, but localhost:8090 does not say Version 2.0: did you change hello/index.html before building?" \
  "hello 가 2.0을 실행하지만 localhost:8090 에 Version 2.0 이 나오지 않습니다. 빌드하기 전에 hello/index.html 을 고쳤나요?"
