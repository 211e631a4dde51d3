#!/bin/bash
f="$HOME/blog/compose.yaml"
[ -f "$f" ] || fail "Create the file blog/compose.yaml first (click Create this file)." \
  "먼저 blog/compose.yaml 파일을 만드세요(이 파일 만들기를 누르세요)."
services=$(cd "$HOME/blog" && docker compose config --services 2>/dev/null | sort | tr '\n' ' ')
[ -n "$services" ] || fail "Compose cannot read blog/compose.yaml: run docker compose config in ~/blog and fix what it reports." \
  "Compose가 blog/compose.yaml 을 읽지 못합니다. ~/blog 에서 docker compose config 를 실행해 보고 알려 주는 곳을 고치세요."
[ "$services" = "db wordpress " ] || fail "The file should define the services db and wordpress (it has: $services). Create the file again from the step." \
  "파일에는 db 와 wordpress 서비스가 있어야 합니다(지금: $services). 이 단계의 파일을 다시 만드세요."
ran '^docker(-| )compose( -f [^ ]+)? config' || fail "The file is valid. Now let Compose read it back: cd ~/blog, then docker compose config." \
  "파일은 올바릅니다. 이제 Compose가 파일을 다시 읽게 해 보세요: cd ~/blog 후 docker compose config"
