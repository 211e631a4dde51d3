#!/usr/bin/env bash
# Berth's postgres entrypoint, behaving like the official image's for:
#   POSTGRES_PASSWORD (required on first start unless POSTGRES_HOST_AUTH_METHOD=trust),
#   POSTGRES_USER (default postgres), POSTGRES_DB (default: the user's name),
#   POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256),
#   the *_FILE variants (Docker secrets), /docker-entrypoint-initdb.d/*.sh|.sql|.sql.gz,
#   PGDATA initialised on the first start only, root dropping to the postgres user.
set -Eeo pipefail

log() { echo "postgres-entrypoint: $*"; }

# VAR or VAR_FILE (not both) -> VAR
file_env() {
    local var=$1 file_var="${1}_FILE" value=${2:-}
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        log "error: both $var and $file_var are set (they exclude each other)" >&2
        exit 1
    fi
    if [ -n "${!var:-}" ]; then
        value=${!var}
    elif [ -n "${!file_var:-}" ]; then
        value=$(<"${!file_var}")
    fi
    export "$var"="$value"
    unset "$file_var"
}

run_initdb_files() {
    local f
    for f in /docker-entrypoint-initdb.d/*; do
        case $f in
            *.sh)
                # shellcheck disable=SC1090 # the scripts the user mounted
                if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
            *.sql)     log "running $f"; psql_init -f "$f" ;;
            *.sql.gz)  log "running $f"; gunzip -c "$f" | psql_init ;;
            *.sql.xz)  log "running $f"; xz -dc "$f" | psql_init ;;
            *.sql.zst) log "running $f"; zstd -dc "$f" | psql_init ;;
            */\*)      ;;
            *)         log "ignoring $f" ;;
        esac
    done
}

psql_init() {
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "$POSTGRES_DB" "$@"
}

init_database() {
    file_env POSTGRES_PASSWORD
    file_env POSTGRES_USER postgres
    file_env POSTGRES_DB "$POSTGRES_USER"
    file_env POSTGRES_INITDB_ARGS
    local auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

    if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
        cat >&2 <<'MSG'
Error: the database is not initialised yet and no superuser password was given.
       Set POSTGRES_PASSWORD to a non-empty value, for example
           docker run -e POSTGRES_PASSWORD=secret postgres
       (or POSTGRES_PASSWORD_FILE with the path of a file holding it).
       POSTGRES_HOST_AUTH_METHOD=trust starts without any password instead:
       everyone who can reach the port gets in. Do not use that for real data.
MSG
        exit 1
    fi
    if [ "$auth" = trust ]; then
        log "WARNING: POSTGRES_HOST_AUTH_METHOD=trust: connections from other hosts need no password"
    fi

    log "initialising $PGDATA for user \"$POSTGRES_USER\""
    # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of arguments
    if [ -n "$POSTGRES_PASSWORD" ]; then
        initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS
    else
        initdb --username="$POSTGRES_USER" $POSTGRES_INITDB_ARGS
    fi
    printf '\n# Berth: every other host, with a password\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

    # a server on the socket only, for the set-up steps
    PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start >/dev/null
    if [ "$POSTGRES_DB" != postgres ]; then
        log "creating database \"$POSTGRES_DB\""
        psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname postgres \
            --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
    fi
    run_initdb_files
    PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    log "initialisation done; starting PostgreSQL"
}

if [ "${1:0:1}" = - ]; then
    set -- postgres "$@"
fi

# `postgres --version` and friends only print something
wants_help() {
    local arg
    for arg; do
        case $arg in -'?'|--help|--describe-config|-V|--version) return 0 ;; esac
    done
    return 1
}

if [ "$1" = postgres ] && ! wants_help "$@"; then
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$PGDATA" /var/run/postgresql
        find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
        chmod 00700 "$PGDATA"
        chown postgres:postgres /var/run/postgresql
        chmod 03775 /var/run/postgresql
        exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    mkdir -p "$PGDATA" 2>/dev/null || true
    chmod 00700 "$PGDATA" 2>/dev/null || true
    if [ -s "$PGDATA/PG_VERSION" ]; then
        log "$PGDATA already holds a database (PostgreSQL $(cat "$PGDATA/PG_VERSION")); not initialising"
    else
        init_database
    fi
fi

exec "$@"
