#!/bin/sh
# As in the official registry image: a config file means `registry serve FILE`,
# a registry subcommand or option means `registry ...`, anything else runs as is.
set -e
case ${1:-} in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac
exec "$@"
