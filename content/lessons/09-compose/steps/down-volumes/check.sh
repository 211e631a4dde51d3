#!/bin/bash
n=$(docker ps -aq --filter label=com.docker.compose.project=blog | grep -c .)
[ "$n" -eq 0 ] || fail "The project still has $n container(s): docker compose down -v (in ~/blog)." \
  "프로젝트에 아직 컨테이너가 ${n}개 있습니다: ~/blog 에서 docker compose down -v"
for v in blog_db_data blog_wp_data; do
  volume_exists "$v" && fail "The containers are gone but the volume $v is still there: docker compose down -v removes it." \
    "컨테이너는 지워졌지만 $v 볼륨이 남아 있습니다. docker compose down -v 로 지우세요."
done
network_exists blog_default && fail "The network blog_default is still there: run docker compose down -v in ~/blog." \
  "blog_default 네트워크가 남아 있습니다. ~/blog 에서 docker compose down -v 를 실행하세요."
exit 0
