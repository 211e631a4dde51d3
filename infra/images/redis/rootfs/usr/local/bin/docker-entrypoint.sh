#!/bin/sh
# As in the official redis image: options or a .conf file alone mean
# redis-server; redis-server runs as the redis user, owning its working
# directory (/data); protected mode is off unless the arguments or the given
# config file set it (the official image builds Redis with it off: in a
# container the port is reached through Docker's network, not from the world).
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
    said=""
    for arg; do
        case $arg in *protected-mode*) said=1 ;; esac
    done
    if [ -z "$said" ] && [ -f "${2:-}" ] && grep -qs '^[[:space:]]*protected-mode' "$2"; then
        said=1
    fi
    [ -n "$said" ] || set -- "$@" --protected-mode no
    if [ "$(id -u)" = 0 ]; then
        find . \! -user redis -exec chown redis '{}' +
        exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
    fi
    um=$(umask)
    [ "$um" != 0022 ] || umask 0077
fi

exec "$@"
