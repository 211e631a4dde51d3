#!/usr/bin/env bash
# Build every image folder under infra/images/ in dependency order, tag it as
# NAME:TAG and 127.0.0.1:5000/library/NAME:TAG, push it to the local registry,
# and print its size. Cached: an image whose folder (and dependencies) did not
# change since it was built is skipped, and so is a push the registry has.
#
# usage: build-images.sh [--force] [--no-push] [--smoke] [--sandbox] [FOLDER...]
#   --force    rebuild even when the cache key matches (only the named
#              folders when names are given, else all)
#   --no-push  do not push to the local registry
#   --smoke    run every image's smoke.sh (built images always run theirs)
#   --sandbox  then run the smoke.sh of every pushed image again inside a real
#              learner sandbox (rootless Docker 26, pulling through the mirror)
set -euo pipefail

. "$(dirname "$0")/lib/common.sh"
. "$BERTH_LIB_DIR/images.sh"

export DOCKER_BUILDKIT=0   # the host engine is 20.10: use the classic builder
FORCE=0 PUSH=1 SMOKE_ALL=0 SANDBOX=0
SUMMARY=() SANDBOX_SUMMARY=()
SMOKE_DOCKER_CONFIG=""
declare -A NAMED=()

build_image() { # FOLDER HASH
    local f=$1 hash=$2 dir="$BERTH_IMAGES_DIR/$1" ref
    ref=$(primary_ref "$f")
    case ${IMG_BUILD[$f]} in
        dockerfile)
            # the client's "legacy builder is deprecated" notice is noise here:
            # keep the build's output for when it fails
            local out
            out=$(docker build --label "$BERTH_LABEL=$hash" -t "$ref" "$dir" 2>&1) ||
                { echo "$out" | tail -n 40 >&2; die "$f: docker build failed"; } ;;
        script)
            BERTH_IMAGE="$ref" BERTH_HASH_LABEL="$BERTH_LABEL=$hash" \
            BERTH_CACHE_DIR="$BERTH_CACHE_DIR" BERTH_APT_MIRROR="$(apt_mirror)" \
            BERTH_LIB_DIR="$BERTH_LIB_DIR" bash "$dir/build.sh" ;;
    esac
    [ "$(local_hash "$ref")" = "$hash" ] || die "$f: the build did not produce $ref labelled $BERTH_LABEL=$hash"
}

tag_image() { # FOLDER
    local f=$1 ref tag repo
    ref=$(primary_ref "$f")
    repo=$(registry_repo "${IMG_NAME[$f]}")
    for tag in ${IMG_TAGS[$f]}; do
        docker tag "$ref" "${IMG_NAME[$f]}:$tag"
        [ "${IMG_PUSH[$f]}" = yes ] && docker tag "$ref" "$BERTH_PUSH_REGISTRY/$repo:$tag"
    done
    return 0
}

# Push each tag the registry lacks (or holds with another image ID).
push_image() { # FOLDER -> prints the tags pushed
    local f=$1 id tag repo pushed=()
    repo=$(registry_repo "${IMG_NAME[$f]}")
    id=$(docker image inspect -f '{{.Id}}' "$(primary_ref "$f")")
    for tag in ${IMG_TAGS[$f]}; do
        [ "$(registry_image_id "$repo" "$tag")" = "$id" ] && continue
        docker push -q "$BERTH_PUSH_REGISTRY/$repo:$tag" >/dev/null
        pushed+=("$tag")
    done
    echo "${pushed[*]:-}"
}

smoke_image() { # FOLDER
    local out
    [ -n "$SMOKE_DOCKER_CONFIG" ] || SMOKE_DOCKER_CONFIG=$(smoke_docker_config)
    local env=()
    [ -z "$SMOKE_DOCKER_CONFIG" ] || env=(DOCKER_CONFIG="$SMOKE_DOCKER_CONFIG")
    if ! out=$(env "${env[@]}" bash "$BERTH_IMAGES_DIR/$1/smoke.sh" 2>&1); then
        echo "$out" >&2
        die "$1: smoke test failed"
    fi
}

secs_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

