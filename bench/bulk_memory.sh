#!/usr/bin/env bash
# Bulk loads and dumps on the embedded store: time and peak memory of
# `batch-set`, `import` and `export` at 1,000 and 1,000,000 lines of ~140
# bytes, each into a fresh store, in one run. All three stream, so the 1,000
# line run is the memory baseline: at a million lines each must stay within a
# few MB of it. The time baseline is a million rows put with the sqlite3
# shell in one transaction (what the file format allows at best); before
# issue 16, batch-set took 7.4 s and 292 MB for a million lines.
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
# The sqlite3 shell: a table like kvstore's, a million rows in one transaction.
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
with open("%s/1m.sql" % work, "w") as out:
    out.write("CREATE TABLE items (tbl TEXT, pk BLOB, sk BLOB, kind BLOB, value BLOB, PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID;\n")
    out.write("PRAGMA journal_mode=WAL;\nBEGIN;\n")
    value = "-padding-to-about-100-bytes-" + "x" * 38
    for i in range(1000000):
        out.write("INSERT INTO items VALUES('bench','k','key-%07d','kv','value-%07d%s');\n" % (i, i, value))
    out.write("COMMIT;\n")
PY
echo "| lines | command | time | peak memory |"
echo "|---:|---|---:|---:|"
for n in 1k 1m; do
  "$kvstore" --store "$work/b$n.db" create-table bench >/dev/null
  read -r t m < <(measure "$kvstore" --store "$work/b$n.db" batch-set bench --file "$work/$n.batch")
  echo "| $n | batch-set | $t s | $((m / 1024)) MB |"
  read -r t m < <(measure "$kvstore" --store "$work/i$n.db" import --file "$work/$n.jsonl")
  echo "| $n | import | $t s | $((m / 1024)) MB |"
  read -r t m < <(measure sh -c "'$kvstore' --store '$work/i$n.db' export > '$work/$n.out'")
  echo "| $n | export | $t s | $((m / 1024)) MB |"
done
read -r t m < <(measure sh -c "sqlite3 '$work/raw.db' < '$work/1m.sql'")
echo "| 1m | sqlite3 shell, one transaction (baseline) | $t s | $((m / 1024)) MB |"
