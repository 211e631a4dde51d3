#!/usr/bin/env bash
# The image runs and is the Debian release it claims to be.
set -euo pipefail
docker run --rm debian:trixie cat /etc/os-release | grep -q 'VERSION_CODENAME=trixie'
docker run --rm debian:13 sh -c 'apt-get --version >/dev/null && test "$(id -u)" = 0'
