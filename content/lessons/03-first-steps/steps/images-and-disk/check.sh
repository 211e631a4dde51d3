#!/bin/bash
ran '^docker (image )?pull .*debian:bookworm' || fail "Pull an image without running it: docker pull debian:bookworm" \
  "실행하지 않고 이미지만 내려받으세요: docker pull debian:bookworm"
ran '^docker system df' || fail "See how much space Docker uses: docker system df" \
  "Docker가 공간을 얼마나 쓰는지 보세요: docker system df"
image_exists debian:bookworm && fail "Now remove that image again: docker rmi debian:bookworm" \
  "이제 그 이미지를 다시 지우세요: docker rmi debian:bookworm"
ran 'DockerRootDir|\.local/share/docker' || fail "Last, find where the daemon keeps its data: docker info --format '{{.DockerRootDir}}'" \
  "마지막으로 데몬이 데이터를 어디에 두는지 찾아보세요: docker info --format '{{.DockerRootDir}}'"
exit 0
