#!/usr/bin/env bash
# busybox from Debian's busybox-static package. The "1.35" tag in image.json
# must match the installed version: fail loudly when Debian moves on.
set -euo pipefail
. "$BERTH_LIB_DIR/import.sh"

version=$(dpkg-query -W -f='${Version}' busybox-static | sed -E 's/^[0-9]+://; s/^([0-9]+\.[0-9]+).*/\1/')
jq -e --arg v "$version" '.tags | index($v)' "$(dirname "$0")/image.json" >/dev/null ||
    { echo "busybox-static is $version; update the tags in image.json" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,root,tmp,home,var/spool/mail,var/www}
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
www-data:x:33:
nogroup:x:65534:
GROUP
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
berth_import "$root" 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' 'CMD ["sh"]'
