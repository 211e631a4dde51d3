# shellcheck shell=bash
# Helpers for images built by a script (image.json "build": "script").
# build-images.sh runs build.sh with:
#   BERTH_IMAGE        the reference to create (NAME:first tag)
#   BERTH_HASH_LABEL   a LABEL the image must carry (the cache key)
#   BERTH_CACHE_DIR    where slow intermediate results may be kept
#   BERTH_APT_MIRROR   the Debian archive URL of this host
#   BERTH_LIB_DIR      this folder
# Contents of this file are part of every image's cache key.

# berth_import SRC [DOCKERFILE-INSTRUCTION...]: SRC is a directory or a tar file.
berth_import() {
    local src=$1; shift
    local args=(-c "LABEL $BERTH_HASH_LABEL") c
    for c in "$@"; do args+=(-c "$c"); done
    if [ -d "$src" ]; then
        tar --numeric-owner -C "$src" -c . | docker import "${args[@]}" - "$BERTH_IMAGE" >/dev/null
    else
        docker import "${args[@]}" "$src" "$BERTH_IMAGE" >/dev/null
    fi
}

# Unmount whatever is still mounted below DIR, then delete it (never crossing
# into another file system).
berth_unmount_below() {
    local m
    awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
        while read -r m; do umount -l "$m" || true; done
}
berth_remove_tree() {
    [ -d "$1" ] || return 0
    berth_unmount_below "$1"
    rm -rf --one-file-system "$1"
}

# debian_rootfs SUITE: prints the path of a cached minbase rootfs tarball of
# SUITE, running debootstrap only when it is not cached yet.
debian_rootfs() {
    local suite=$1
    local cache="$BERTH_CACHE_DIR/rootfs" tar dir
    tar="$cache/debian-$suite-minbase.tar"
    if [ -s "$tar" ]; then echo "$tar"; return; fi
    mkdir -p "$cache"
    dir=$(mktemp -d "$cache/.debootstrap-$suite.XXXXXX")
    # shellcheck disable=SC2064
    trap "berth_remove_tree '$dir'" EXIT
    echo "debootstrap --variant=minbase $suite from $BERTH_APT_MIRROR" >&2
    debootstrap --variant=minbase "$suite" "$dir" "$BERTH_APT_MIRROR" >"$cache/debootstrap-$suite.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap-$suite.log" >&2; return 1; }
    # what a container image does not need
    berth_unmount_below "$dir"
    rm -rf --one-file-system "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb \
        "$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/dev/* "$dir"/proc/* "$dir"/sys/*
    : >"$dir/etc/resolv.conf"
    : >"$dir/etc/hostname"
    tar --numeric-owner -C "$dir" -cf "$tar.tmp" .
    mv "$tar.tmp" "$tar"
    berth_remove_tree "$dir"
    trap - EXIT
    echo "$tar"
}
