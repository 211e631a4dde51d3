# shellcheck shell=bash
# Small helpers shared by Berth's infra scripts. Source it; do not run it.

BERTH_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BERTH_INFRA_DIR="$(dirname "$BERTH_LIB_DIR")"

# Where things live on a worker host (see infra/README.md).
BERTH_STATE_DIR=${BERTH_STATE_DIR:-/var/lib/berth}
BERTH_RUN_DIR=${BERTH_RUN_DIR:-/run/berth}
BERTH_LOG_DIR=${BERTH_LOG_DIR:-/var/log/berth}
BERTH_CACHE_DIR=${BERTH_CACHE_DIR:-/var/cache/berth}
BERTH_ETC_DIR=${BERTH_ETC_DIR:-/etc/berth}
BERTH_REGISTRY_PORT=${BERTH_REGISTRY_PORT:-5000}

log()  { printf '[berth] %s\n' "$*" >&2; }
warn() { printf '[berth] WARNING: %s\n' "$*" >&2; }
die()  { printf '[berth] ERROR: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || die "run this as root"; }

now_ms() { date +%s%3N; }

# run_step NAME FUNCTION [ARGS...]: runs one step, records its duration and the
# one-word outcome the function printed on fd 3 (e.g. "done", "skipped").
BERTH_SUMMARY=()
run_step() {
    local name=$1; shift
    local start outcome_file outcome
    start=$(now_ms)
    outcome_file=$(mktemp)
    "$@" 3>"$outcome_file"
    outcome=$(tr '\n' ' ' <"$outcome_file" | sed 's/ *$//')
    rm -f "$outcome_file"
    BERTH_SUMMARY+=("$(printf '%-22s %7.2fs  %s' "$name" "$(awk -v a="$start" -v b="$(now_ms)" 'BEGIN { print (b - a) / 1000 }')" "${outcome:-done}")")
}
outcome() { echo "$*" >&3; }

print_summary() {
    local line
    echo "Summary:"
    for line in "${BERTH_SUMMARY[@]}"; do echo "  $line"; done
}

# The Debian archive URL this host's apt uses (deb822 .sources or a .list file),
# read at run time so no host name is written into the code.
apt_mirror() {
    local url=""
    if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
        url=$(awk '
            /^[[:space:]]*#/ { next }
            /^URIs:/   { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-security$/) ok = 1 }
            /^$/       { if (ok && uri != "" && out == "") out = uri; uri = ""; ok = 0 }
            END        { if (ok && uri != "" && out == "") out = uri; print out }
        ' /etc/apt/sources.list.d/*.sources)
    fi
    if [ -z "$url" ]; then
        url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | awk '$1 == "deb" && $3 !~ /-security$/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }')
    fi
    [ -n "$url" ] || die "cannot find the Debian archive URL in /etc/apt/sources.list*"
    echo "${url%/}"
}

# docker0's IPv4 address (the host side of the default bridge).
docker0_addr() {
    ip -4 -o addr show dev docker0 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'
}

# A stable content hash of a directory (relative paths + contents + exec bits).
dir_hash() {
    local dir=$1
    (
        cd "$dir"
        find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
            printf '%s %s %s\n' "$f" "$([ -x "$f" ] && echo x || echo -)" "$(sha256sum <"$f" | cut -d' ' -f1)"
        done
    ) | sha256sum | cut -d' ' -f1
}
