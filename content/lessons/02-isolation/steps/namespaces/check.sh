#!/bin/bash
container_running box || fail "The container box is not running: start it with docker start box (or go back one step)." \
  "box 컨테이너가 실행 중이 아닙니다. docker start box 로 시작하세요(또는 한 단계 전으로 돌아가세요)."
ran 'docker exec .*box .*hostname' || fail "Compare the names: run hostname, then docker exec box hostname" \
  "이름을 비교해 보세요: hostname 을 실행한 다음 docker exec box hostname 을 실행하세요."
ran 'docker exec .*box .*ip ' || fail "Look at the container's network: docker exec box ip addr" \
  "컨테이너의 네트워크를 확인하세요: docker exec box ip addr"
ran 'docker exec .*box .*/proc/self/ns' || fail "Compare the namespaces: ls -l /proc/self/ns, then docker exec box ls -l /proc/self/ns" \
  "네임스페이스를 비교하세요: ls -l /proc/self/ns 다음에 docker exec box ls -l /proc/self/ns"
