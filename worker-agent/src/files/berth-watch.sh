#!/usr/bin/env bash
# berth-watch HOME PROCNET...: the workspace's file and port watcher, run by the agent
# INSIDE the sandbox as the learner (see scripts.ts).
set -u
export LC_ALL=C.UTF-8
home=$(realpath -e -- "$1" 2>/dev/null) || exit 10
shift
procnet=("$@")
dirs=()
files=()
prev=''
now=0
scan() {
  local d f p _ local st abs=() fabs=()
  printf 'H %s\n' "$home"
  for d in "${dirs[@]}"; do abs+=("$home${d:+/$d}"); done
  if (( ${#abs[@]} )); then find "${abs[@]}" -maxdepth 1 -printf 'E %d %y %p\n' 2>/dev/null | head -n 20000; fi
  for f in "${files[@]}"; do fabs+=("$home/$f"); done
  if (( ${#fabs[@]} )); then stat -L -c 'F %s:%.9Y:%i %n' -- "${fabs[@]}" 2>/dev/null; fi
  for p in "${procnet[@]}"; do
    [[ -r $p ]] || continue
    while read -r _ local _ st _; do [[ $st == 0A ]] && printf 'P %s\n' "$local"; done < "$p"
  done
}
while :; do
  if IFS= read -r -t 0.8 line; then
    case $line in
      SET) dirs=(); files=() ;;
      'D '*) dirs+=("${line:2}") ;;
      'F '*) files+=("${line:2}") ;;
      NOW) now=1 ;;
    esac
    (( now )) || continue
    now=0
    prev=''
  elif (( $? <= 128 )); then
    exit 0
  fi
  snap=$(scan)
  if [[ $snap != "$prev" ]]; then
    prev=$snap
    printf '%s\n\036\n' "$snap"
  fi
done
