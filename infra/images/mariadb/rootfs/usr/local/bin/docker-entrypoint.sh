#!/usr/bin/env bash
# Berth's mariadb entrypoint, behaving like the official image's for:
#   MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD
#   (one of them is required on the first start), MARIADB_ROOT_HOST (default %),
#   MARIADB_DATABASE, MARIADB_USER, MARIADB_PASSWORD; the same names with MYSQL_
#   (MYSQL_ALLOW_EMPTY_PASSWORD too) and the *_FILE variants (Docker secrets);
#   /docker-entrypoint-initdb.d/*.sh|.sql|.sql.gz|.sql.xz|.sql.zst on the first start;
#   root dropping to the mysql user. root@localhost may also log in without a
#   password through the socket when the OS user is root (`docker exec -it C mariadb`).
set -Eeo pipefail

log() { echo "$(date '+%F %T') 0 [Note] [Entrypoint]: $*"; }
error() { echo "$(date '+%F %T') 0 [ERROR] [Entrypoint]: $*" >&2; exit 1; }

# VAR: MARIADB_X, else MYSQL_X, else the contents of MARIADB_X_FILE / MYSQL_X_FILE
env_var() {
    local name=$1 v
    for v in "MARIADB_$name" "MYSQL_$name"; do
        if [ -n "${!v:-}" ]; then printf '%s' "${!v}"; return; fi
        v="${v}_FILE"
        if [ -n "${!v:-}" ]; then cat "${!v}"; return; fi
    done
}

sql_string() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "'%s'" "$s"; }
# shellcheck disable=SC2016 # backquotes are SQL's here
sql_name() { printf '`%s`' "${1//\`/\`\`}"; }
cnf_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# the client as root on the set-up server's socket
sql() {
    mariadb --defaults-extra-file=<(printf '[client]\npassword=%s\n' "$(cnf_string "$ROOT_PASSWORD")") \
        --protocol=socket --socket="$SOCKET" -uroot -hlocalhost --batch --skip-column-names "$@"
}

# Read what the server would use (config files + arguments).
server_setting() { # NAME ARGS...
    local name=$1; shift
    "$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>/dev/null | awk -v n="$name" '/^[^ \t]/ && $1 == n { print $2; exit }'
}

