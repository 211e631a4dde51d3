# shellcheck shell=bash
# Reading infra/images/*/image.json, ordering by dependsOn, cache keys,
# tagging and pushing. Needs common.sh.

BERTH_IMAGES_DIR="$BERTH_INFRA_DIR/images"
BERTH_LABEL=org.berth.hash
BERTH_PUSH_REGISTRY="127.0.0.1:$BERTH_REGISTRY_PORT"

declare -A IMG_NAME IMG_TAGS IMG_BUILD IMG_DEPS IMG_PUSH IMG_HASH REF_FOLDER
IMG_ORDER=()

# Load every folder's image.json and index "name:tag" -> folder.
load_images() {
    local dir f ref
    for dir in "$BERTH_IMAGES_DIR"/*/; do
        f=$(basename "$dir")
        [ -f "$dir/image.json" ] || die "$f: image.json missing"
        jq -e '(.name|type=="string") and (.tags|type=="array" and length>0)
               and (.build=="dockerfile" or .build=="script")' "$dir/image.json" >/dev/null ||
            die "$f/image.json: needs name, tags[] and build (dockerfile|script)"
        IMG_NAME[$f]=$(jq -r .name "$dir/image.json")
        IMG_TAGS[$f]=$(jq -r '.tags | join(" ")' "$dir/image.json")
        IMG_BUILD[$f]=$(jq -r .build "$dir/image.json")
        IMG_DEPS[$f]=$(jq -r '(.dependsOn // []) | join(" ")' "$dir/image.json")
        IMG_PUSH[$f]=$(jq -r 'if .push == false then "no" else "yes" end' "$dir/image.json")
        [ -f "$dir/smoke.sh" ] || die "$f: smoke.sh missing"
        case ${IMG_BUILD[$f]} in
            dockerfile) [ -f "$dir/Dockerfile" ] || die "$f: Dockerfile missing" ;;
            script) [ -f "$dir/build.sh" ] || die "$f: build.sh missing" ;;
        esac
        for ref in ${IMG_TAGS[$f]}; do
            ref="${IMG_NAME[$f]}:$ref"
            [ -z "${REF_FOLDER[$ref]:-}" ] || die "$ref is produced by both ${REF_FOLDER[$ref]} and $f"
            REF_FOLDER[$ref]=$f
        done
    done
}

# A dependency is "name:tag" (or a bare name, meaning name:latest).
dep_folder() {
    local ref=$1
    [[ $ref == *:* ]] || ref="$ref:latest"
    [ -n "${REF_FOLDER[$ref]:-}" ] || die "unknown dependency $ref"
    echo "${REF_FOLDER[$ref]}"
}

# Depth-first topological order into IMG_ORDER.
declare -A _VISIT
order_visit() {
    local f=$1 d
    case ${_VISIT[$f]:-} in
        done) return ;;
        active) die "dependency cycle through $f" ;;
    esac
    _VISIT[$f]=active
    for d in ${IMG_DEPS[$f]}; do order_visit "$(dep_folder "$d")"; done
    _VISIT[$f]=done
    IMG_ORDER+=("$f")
}
order_images() { # [FOLDER...] (default: all)
    local f
    if [ $# -eq 0 ]; then set -- "${!IMG_NAME[@]}"; fi
    for f in $(printf '%s\n' "$@" | LC_ALL=C sort); do
        [ -n "${IMG_NAME[$f]:-}" ] || die "no image folder $f"
        order_visit "$f"
    done
}

# Cache key: the folder's content, the script-build helpers and the keys of
# what it depends on (so a new base rebuilds everything above it).
compute_hash() {
    local f=$1 d
    {
        echo "format 1"
        dir_hash "$BERTH_IMAGES_DIR/$f"
        sha256sum <"$BERTH_LIB_DIR/import.sh"
        for d in ${IMG_DEPS[$f]}; do echo "$d ${IMG_HASH[$(dep_folder "$d")]}"; done
    } | sha256sum | cut -c1-32
}

primary_ref() { echo "${IMG_NAME[$1]}:${IMG_TAGS[$1]%% *}"; }

local_hash() { docker image inspect -f "{{index .Config.Labels \"$BERTH_LABEL\"}}" "$1" 2>/dev/null || true; }

# Repository path in the local registry: library/NAME for one-word names.
registry_repo() { [[ $1 == */* ]] && echo "$1" || echo "library/$1"; }

# Config digest (= image ID) of REPO:TAG in the registry, empty if absent.
registry_image_id() {
    curl -fsS --max-time 5 -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        "http://$BERTH_PUSH_REGISTRY/v2/$1/manifests/$2" 2>/dev/null | jq -r '.config.digest // empty' 2>/dev/null || true
}

human_size() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MB", b / 1048576; else printf "%.0f kB", b / 1024 }'; }

