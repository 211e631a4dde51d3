#!/usr/bin/env bash
# berth-fs HOME OP ARGS...: the workspace's file operations, run by the agent INSIDE
# the sandbox as the learner (see scripts.ts). Paths are relative to HOME.
set -u
export LC_ALL=C.UTF-8
home=$(realpath -e -- "$1" 2>/dev/null) || { echo "no home folder" >&2; exit 10; }
op=$2
shift 2

fail() { printf '%s\n' "$2" >&2; exit "$1"; }
version() { stat -c '%s:%.9Y:%i' -- "$1"; }

# The real path of a home-relative path ('' is the home); refuses what leads outside it.
real() {
  local abs=$home r
  [[ -n $1 ]] && abs=$home/$1
  r=$(realpath -m -- "$abs" 2>/dev/null) || fail 1 "cannot resolve ~/$1"
  case $r in
    "$home" | "$home"/*) printf '%s' "$r" ;;
    *) fail 11 "~/$1 leads outside the home folder" ;;
  esac
}

case $op in
list) # REL MAX: records "type/target-type/size/mtime/mode NUL name NUL link-target NUL"
  d=$(real "$1") || exit
  [[ -e $d ]] || fail 10 "~/$1: no such folder"
  [[ -d $d ]] || fail 12 "~/$1: not a folder"
  [[ -r $d && -x $d ]] || fail 18 "~/$1: permission denied"
  find "$d" -mindepth 1 -maxdepth 1 -printf '%y/%Y/%s/%T@/%m\0%f\0%l\0' 2>/dev/null | head -z -n $(( 3 * ($2 + 1) ))
  ;;
stat) # REL
  f=$(real "$1") || exit
  [[ -e $f ]] || fail 10 "~/$1: no such file or folder"
  printf '%s|%s\n' "$(stat -c '%F' -- "$f")" "$(version "$f")"
  ;;
read) # REL MAX: the bytes on stdout, the version before and after on stderr
  f=$(real "$1") || exit
  [[ -e $f ]] || fail 10 "~/$1: no such file"
  [[ -d $f ]] && fail 13 "~/$1: is a folder"
  [[ -f $f ]] || fail 17 "~/$1: not a regular file"
  [[ -r $f ]] || fail 18 "~/$1: permission denied"
  before=$(version "$f") || fail 10 "~/$1: no such file"
  if (( ${before%%:*} > $2 )); then printf 'version %s\n' "$before" >&2; exit 15; fi
  printf 'before %s\n' "$before" >&2
  head -c $(( $2 + 1 )) -- "$f" || fail 18 "~/$1: cannot read"
  printf 'after %s\n' "$(version "$f")" >&2
  ;;
write) # REL IFMATCH(any|none|VERSION) EXECUTABLE(0|1); the content on stdin
  f=$(real "$1") || exit
  [[ -d $f ]] && fail 13 "~/$1: is a folder"
  [[ -e $f && ! -f $f ]] && fail 17 "~/$1: not a regular file"
  case $2 in
    any) ;;
    none) if [[ -e $f ]]; then printf 'current %s\n' "$(version "$f")" >&2; exit 16; fi ;;
    *)
      [[ -e $f ]] || exit 14
      current=$(version "$f")
      if [[ $current != "$2" ]]; then printf 'current %s\n' "$current" >&2; exit 14; fi
      ;;
  esac
  # Take the whole content first: a cut connection never leaves half a file behind.
  tmp=$(mktemp) || fail 20 "no room for a temporary copy in /tmp"
  trap 'rm -f -- "$tmp"' EXIT
  cat > "$tmp" || fail 20 "no room for a temporary copy in /tmp"
  parent=${f%/*}
  mkdir -p -- "$parent" 2>/dev/null || fail 18 "cannot create the folder of ~/$1"
  new=$(stat -c '%s' -- "$tmp")
  old=0
  [[ -e $f ]] && old=$(stat -c '%s' -- "$f")
  free=$(( $(stat -f -c '%a * %S' -- "$parent") ))
  (( new - old + 65536 > free )) && fail 20 "no space left for ~/$1"
  # In place (same inode): a container that bind-mounts this very file sees the change.
  cat -- "$tmp" > "$f" 2>/dev/null || { [[ -w $f ]] || fail 18 "~/$1: permission denied"; fail 20 "could not write ~/$1"; }
  if [[ $3 == 1 ]]; then chmod +x -- "$f"; fi
  version "$f"
  ;;
remove) # PARENT NAME RECURSIVE(0|1): the link itself, never what it points to
  d=$(real "$1") || exit
  p=$d/$2
  [[ -e $p || -L $p ]] || fail 10 "no such file or folder"
  if [[ -d $p && ! -L $p ]]; then
    if [[ $3 == 1 ]]; then
      rm -rf --one-file-system -- "$p" 2>/dev/null || fail 18 "some files could not be deleted (they belong to a container's user)"
    else
      rmdir -- "$p" 2>/dev/null || fail 19 "the folder is not empty"
    fi
  else
    rm -f -- "$p" 2>/dev/null || fail 18 "permission denied"
  fi
  ;;
rename) # FROM-PARENT FROM-NAME TO-PARENT TO-NAME
  a=$(real "$1") || exit
  b=$(real "$3") || exit
  from=$a/$2
  to=$b/$4
  [[ -e $from || -L $from ]] || fail 10 "no such file or folder"
  [[ -e $to || -L $to ]] && fail 16 "something with that name exists already"
  mkdir -p -- "$b" 2>/dev/null || fail 18 "cannot create the target folder"
  mv -T -- "$from" "$to" 2>/dev/null || fail 18 "could not rename (permission, or a folder into itself)"
  printf '%s|%s\n' "$(stat -c '%F' -- "$to")" "$(version "$to")"
  ;;
mkdir) # REL
  d=$(real "$1") || exit
  [[ -e $d || -L $d ]] && fail 16 "something with that name exists already"
  mkdir -p -- "$d" 2>/dev/null || fail 18 "permission denied"
  printf '%s|%s\n' "$(stat -c '%F' -- "$d")" "$(version "$d")"
  ;;
*) fail 1 "unknown operation $op" ;;
esac
