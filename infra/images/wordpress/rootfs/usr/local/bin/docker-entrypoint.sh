#!/usr/bin/env bash
# Berth's wordpress entrypoint, behaving like the official image's:
# - WordPress missing from the working directory (/var/www/html): copied from
#   /usr/src/wordpress (owned by www-data when run as root);
# - no wp-config.php but WORDPRESS_* variables set: wp-config-docker.php becomes
#   wp-config.php, with random keys and salts;
# and, unlike the official image, it waits (WORDPRESS_DB_WAIT seconds, default 60)
# until the database accepts the login before Apache starts, so the first page
# is the install page and not "Error establishing a database connection".
set -Eeuo pipefail

log() { echo "wordpress-entrypoint: $*" >&2; }

if [[ "$1" == apache2* ]]; then
    uid=$(id -u)
    gid=$(id -g)
    if [ "$uid" = 0 ]; then
        set +u
        # shellcheck disable=SC1091
        . /etc/apache2/envvars
        set -u
        user=${APACHE_RUN_USER:-www-data}
        group=${APACHE_RUN_GROUP:-www-data}
    else
        user=$uid
        group=$gid
    fi

    if [ ! -e index.php ] && [ ! -e wp-includes/version.php ]; then
        if [ -n "$(find . -mindepth 1 -maxdepth 1 -not -name wp-content -print -quit)" ]; then
            log "WARNING: $PWD is not empty; copying WordPress into it anyway"
        fi
        log "WordPress is not in $PWD: copying it from /usr/src/wordpress"
        owner=()
        [ "$uid" != 0 ] || owner=(--owner "$user" --group "$group")
        tar --create --file - --directory /usr/src/wordpress "${owner[@]}" . |
            tar --extract --file - --no-overwrite-dir
        log "WordPress $(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" wp-includes/version.php) copied to $PWD"
    fi

    wp_envs=("${!WORDPRESS_@}")
    if [ ! -s wp-config.php ] && [ "${#wp_envs[@]}" -gt 0 ]; then
        log "no wp-config.php in $PWD: writing one that reads the WORDPRESS_* variables"
        awk '/put your unique phrase here/ {
                 cmd = "head -c 64 /dev/urandom | sha1sum | cut -d\" \" -f1"
                 cmd | getline key; close(cmd)
                 gsub("put your unique phrase here", key)
             } { print }' /usr/src/wordpress/wp-config-docker.php >wp-config.php
        [ "$uid" != 0 ] || chown "$user:$group" wp-config.php
    fi

    if [ "${#wp_envs[@]}" -gt 0 ] && [ "${WORDPRESS_DB_WAIT:-60}" -gt 0 ]; then
        waited=0
        while :; do
            rc=0
            err=$(php /usr/local/bin/wait-for-db.php 2>&1) || rc=$?
            [ $rc = 0 ] && { [ $waited = 0 ] || log "the database answers (after ${waited} s)"; break; }
            if [ $rc = 2 ]; then
                log "the database at ${WORDPRESS_DB_HOST:-mysql} refuses: $err (check WORDPRESS_DB_USER/PASSWORD/NAME); starting anyway"
                break
            fi
            if [ "$waited" -ge "${WORDPRESS_DB_WAIT:-60}" ]; then
                log "no database at ${WORDPRESS_DB_HOST:-mysql} after ${waited} s ($err); starting anyway"
                break
            fi
            [ $((waited % 5)) != 0 ] || log "waiting for the database at ${WORDPRESS_DB_HOST:-mysql} ($err)"
            sleep 1
            waited=$((waited + 1))
        done
    fi
fi

exec "$@"
