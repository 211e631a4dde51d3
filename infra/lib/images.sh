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
