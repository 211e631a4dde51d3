#!/bin/bash
dir="$HOME/brochure"
image_exists brochure || fail "There is no image brochure: build it in ~/brochure with docker build -t brochure ." \
  "brochure 이미지가 없습니다. ~/brochure 에서 docker build -t brochure . 로 빌드하세요."
mb=$(( $(docker image inspect -f '{{.Size}}' brochure) / 1000000 ))
[ "$mb" -lt 200 ] || fail "The image brochure is $mb MB: get it under 200 MB (docker history brochure shows where the size comes from)." \
  "brochure 이미지가 ${mb}MB입니다. 200MB 아래로 줄이세요(docker history brochure 로 크기가 어디서 오는지 볼 수 있습니다)."
grep -Eqs '(^|/)raw(/|\*|$)|\.mov' "$dir/.dockerignore" || fail "The image is $mb MB now. But every build still sends raw/promo-video.mov to the builder: leave raw out with a .dockerignore." \
  "이제 이미지가 ${mb}MB입니다. 하지만 빌드할 때마다 raw/promo-video.mov를 빌더에 보냅니다. .dockerignore로 raw를 빼세요."
container_running brochure || fail "Start the new image as the container brochure, published on port 8082." \
  "새 이미지를 brochure 컨테이너로 시작하고 8082번 포트로 공개하세요."
[ "$(docker inspect -f '{{.Image}}' brochure)" = "$(docker image inspect -f '{{.Id}}' brochure)" ] || fail "The container brochure still runs the old image: docker rm -f brochure, then docker run it again from the new one." \
  "brochure 컨테이너가 아직 예전 이미지로 실행 중입니다. docker rm -f brochure 후 새 이미지로 다시 docker run 하세요."
http_body localhost:8082 | grep -q "brochure v2.0.0" || fail "localhost:8082 does not show the built page: nginx listens on port 80 in its container (-p 8082:80), and the page must come from dist/." \
  "localhost:8082에 빌드된 페이지가 나오지 않습니다. 컨테이너 안의 nginx는 80번 포트를 쓰고(-p 8082:80), 페이지는 dist/에서 와야 합니다."
