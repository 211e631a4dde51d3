#!/usr/bin/env bash
# What the course relies on: a compose file with wordpress and mariadb
# (WORDPRESS_DB_* / MARIADB_* variables, named volumes, depends_on without a
# health check) answers `curl -sL` with the WordPress install page, because the
# wordpress entrypoint waits for the database; the installation then completes
# and the site shows its title; `docker compose down -v` cleans up.
# Needs `docker compose` (v2): a sandbox has it; on the host build-images.sh
# provides it. Runs on the host engine and inside a learner's sandbox.
set -euo pipefail
id=berth-smoke-wordpress-$$
work=$(mktemp -d)
cleanup() {
    (cd "$work" && docker compose -p "$id" down -v --timeout 5 >/dev/null 2>&1) || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "wordpress smoke: $*" >&2; (cd "$work" && docker compose -p "$id" logs --tail 20 >&2) || true; exit 1; }
docker compose version >/dev/null 2>&1 || fail "docker compose (v2) is missing"

grep -q "wp_version = '6\.8\." <<<"$(docker run --rm wordpress:6.8 cat /usr/src/wordpress/wp-includes/version.php)" ||
    fail "wordpress:6.8 is not WordPress 6.8"

cat >"$work/compose.yaml" <<'YAML'
services:
  db:
    image: mariadb
    environment:
      MARIADB_ROOT_PASSWORD: rootpw
      MARIADB_DATABASE: wordpress
      MARIADB_USER: wpuser
      MARIADB_PASSWORD: wppw
    volumes:
      - db_data:/var/lib/mysql
  wordpress:
    image: wordpress
    depends_on:
      - db
    ports:
      - "127.0.0.1::80"
    environment:
      WORDPRESS_DB_HOST: db
      WORDPRESS_DB_USER: wpuser
      WORDPRESS_DB_PASSWORD: wppw
      WORDPRESS_DB_NAME: wordpress
    volumes:
      - wp_data:/var/www/html
volumes:
  db_data:
  wp_data:
YAML
cd "$work"
docker compose -p "$id" up -d --quiet-pull >/dev/null 2>&1 || docker compose -p "$id" up -d || fail "compose up failed"
url="http://$(docker compose -p "$id" port wordpress 80)"
page=""
for _ in $(seq 1 240); do
    page=$(curl -sL --max-time 5 "$url/" 2>/dev/null) && [ -n "$page" ] && break
    sleep 0.25
done
grep -q '<title>WordPress &rsaquo; Installation</title>' <<<"$page" || fail "no install page at $url: $(head -c 300 <<<"$page")"
[ "$(curl -s -o /dev/null -w '%{redirect_url}' "$url/")" = "$url/wp-admin/install.php" ] ||
    fail "/ does not redirect to wp-admin/install.php"
grep -q 'waiting for the database\|the database answers\|wordpress-entrypoint' <<<"$(docker compose -p "$id" logs wordpress 2>&1)" ||
    fail "no entrypoint lines in the logs"

# finish the installation like the form does, then the site has its title
curl -fsS -o /dev/null "$url/wp-admin/install.php?step=2" \
    --data-urlencode 'weblog_title=Berth Smoke Blog' --data-urlencode 'user_name=admin' \
    --data-urlencode 'admin_password=Smoke-Test-Pass-1' --data-urlencode 'admin_password2=Smoke-Test-Pass-1' \
    --data-urlencode 'pw_weak=1' --data-urlencode 'admin_email=admin@example.com' || fail "the installation step failed"
grep -q '<title>Berth Smoke Blog</title>' <<<"$(curl -fsSL "$url/")" || fail "the installed site does not show its title"
