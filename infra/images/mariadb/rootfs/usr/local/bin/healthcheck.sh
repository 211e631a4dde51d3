#!/bin/sh
# A small stand-in for the official image's healthcheck.sh, for compose files:
#   healthcheck: { test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"] }
# Every test here is the same one: the server answers on TCP (port 3306 unless
# MARIADB_PORT/--port says otherwise). The set-up server of the first start
# listens on no port, so this fails until the database is really ready.
port=${MARIADB_PORT:-3306}
for arg; do
    case $arg in
        --port=*) port=${arg#--port=} ;;
        --connect|--innodb_initialized|--innodb_buffer_pool_loaded|--innodb|--galera_online|--su-mysql|--su=*|--no-connect|--mariadbupgrade|--replication*|--datadir=*|--defaults-*|--*) ;;
    esac
done
exec mariadb-admin --no-defaults --protocol=tcp --host=127.0.0.1 --port="$port" --connect-timeout=2 ping >/dev/null 2>&1
