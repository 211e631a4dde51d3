#!/bin/bash
# Broken on purpose: PostgreSQL started without a superuser password exits at once.
# Safe to run again: an existing db (broken or repaired) is left as it is.
if ! container_exists db; then
  docker run -d --name db postgres:17 >/dev/null
  # It stops within a second; wait for that, so the step opens on the broken state.
  timeout 20 docker wait db >/dev/null
fi
exit 0
