#!/bin/bash
ran '^docker (images|image ls)' || fail "List the images first: docker images" \
  "먼저 이미지 목록을 보세요: docker images"
ran '^docker (ps|container ls)( |$)' || fail "Now list the running containers: docker ps" \
  "이제 실행 중인 컨테이너 목록을 보세요: docker ps"
ran '^docker (ps|container ls) .*(-a|--all)' || fail "Now list all containers, stopped ones too: docker ps -a" \
  "이제 멈춘 것까지 모든 컨테이너를 보세요: docker ps -a"
