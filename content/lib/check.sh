# Berth's check library. Every check, setup and solution script runs after this
# file, as the learner, inside the learner's sandbox, with BERTH_LANG set to "en"
# or "ko". A check exits 0 when the step is done; otherwise it says (with `fail`)
# what is still missing, in both languages: the learner sees their own.

# say "English" "한국어": print the message in the learner's language.
say() {
  if [ "${BERTH_LANG:-en}" = ko ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi
}

# fail "English" "한국어": say what is still missing and end the check (not done).
fail() {
  say "$1" "$2"
  exit 1
}

# ran REGEX: the learner ran a command matching REGEX (extended regex) in a terminal.
# For commands that leave no other trace (docker version, uname -r).
ran() {
  grep -Eq -- "$1" "$HOME/.bash_history" 2>/dev/null
}

# container_exists NAME / container_running NAME
container_exists() {
  docker container inspect "$1" >/dev/null 2>&1
}
container_running() {
  [ "$(docker container inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]
}

# image_exists REF
image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# volume_exists NAME / network_exists NAME
volume_exists() {
  docker volume inspect "$1" >/dev/null 2>&1
}
network_exists() {
  docker network inspect "$1" >/dev/null 2>&1
}

# containers_from IMAGE: how many containers (running or not) were made from IMAGE.
containers_from() {
  docker ps -aq --filter "ancestor=$1" 2>/dev/null | wc -l
}

# http_body URL: the body of a GET (empty when nothing answers within 5 s).
http_body() {
  curl -fsS --max-time 5 "$1" 2>/dev/null
}

# http_status URL: the HTTP status code (000 when nothing answers).
http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
}

# wait_for SECONDS COMMAND...: retry COMMAND once a second until it succeeds.
wait_for() {
  local left=$1
  shift
  until "$@"; do
    left=$((left - 1))
    [ "$left" -gt 0 ] || return 1
    sleep 1
  done
}
