#!/usr/bin/env bash
# Bulk loads and dumps on the embedded store: time and peak memory of
# `import`, `export` and `batch-set` at 1,000 and 1,000,000 lines of ~140
# bytes, each into a fresh store, in one run. batch-set (which reads its whole
# file first) is the baseline the streaming commands are measured against:
# their peak memory must stay within a few MB from 1k to 1M lines, and import
# must be at least as fast as batch-set.
#
# Usage: bench/bulk_memory.sh [KVSTORE_BIN]   prints Markdown (about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
kvstore=$(realpath "${1:-build/kvstore}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
for n, name in ((1000, "1k"), (1000000, "1m")):
    value = "-padding-to-about-100-bytes-" + "x" * 38
    with open("%s/%s.jsonl" % (work, name), "w") as dump, open("%s/%s.batch" % (work, name), "w") as batch:
        dump.write('{"kvstore_export":1}\n')
        for i in range(n):
            dump.write('{"table":"bench","type":"key","key":"key-%07d","value":"value-%07d%s"}\n' % (i, i, value))
            batch.write('{"key":"key-%07d","value":"value-%07d%s"}\n' % (i, i, value))
PY

# measure NAME COMMAND...: "seconds peak_kb" of one run
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  cat "$work/time"
}
echo "| lines | command | time | peak memory |"
echo "|---:|---|---:|---:|"
for n in 1k 1m; do
  "$kvstore" --store "$work/b$n.db" create-table bench >/dev/null
  read -r t m < <(measure "$kvstore" --store "$work/b$n.db" batch-set bench --file "$work/$n.batch")
  echo "| $n | batch-set (baseline) | $t s | $((m / 1024)) MB |"
  read -r t m < <(measure "$kvstore" --store "$work/i$n.db" import --file "$work/$n.jsonl")
  echo "| $n | import | $t s | $((m / 1024)) MB |"
  read -r t m < <(measure sh -c "'$kvstore' --store '$work/i$n.db' export > '$work/$n.out'")
  echo "| $n | export | $t s | $((m / 1024)) MB |"
done
