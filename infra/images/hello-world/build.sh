#!/usr/bin/env bash
# hello.c -> a static binary -> an image holding only /hello.
set -euo pipefail
. "$BERTH_LIB_DIR/import.sh"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
gcc -static -Os -s -o "$root/hello" "$(dirname "$0")/hello.c"
berth_import "$root" 'CMD ["/hello"]'
