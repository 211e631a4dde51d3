#!/usr/bin/env bash
# Start one real sandbox (slot 63, the top of the remap range) on a throwaway
# volume, wait for the ready line, and run hello-world inside as the learner.
set -euo pipefail
slot=63
uid=$((100000 + slot))
name=berth-smoke-session-$$
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; docker volume rm "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
docker volume create "$name" >/dev/null
docker run -d --name "$name" \
    --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --cap-add SETUID \
        --cap-add SETGID --cap-add SYS_CHROOT --cap-add SYS_ADMIN --device /dev/net/tun \
    --security-opt systempaths=unconfined \
    --security-opt seccomp=/var/lib/berth/seccomp-sandbox.json \
    --tmpfs /tmp:rw,nosuid,nodev,mode=1777 --tmpfs /run:rw,nosuid,nodev,mode=755 \
    --memory 1g --pids-limit 512 --cpus 1 \
    -e BERTH_UID=$uid -e BERTH_SUBUID_START=$((1048576 + slot * 65536)) -e BERTH_SUBUID_COUNT=65536 \
    -e BERTH_MIRROR="$(cat /run/berth/mirror)" -e DOCKERD_ROOTLESS_ROOTLESSKIT_SLIRP4NETNS_SANDBOX=false \
    --mount type=volume,src="$name",dst=/home/learner \
    berth/session:latest >/dev/null
for _ in $(seq 1 600); do
    line=$(docker logs "$name" 2>/dev/null | grep -m1 '^berth-sandbox:' || true)
    [ -n "$line" ] && break
    sleep 0.1
done
if [ "$line" != "berth-sandbox: ready" ]; then
    echo "sandbox said: ${line:-nothing}" >&2
    docker logs --tail 30 "$name" >&2
    exit 1
fi
docker exec -u $uid:$uid -e HOME=/home/learner -e DOCKER_HOST=unix:///run/user/$uid/docker.sock "$name" \
    docker run --rm hello-world | grep -q "Hello from Berth"
# nothing but the learner may run in the sandbox
[ -z "$(docker exec -u $uid:$uid "$name" ps -eo uid= | grep -vx " *$uid")" ]
