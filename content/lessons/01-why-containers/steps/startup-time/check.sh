#!/bin/bash
n=$(grep -Ec '^time docker run .*debian true' "$HOME/.bash_history" 2>/dev/null || true)
[ "${n:-0}" -ge 1 ] || fail "Time a container: run time docker run --rm debian true." \
  "컨테이너 시간을 재 보세요. time docker run --rm debian true 를 실행하세요."
[ "$n" -ge 2 ] || fail "Good. Run it once more and compare the two real times." \
  "좋습니다. 한 번 더 실행해서 두 real 시간을 비교해 보세요."
