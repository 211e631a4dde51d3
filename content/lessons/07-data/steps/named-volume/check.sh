#!/bin/bash
volume_exists html || fail "No volume called html yet: run docker run -d --name web2 -p 8081:80 -v html:/usr/share/nginx/html nginx." \
  "아직 html 볼륨이 없습니다. docker run -d --name web2 -p 8081:80 -v html:/usr/share/nginx/html nginx 를 실행하세요."
container_running web2 || fail "Start web2 with the html volume: docker run -d --name web2 -p 8081:80 -v html:/usr/share/nginx/html nginx." \
  "html 볼륨을 붙여 web2를 시작하세요. docker run -d --name web2 -p 8081:80 -v html:/usr/share/nginx/html nginx"
vol=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/usr/share/nginx/html"}}{{.Name}}{{end}}{{end}}' web2)
[ "$vol" = html ] || fail "web2 does not use the html volume: start it with -v html:/usr/share/nginx/html." \
  "web2가 html 볼륨을 쓰지 않습니다. -v html:/usr/share/nginx/html 로 시작하세요."
http_body localhost:8081 | grep -q "Kept in a volume" || fail "Write the page into the volume from inside web2 (the docker exec line), then replace web2 with a new container." \
  "web2 안에서 볼륨에 페이지를 쓰고(docker exec 줄), web2를 새 컨테이너로 바꾸세요."
# The page must be older than the container that serves it: it survived a new container.
written=$(docker exec web2 stat -c %.9Y /usr/share/nginx/html/index.html 2>/dev/null || echo 0)
started=$(date -d "$(docker inspect -f '{{.Created}}' web2)" +%s.%N)
awk -v w="$written" -v s="$started" 'BEGIN { exit !(w < s) }' || fail "The page is in the volume. Now remove web2 (docker rm -f web2) and start a new one with the same volume: the page stays." \
  "페이지가 볼륨에 들어갔습니다. 이제 web2를 지우고(docker rm -f web2) 같은 볼륨으로 새로 시작하세요. 페이지는 그대로 남습니다."
