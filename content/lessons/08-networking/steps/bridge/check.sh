#!/bin/bash
for c in box1 box2; do
  container_running "$c" || fail "Start the two containers first: docker run -d --name box1 busybox sleep 3600 (and the same for box2)." \
    "먼저 컨테이너 두 개를 시작하세요: docker run -d --name box1 busybox sleep 3600 (box2도 같은 방법으로)."
  net=$(docker container inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$c" 2>/dev/null)
  case " $net" in
    *" bridge "*) ;;
    *) fail "$c is not on the default bridge network: remove it (docker rm -f $c) and start it again without --network." \
      "$c 가 기본 bridge 네트워크에 없습니다. docker rm -f $c 로 지우고 --network 없이 다시 시작하세요." ;;
  esac
done
ran '^nsenter .*ip( -br)? a' || fail "Now look at docker0 and the veth interfaces from the daemon's side with nsenter ... ip -br addr." \
  "이제 nsenter ... ip -br addr 로 데몬 쪽에서 docker0와 veth 인터페이스를 확인하세요."
ran '^nsenter .*iptables .*-t nat' || fail "Last: show the NAT rule with nsenter ... iptables -t nat -S POSTROUTING." \
  "마지막으로 nsenter ... iptables -t nat -S POSTROUTING 으로 NAT 규칙을 확인하세요."
