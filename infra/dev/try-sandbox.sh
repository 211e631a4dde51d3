#!/usr/bin/env bash
# Do by hand what the worker agent does for one session, then exercise it as
# the learner. For development and measurements on a prepared host
# (infra/setup-host.sh + infra/build-images.sh).
#
# usage: try-sandbox.sh N            create + start slot N (1..63), run the learner checks
#        try-sandbox.sh --ready N [RUNS]   time `docker run` -> ready line RUNS times (default 5)
#        try-sandbox.sh --report N...      host uids + idle memory of running slots
#        try-sandbox.sh --clean N    remove everything slot N made
set -euo pipefail

. "$(dirname "$0")/../lib/common.sh"

IMAGE=berth/session:latest
REMAP_BASE=3000000
SECCOMP="$BERTH_STATE_DIR/seccomp-sandbox.json"

slot_vars() { # N -> globals for that slot
    N=$1
    [[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 63 ] || die "slot must be 1..63"
    LUID=$((100000 + N))                    # learner uid inside the sandbox
    SUB_START=$((1048576 + N * 65536))      # learner's subuids inside the sandbox
    HOST_UID=$((REMAP_BASE + LUID))         # the learner as the host sees it
    DIR="$BERTH_STATE_DIR/dev/$N"
    HOME_MNT="$DIR/home"
    DISK="$DIR/disk.ext4"
    NET="brs-dev-$N"
    NAME="berth-dev-$N"
}

ms_since() { echo $(($(now_ms) - $1)); }

make_disk() {
    mkdir -p "$HOME_MNT"
    mountpoint -q "$HOME_MNT" && return
    if [ ! -f "$DISK" ]; then
        truncate -s 2G "$DISK"
        # the disk's root belongs to the learner (as the remapped host sees it)
        mkfs.ext4 -q -F -E root_owner=$HOST_UID:$HOST_UID "$DISK"
    fi
    mount -o loop,nodev,nosuid "$DISK" "$HOME_MNT"
}

make_network() {
    docker network inspect "$NET" >/dev/null 2>&1 && return
    docker network create --driver bridge --subnet "10.213.$N.0/28" \
        --opt com.docker.network.bridge.name="$NET" \
        --opt com.docker.network.bridge.enable_icc=false "$NET" >/dev/null
}

# The contract flags (see infra/README.md).
run_sandbox() {
    docker run -d --name "$NAME" --hostname "sandbox-$N" --network "$NET" \
        --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --cap-add SETUID \
            --cap-add SETGID --cap-add SYS_CHROOT --cap-add SYS_ADMIN --device /dev/net/tun \
        --security-opt systempaths=unconfined --security-opt seccomp="$SECCOMP" \
        --tmpfs /tmp:rw,nosuid,nodev,mode=1777 --tmpfs /run:rw,nosuid,nodev,mode=755 \
        --memory 1g --pids-limit 512 --cpus 1 \
        --mount type=bind,src="$HOME_MNT",dst=/home/learner \
        -e BERTH_UID=$LUID -e BERTH_SUBUID_START=$SUB_START -e BERTH_SUBUID_COUNT=65536 \
        -e BERTH_MIRROR="$(cat "$BERTH_RUN_DIR/mirror")" \
        -e DOCKERD_ROOTLESS_ROOTLESSKIT_SLIRP4NETNS_SANDBOX=false \
        "$IMAGE" >/dev/null
}

# Follow the container's stdout until its status line; prints the line.
wait_status() {
    local line=""
    coproc LOGS { exec docker logs -f "$NAME" 2>/dev/null; }
    while IFS= read -r -t 60 line <&"${LOGS[0]}"; do
        [[ $line == berth-sandbox:* ]] && break
    done
    kill "$LOGS_PID" 2>/dev/null || true
    wait "$LOGS_PID" 2>/dev/null || true
    echo "$line"
}

start_slot() {
    local t0 line
    make_disk
    make_network
    docker rm -f "$NAME" >/dev/null 2>&1 || true
    t0=$(now_ms)
    run_sandbox
    line=$(wait_status)
    echo "slot $N: '$line' after $(ms_since "$t0") ms"
    [ "$line" = "berth-sandbox: ready" ] || { docker logs --tail 40 "$NAME" >&2; die "slot $N did not get ready"; }
}

# as_learner COMMAND...: exactly how the agent opens the learner's shell.
as_learner() {
    docker exec -i -u "$LUID:$LUID" -w /home/learner -e HOME=/home/learner -e USER=learner \
        -e TERM=xterm-256color -e DOCKER_HOST="unix:///run/user/$LUID/docker.sock" \
        "$NAME" bash -l -c "set -o pipefail; $*"
}

check() { # LABEL COMMAND...
    local label=$1 t0 out; shift
    t0=$(now_ms)
    if out=$(as_learner "$@" 2>&1); then
        printf '  ok   %-34s %6d ms  %s\n' "$label" "$(ms_since "$t0")" "$(echo "$out" | grep -v '^ *$' | tail -n1 | cut -c1-70)"
    else
        printf '  FAIL %-34s %6d ms\n%s\n' "$label" "$(ms_since "$t0")" "$out"
        FAILED=1
    fi
}

learner_checks() {
    FAILED=0
    echo "learner checks in slot $N:"
    check "whoami/home owner" 'echo "$(id -u):$(id -g) $(stat -c %u:%g ~) $(ls ~ | tr "\n" " ")"'
    check "docker version" 'docker version --format "client {{.Client.Version}} server {{.Server.Version}}"'
    check "docker run --rm hello-world" 'docker run --rm hello-world | grep "Hello from Berth"'
    check "docker pull busybox" 'docker pull -q busybox'
    check "debian:bookworm cat debian_version" 'docker run --rm debian:bookworm cat /etc/debian_version'
    check "docker build (BuildKit)" 'mkdir -p ~/try-build && cd ~/try-build &&
        printf "FROM busybox\nRUN echo built by BuildKit > /built.txt\n" > Dockerfile &&
        docker build -q -t try-build . >/dev/null && docker buildx version >/dev/null &&
        docker run --rm try-build cat /built.txt'
    check "docker compose up -d" 'mkdir -p ~/try-compose && cd ~/try-compose &&
        printf "services:\n  app:\n    image: busybox\n    command: [sh, -c, \"trap exit TERM; while :; do sleep 1; done\"]\n" > compose.yaml &&
        docker compose up -d --quiet-pull 2>&1 | tail -n1 && docker compose ps --format "{{.Name}} {{.State}}"'
    check "docker compose down" 'cd ~/try-compose && docker compose down 2>&1 | tail -n1'
    check "publish -p 8080 + curl" 'docker run -d --name web -p 8080:8080 busybox httpd -f -p 8080 -h /etc >/dev/null &&
        sleep 0.3 && curl -fsS http://127.0.0.1:8080/hostname; docker rm -f web >/dev/null'
    check "no capabilities" 'grep CapEff /proc/self/status'
    check "only the learner runs" 'ps -eo uid= | sort -u | tr "\n" " "'
    [ $FAILED = 0 ] || die "some learner checks failed"
}

# Host view: every process of the sandbox with its HOST uid.
host_processes() {
    local id
    id=$(docker inspect -f '{{.Id}}' "$NAME")
    ps -o uid=,pid=,args= -p "$(tr '\n' ',' <"/sys/fs/cgroup/pids/docker/$id/cgroup.procs" | sed 's/,$//')"
}

report_slot() {
    echo "slot $N (learner uid $LUID, subuids $SUB_START+65536, learner on host = $HOST_UID):"
    as_learner 'docker rm -f probe-root probe-1000 >/dev/null 2>&1;
        docker run -d --name probe-root busybox sleep 600 >/dev/null;
        docker run -d --name probe-1000 -u 1000 busybox sleep 601 >/dev/null'
    docker exec -d -u "$LUID:$LUID" "$NAME" sleep 5   # stands in for the learner's shell
    sleep 0.5
    host_processes | awk '{ $2 = ""; printf "    host uid %-8s %s\n", $1, substr($0, index($0, $3), 60) }'
    as_learner 'docker rm -f probe-root probe-1000 >/dev/null'
    echo "    expected: learner/dockerd/inner root $HOST_UID, inner uid 1000 $((REMAP_BASE + SUB_START + 999))"
    echo "    memory: $(docker stats --no-stream --format '{{.MemUsage}}' "$NAME")"
}

measure_ready() { # RUNS
    local runs=$1 i
    make_disk
    make_network
    for i in $(seq 1 "$runs"); do start_slot; done
}

clean_slot() {
    docker rm -f "$NAME" >/dev/null 2>&1 || true
    docker network rm "$NET" >/dev/null 2>&1 || true
    if mountpoint -q "$HOME_MNT"; then umount "$HOME_MNT"; fi
    rm -f "$DISK"
    [ -d "$DIR" ] && rmdir "$HOME_MNT" "$DIR" 2>/dev/null || true
    echo "slot $N cleaned"
}

main() {
    need_root
    [ -s "$BERTH_RUN_DIR/mirror" ] || die "run infra/setup-host.sh first"
    case ${1:-} in
        --clean) slot_vars "${2:?slot}"; clean_slot ;;
        --ready) slot_vars "${2:?slot}"; measure_ready "${3:-5}" ;;
        --report) shift; for n in "$@"; do slot_vars "$n"; report_slot; done ;;
        ''|-h|--help) sed -n '2,11p' "$0" ;;
        *) slot_vars "$1"; start_slot; learner_checks
           echo "shell: docker exec -it -u $LUID:$LUID -w /home/learner -e HOME=/home/learner -e USER=learner -e TERM=xterm-256color -e DOCKER_HOST=unix:///run/user/$LUID/docker.sock $NAME bash -l" ;;
    esac
}

main "$@"
