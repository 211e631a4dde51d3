#!/usr/bin/env bash
# The image runs and is the Debian release it claims to be.
set -euo pipefail
docker run --rm debian:bookworm cat /etc/os-release | grep -q 'VERSION_CODENAME=bookworm'
docker run --rm debian:12 sh -c 'apt-get --version >/dev/null && test "$(id -u)" = 0'
