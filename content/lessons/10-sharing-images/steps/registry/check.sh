#!/bin/bash
[ -s "$HOME/registry/auth/htpasswd" ] || fail "Make the password file first: the docker run ... htpasswd ... > ~/registry/auth/htpasswd line." \
  "먼저 비밀번호 파일을 만드세요: docker run ... htpasswd ... > ~/registry/auth/htpasswd 줄을 실행하세요."
grep -q '^learner:\$2[aby]\$' "$HOME/registry/auth/htpasswd" || fail "~/registry/auth/htpasswd has no bcrypt line for learner: run the htpasswd line again (with -B)." \
  "~/registry/auth/htpasswd 에 learner 의 bcrypt 줄이 없습니다. htpasswd 줄을 (-B 와 함께) 다시 실행하세요."
container_running registry || fail "Start the registry: the docker run -d --name registry -p 5000:5000 ... line." \
  "레지스트리를 시작하세요: docker run -d --name registry -p 5000:5000 ... 줄을 실행하세요."
up() { [ "$(http_status localhost:5000/v2/)" != 000 ]; }
wait_for 5 up || fail "Nothing answers on localhost:5000: see docker logs registry, and check that it publishes -p 5000:5000." \
  "localhost:5000 에서 응답이 없습니다. docker logs registry 를 확인하고 -p 5000:5000 으로 공개했는지 보세요."
[ "$(http_status localhost:5000/v2/)" = 401 ] || fail "The registry lets anyone in (no 401 without a password): remove it (docker rm -f registry) and start it again with the three REGISTRY_AUTH... variables." \
  "레지스트리가 비밀번호 없이도 열려 있습니다(401이 아님). docker rm -f registry 로 지우고 REGISTRY_AUTH... 변수 세 개와 함께 다시 시작하세요."
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u learner:berth-pass localhost:5000/v2/)" = 200 ] \
  || fail "The registry refuses learner:berth-pass: make the htpasswd file again with that user and password, then docker restart registry." \
    "레지스트리가 learner:berth-pass 를 거부합니다. 그 사용자와 비밀번호로 htpasswd 파일을 다시 만들고 docker restart registry 를 실행하세요."
