#!/usr/bin/env bash
# Times the one-shot `bin/mqpool map --workers 3 cube 1 .. 9`, every JVM start included, beside Python's one-shot
# Pool(3) script, alternating them RUNS times (default 7), and prints one JSON line with the medians and the ratio.
# MQPOOL_JAVA picks the JDK (a JDK 24+ gets an AOT cache, an older one an AppCDS archive); the archives are made
# before the first timed run. Usage: docs/bench/oneshot.sh [RUNS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=${1:-7}
python=${PYTHON:-python3}
seconds() { local start end; start=$(date +%s%N); "$@" >/dev/null 2>&1; end=$(date +%s%N); echo $(((end - start) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
"$root/bin/mqpool" map --workers 3 cube 1 2 3 >/dev/null  # builds, and makes the start-up archives
mq=() py=()
for ((k = 0; k < runs; k++)); do
  mq+=("$(seconds "$root/bin/mqpool" map --workers 3 cube 1 2 3 4 5 6 7 8 9)")
  py+=("$(seconds "$python" "$root/docs/bench/pool_oneshot.py")")
done
mq_median=$(printf '%s\n' "${mq[@]}" | median)
py_median=$(printf '%s\n' "${py[@]}" | median)
printf '{"runs":%d,"mqpoolMs":%d,"pythonMs":%d,"ratio":%s,"java":"%s","mqpoolAllMs":[%s]}\n' "$runs" "$mq_median" \
  "$py_median" "$(awk -v a="$mq_median" -v b="$py_median" 'BEGIN {printf "%.2f", a / b}')" \
  "$("${MQPOOL_JAVA:-java}" -version 2>&1 | head -1 | tr -d '"')" "$(IFS=,; echo "${mq[*]}")"
