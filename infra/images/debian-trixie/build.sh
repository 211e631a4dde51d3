#!/usr/bin/env bash
# Debian trixie: a minbase debootstrap (cached as a tarball) imported as an image.
set -euo pipefail
. "$BERTH_LIB_DIR/import.sh"
rootfs=$(debian_rootfs trixie)
berth_import "$rootfs" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV LANG=C.UTF-8' \
    'CMD ["bash"]'