init_database() {
    local root_pw_set="" allow_empty random db user user_pw root_host f
    ROOT_PASSWORD=$(env_var ROOT_PASSWORD)
    allow_empty=$(env_var ALLOW_EMPTY_ROOT_PASSWORD)
    [ -n "$allow_empty" ] || allow_empty=$(env_var ALLOW_EMPTY_PASSWORD)
    random=$(env_var RANDOM_ROOT_PASSWORD)
    db=$(env_var DATABASE)
    user=$(env_var USER)
    user_pw=$(env_var PASSWORD)
    root_host=$(env_var ROOT_HOST)
    root_host=${root_host:-%}
    [ -n "$ROOT_PASSWORD" ] && root_pw_set=1

    if [ -z "$root_pw_set" ] && [ -z "$allow_empty" ] && [ -z "$random" ]; then
        cat >&2 <<'MSG'
Error: the database is not initialised yet and no root password option was given.
       Set one of these (the MYSQL_ spellings work too):
         MARIADB_ROOT_PASSWORD=secret             the root password
         MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1      root without a password (not for real data)
         MARIADB_RANDOM_ROOT_PASSWORD=1           a random one, printed in the log
       for example:  docker run -e MARIADB_ROOT_PASSWORD=secret mariadb
MSG
        exit 1
    fi
    if [ -n "$user" ] && [ -z "$user_pw" ]; then
        error "MARIADB_USER is set but MARIADB_PASSWORD is not"
    fi
    if [ "$user" = root ]; then
        error "MARIADB_USER=root: the root user exists already; set MARIADB_ROOT_PASSWORD instead"
    fi
    if [ -n "$random" ] && [ -z "$root_pw_set" ]; then
        ROOT_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '\n/+=')
        log "GENERATED ROOT PASSWORD: $ROOT_PASSWORD"
    fi

    log "initialising $DATADIR"
    mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve --default-time-zone=SYSTEM --skip-log-bin \
        --expire-logs-days=0 --loose-innodb_buffer_pool_load_at_startup=0 \
        --loose-innodb_buffer_pool_dump_at_shutdown=0 >/dev/null

    log "starting a set-up server (socket only)"
    "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF \
        --expire-logs-days=0 --skip-slave-start --loose-innodb_buffer_pool_load_at_startup=0 \
        --loose-innodb_buffer_pool_dump_at_shutdown=0 &
    local pid=$! i
    local saved=$ROOT_PASSWORD
    ROOT_PASSWORD=""   # root has no password yet
    for i in $(seq 1 300); do
        sql -e 'SELECT 1' >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || error "the set-up server stopped; see above"
        sleep 0.1
    done
    [ "$i" -lt 300 ] || error "the set-up server did not answer in 30 s"

    {
        echo "SET @@SESSION.SQL_LOG_BIN=0;"
        echo "SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');"
        echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
        # shellcheck disable=SC2028 # the backslashes are SQL's
        echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');"
        echo "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($(sql_string "$saved"));"
        if [ "$root_host" != localhost ]; then
            echo "CREATE USER root@$(sql_string "$root_host") IDENTIFIED BY $(sql_string "$saved");"
            echo "GRANT ALL ON *.* TO root@$(sql_string "$root_host") WITH GRANT OPTION;"
            echo "GRANT PROXY ON ''@'%' TO root@$(sql_string "$root_host") WITH GRANT OPTION;"
        fi
        if [ -n "$db" ]; then
            echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$db");"
        fi
        if [ -n "$user" ]; then
            echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$user_pw");"
            [ -z "$db" ] || echo "GRANT ALL ON $(sql_name "$db").* TO $(sql_string "$user")@'%';"
        fi
    } | sql
    ROOT_PASSWORD=$saved
    [ -z "$db" ] || log "created database $db"
    [ -z "$user" ] || log "created user $user"

    export MARIADB_ROOT_PASSWORD="$ROOT_PASSWORD" MYSQL_ROOT_PASSWORD="$ROOT_PASSWORD"
    for f in /docker-entrypoint-initdb.d/*; do
        case $f in
            *.sh)
                # shellcheck disable=SC1090 # the scripts the user mounted
                if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
            *.sql)     log "running $f"; sql ${db:+"$db"} <"$f" ;;
            *.sql.gz)  log "running $f"; gunzip -c "$f" | sql ${db:+"$db"} ;;
            *.sql.xz)  log "running $f"; xz -dc "$f" | sql ${db:+"$db"} ;;
            *.sql.zst) log "running $f"; zstd -dc "$f" | sql ${db:+"$db"} ;;
            */\*)      ;;
            *)         log "ignoring $f" ;;
        esac
    done

    mariadb-admin --defaults-extra-file=<(printf '[client]\npassword=%s\n' "$(cnf_string "$ROOT_PASSWORD")") \
        --protocol=socket --socket="$SOCKET" -uroot shutdown
    wait "$pid" || true
    log "initialisation done; starting MariaDB"
}

# options only: they are the server's
if [ "${1:0:1}" = - ]; then
    set -- mariadbd "$@"
fi

if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
    for arg; do
        case $arg in -'?'|--help|--print-defaults|-V|--version) exec "$@" ;; esac
    done
    if [ "${BERTH_STANDIN:-}" = mysql ] && [ -z "${BERTH_STANDIN_NOTED:-}" ]; then
        export BERTH_STANDIN_NOTED=1
        log "NOTE: this \"mysql\" image is MariaDB $(mariadbd --version | awk '{print $3}' | cut -d- -f1) standing in for MySQL (Berth's offline catalog has no MySQL). The mysql client, port 3306, the MYSQL_* variables and everyday SQL work the same; MySQL-only features do not."
    fi
    DATADIR=$(server_setting datadir "$@")
    DATADIR=${DATADIR%/}
    SOCKET=$(server_setting socket "$@")
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$DATADIR" /run/mysqld
        find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
        exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -d "$DATADIR/mysql" ]; then
        log "$DATADIR already holds databases; not initialising"
    else
        init_database "$@"
    fi
fi

exec "$@"