process_image() { # FOLDER
    local f=$1 hash ref start t status pushed="" size
    start=$(now_ms)
    hash=$(compute_hash "$f")
    IMG_HASH[$f]=$hash
    ref=$(primary_ref "$f")
    local force=$FORCE
    [ ${#NAMED[@]} -gt 0 ] && [ -z "${NAMED[$f]:-}" ] && force=0
    if [ "$force" = 0 ] && [ "$(local_hash "$ref")" = "$hash" ]; then
        status=cached
        tag_image "$f"
        if [ $SMOKE_ALL = 1 ]; then
            t=$(now_ms)
            smoke_image "$f"
            status="cached, smoke ok $(secs_since "$t")s"
        fi
    else
        log "building $f -> $ref (${IMG_BUILD[$f]})"
        t=$(now_ms)
        build_image "$f" "$hash"
        tag_image "$f"
        status="built $(secs_since "$t")s"
        t=$(now_ms)
        smoke_image "$f"
        status="$status, smoke ok $(secs_since "$t")s"
    fi
    if [ "${IMG_PUSH[$f]}" = yes ] && [ $PUSH = 1 ]; then
        t=$(now_ms)
        pushed=$(push_image "$f")
        [ -n "$pushed" ] && status="$status, pushed $(secs_since "$t")s: $pushed"
    fi
    size=$(human_size "$(docker image inspect -f '{{.Size}}' "$ref")")
    SUMMARY+=("$(printf '%-16s %-44s %10s %6.1fs  %s' "$f" "${IMG_NAME[$f]}:${IMG_TAGS[$f]// /,}" "$size" \
        "$(secs_since "$start")" "$status")")
}

# The smoke tests again, inside one real sandbox, as the learner (--sandbox).
sandbox_smokes() {
    local f start out status failed=0
    sandbox_start
    trap sandbox_stop EXIT
    for f in "${IMG_ORDER[@]}"; do
        [ "${IMG_PUSH[$f]}" = yes ] || continue
        start=$(now_ms)
        if out=$(sandbox_run 'bash -s' <"$BERTH_IMAGES_DIR/$f/smoke.sh" 2>&1); then
            status="smoke ok in the sandbox"
        else
            status="FAILED in the sandbox"
            failed=1
            echo "$out" | tail -n 30 >&2
        fi
        SANDBOX_SUMMARY+=("$(printf '%-16s %6.1fs  %s' "$f" "$(secs_since "$start")" "$status")")
    done
    SANDBOX_SUMMARY+=("$(printf '%-16s %s' "(disk)" "$(sandbox_run 'docker system df --format "{{.Type}} {{.Size}}" | tr "\n" " "')")")
    sandbox_stop
    trap - EXIT
    return $failed
}

main() {
    local args=() f t0
    need_root
    t0=$(now_ms)
    while [ $# -gt 0 ]; do
        case $1 in
            --force) FORCE=1 ;;
            --no-push) PUSH=0 ;;
            --smoke) SMOKE_ALL=1 ;;
            --sandbox) SANDBOX=1 ;;
            -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
            -*) die "unknown option $1" ;;
            *) args+=("${1%/}"); NAMED[${1%/}]=1 ;;
        esac
        shift
    done
    engine_ok=$(docker info --format '{{.ServerVersion}}' 2>/dev/null) || die "dockerd does not answer: run infra/setup-host.sh"
    if [ $PUSH = 1 ] && ! curl -fsS --max-time 2 "http://$BERTH_PUSH_REGISTRY/v2/" >/dev/null 2>&1; then
        die "the registry on $BERTH_PUSH_REGISTRY does not answer: run infra/setup-host.sh (or use --no-push)"
    fi
    load_images
    order_images "${args[@]}"
    for f in "${IMG_ORDER[@]}"; do process_image "$f"; done
    printf '%-16s %-44s %10s %7s  %s\n' FOLDER IMAGE SIZE TIME STATUS
    printf '%s\n' "${SUMMARY[@]}"
    local rc=0
    if [ $SANDBOX = 1 ]; then
        [ $PUSH = 1 ] || warn "--no-push: the sandbox pulls what the registry has, not what was just built"
        sandbox_smokes || rc=1
        printf '%-16s %7s  %s\n' FOLDER TIME "IN A SANDBOX (slot $SANDBOX_SLOT)"
        printf '%s\n' "${SANDBOX_SUMMARY[@]}"
    fi
    echo "total $(awk -v a="$t0" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }')s (engine $engine_ok)"
    [ $rc = 0 ] || die "smoke tests failed inside the sandbox"
}

main "$@"