# Smoke tests may use `docker compose` (v2). When the host's docker has no
# compose plugin (Debian bookworm's docker.io has none), a DOCKER_CONFIG
# directory whose cli-plugins/ holds the plugin from the session image (trixie's
# docker-compose, static) serves the smoke tests. Prints the directory, or
# nothing when the host has compose or the session image does not exist yet.
smoke_docker_config() {
    local dir="$BERTH_CACHE_DIR/smoke-docker-config" id c
    docker compose version >/dev/null 2>&1 && return 0
    id=$(docker image inspect -f '{{.Id}}' berth/session:latest 2>/dev/null) || return 0
    if [ "$(cat "$dir/session-image" 2>/dev/null)" != "$id" ]; then
        mkdir -p "$dir/cli-plugins"
        c=$(docker create berth/session:latest)
        docker cp "$c:/usr/libexec/docker/cli-plugins/docker-compose" "$dir/cli-plugins/docker-compose.new" >/dev/null ||
            { docker rm "$c" >/dev/null; return 0; }
        docker rm "$c" >/dev/null
        mv "$dir/cli-plugins/docker-compose.new" "$dir/cli-plugins/docker-compose"
        echo "$id" >"$dir/session-image"
    fi
    echo "$dir"
}

# --- smoke tests inside a real sandbox (build-images.sh --sandbox) -----------
# One sandbox started as the agent starts one (the contract flags, a throwaway
# volume as the home, the mirror), in slot BERTH_SMOKE_SLOT (default 62: no
# agent, test or dev script uses it); each image's smoke.sh runs in it as the
# learner, pulling through the mirror, with the inner Docker 26 and BuildKit.
SANDBOX_SLOT=${BERTH_SMOKE_SLOT:-62}
SANDBOX_NAME=""
SANDBOX_UID=$((100000 + SANDBOX_SLOT))

sandbox_start() {
    local line="" t0
    SANDBOX_NAME=berth-smoke-sandbox-$$
    [ -s "$BERTH_RUN_DIR/mirror" ] || die "no $BERTH_RUN_DIR/mirror: run infra/setup-host.sh"
    docker volume create "$SANDBOX_NAME" >/dev/null
    t0=$(now_ms)
    docker run -d --name "$SANDBOX_NAME" \
        --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --cap-add FOWNER --cap-add SETUID \
            --cap-add SETGID --cap-add SYS_CHROOT --cap-add SYS_ADMIN --device /dev/net/tun \
        --security-opt systempaths=unconfined \
        --security-opt seccomp="$BERTH_STATE_DIR/seccomp-sandbox.json" \
        --tmpfs /tmp:rw,nosuid,nodev,mode=1777 --tmpfs /run:rw,nosuid,nodev,mode=755 \
        --memory 1g --pids-limit 512 --cpus 1 --log-opt max-size=5m \
        -e BERTH_UID=$SANDBOX_UID -e BERTH_SUBUID_START=$((1048576 + SANDBOX_SLOT * 65536)) \
        -e BERTH_SUBUID_COUNT=65536 -e BERTH_MIRROR="$(cat "$BERTH_RUN_DIR/mirror")" \
        -e DOCKERD_ROOTLESS_ROOTLESSKIT_SLIRP4NETNS_SANDBOX=false \
        --mount type=volume,src="$SANDBOX_NAME",dst=/home/learner \
        berth/session:latest >/dev/null
    for _ in $(seq 1 600); do
        line=$(docker logs "$SANDBOX_NAME" 2>/dev/null | grep -m1 '^berth-sandbox:' || true)
        [ -n "$line" ] && break
        sleep 0.1
    done
    if [ "$line" != "berth-sandbox: ready" ]; then
        docker logs --tail 30 "$SANDBOX_NAME" >&2 || true
        sandbox_stop
        die "the smoke sandbox said: ${line:-nothing}"
    fi
    log "sandbox $SANDBOX_NAME (slot $SANDBOX_SLOT) ready in $(($(now_ms) - t0)) ms"
}

# sandbox_run COMMAND: bash -l as the learner, exactly as the agent opens a shell; stdin passes.
sandbox_run() {
    docker exec -i -u "$SANDBOX_UID:$SANDBOX_UID" -w /home/learner -e HOME=/home/learner -e USER=learner \
        -e DOCKER_HOST="unix:///run/user/$SANDBOX_UID/docker.sock" "$SANDBOX_NAME" bash -l -c "$1"
}

sandbox_stop() {
    [ -n "$SANDBOX_NAME" ] || return 0
    docker rm -f "$SANDBOX_NAME" >/dev/null 2>&1 || true
    docker volume rm "$SANDBOX_NAME" >/dev/null 2>&1 || true
    SANDBOX_NAME=""
}
