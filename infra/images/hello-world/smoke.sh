#!/usr/bin/env bash
set -euo pipefail
docker run --rm hello-world | grep -q "Hello from Berth"
