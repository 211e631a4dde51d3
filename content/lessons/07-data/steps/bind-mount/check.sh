#!/bin/bash
src=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/usr/share/nginx/html"}}{{.Type}} {{.Source}}{{end}}{{end}}' web 2>/dev/null)
[ "$src" = "bind $HOME/site" ] || fail "Replace web with a container that bind-mounts ~/site: docker rm -f web, then docker run -d --name web -p 8080:80 -v \$PWD/site:/usr/share/nginx/html nginx (from your home folder)." \
  "web을 ~/site를 바인드 마운트한 컨테이너로 바꾸세요. docker rm -f web 후 홈 폴더에서 docker run -d --name web -p 8080:80 -v \$PWD/site:/usr/share/nginx/html nginx 를 실행합니다."
container_running web || fail "web is not running: docker logs web says why." "web이 실행 중이 아닙니다. docker logs web 에 이유가 나옵니다."
[ -f "$HOME/site/index.html" ] || fail "nginx answers 403: the folder is empty. Create site/index.html (\"Create this file\")." \
  "nginx가 403으로 답합니다. 폴더가 비어 있기 때문입니다. site/index.html을 만드세요(\"이 파일 만들기\")."
http_body localhost:8080 | grep -q "My journal" || fail "localhost:8080 does not show your page yet: is web published with -p 8080:80?" \
  "localhost:8080에 아직 내 페이지가 나오지 않습니다. web을 -p 8080:80으로 공개했나요?"
http_body localhost:8080 | grep -q "Edited on the host" || fail "Now add a line to site/index.html from your shell (the echo ... >> site/index.html block) and look again." \
  "이제 셸에서 site/index.html에 줄을 하나 덧붙이고(echo ... >> site/index.html 블록) 다시 확인하세요."
