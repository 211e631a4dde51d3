#!/bin/bash
ran '^docker version' || fail "Start by asking for the versions: docker version" \
  "먼저 버전을 확인하세요: docker version"
ran '^docker info' || fail "Now ask the daemon about itself: docker info" \
  "이제 데몬의 정보를 확인하세요: docker info"
[ "$(containers_from hello-world)" -ge 1 ] || fail "Last, run your first container: docker run hello-world" \
  "마지막으로 첫 컨테이너를 실행하세요: docker run hello-world"
