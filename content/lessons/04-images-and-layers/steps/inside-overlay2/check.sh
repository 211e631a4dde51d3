#!/bin/bash
container_exists one || fail "The container one is gone: go back one step and create it again." \
  "one 컨테이너가 없습니다. 한 단계 전으로 돌아가 다시 만드세요."
ran 'GraphDriver.* one' || fail "Ask Docker where one keeps its files: docker inspect -f '{{json .GraphDriver.Data}}' one" \
  "one이 파일을 어디에 두는지 물어보세요: docker inspect -f '{{json .GraphDriver.Data}}' one"
ran '^ls .*\$UPPER' || fail "Look into the container's writable layer: the block that sets UPPER and runs ls." \
  "컨테이너의 쓰기 가능한 레이어를 들여다보세요: UPPER를 정하고 ls를 실행하는 블록입니다."
ran '^docker (image )?history' || fail "Last, see how the image was built: docker history debian" \
  "마지막으로 이미지가 어떻게 만들어졌는지 보세요: docker history debian"
