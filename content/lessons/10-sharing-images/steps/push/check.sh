#!/bin/bash
image_exists localhost:5000/learner/hello-site:1.0 || fail "Name the image for your registry: docker tag hello-site:1.0 localhost:5000/learner/hello-site:1.0." \
  "레지스트리용 이름을 붙이세요: docker tag hello-site:1.0 localhost:5000/learner/hello-site:1.0"
container_running registry || fail "The registry is not running: docker start registry." \
  "레지스트리가 실행 중이 아닙니다: docker start registry"
grep -q '"localhost:5000"' "$HOME/.docker/config.json" 2>/dev/null || fail "Log in to your registry: echo berth-pass | docker login localhost:5000 -u learner --password-stdin." \
  "레지스트리에 로그인하세요: echo berth-pass | docker login localhost:5000 -u learner --password-stdin"
tags=$(curl -s --max-time 5 -u learner:berth-pass localhost:5000/v2/learner/hello-site/tags/list)
printf '%s' "$tags" | grep -q '"1.0"' || fail "You are logged in. Now push: docker push localhost:5000/learner/hello-site:1.0." \
  "로그인했습니다. 이제 push하세요: docker push localhost:5000/learner/hello-site:1.0"
