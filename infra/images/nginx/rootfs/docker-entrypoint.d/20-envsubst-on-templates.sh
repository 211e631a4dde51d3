#!/bin/sh
# /etc/nginx/templates/NAME.conf.template -> /etc/nginx/conf.d/NAME.conf, with
# ${VAR} replaced for the variables set in the environment only (so nginx's
# own $uri, $host... stay), as the official image does.
# NGINX_ENVSUBST_TEMPLATE_DIR, _SUFFIX and NGINX_ENVSUBST_OUTPUT_DIR change the paths.
set -eu

dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
[ -d "$dir" ] || exit 0
if [ ! -w "$out" ]; then
    echo "$0: $out is not writable, templates are not applied" >&2
    exit 0
fi
vars=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
find "$dir" -follow -type f -name "*$suffix" | while read -r template; do
    rel=${template#"$dir"/}
    target="$out/${rel%"$suffix"}"
    mkdir -p "$(dirname "$target")"
    [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $template -> $target" >&2
    envsubst "$vars" <"$template" >"$target"
done
