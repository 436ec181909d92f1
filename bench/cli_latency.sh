#!/usr/bin/env bash
# One-shot command latency and peak memory: kvstore against the sqlite3 CLI
# doing the same SQL on kvstore's own WAL file, and against redis-cli talking
# to a local redis-server. hyperfine measures each command; the whole set is
# run ROUNDS times in alternating order (interleaved), and the report takes
# the median of every run. Peak memory comes from GNU time (max RSS).
#
# Usage: bench/cli_latency.sh [KVSTORE_BIN] > report.md
#   ROUNDS (default 5) and RUNS per round (default 60) set the effort.
set -euo pipefail
kvstore=$(realpath "${1:-build/kvstore}")
rounds=${ROUNDS:-5}
runs=${RUNS:-60}
for tool in hyperfine sqlite3 redis-server redis-cli /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "cli_latency: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d)
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --dir "$work" --logfile "$work/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

db=$work/store.db
ks() { "$kvstore" --store "$db" "$@"; }
ks create-table bench >/dev/null
ks set bench k v >/dev/null
ks inc bench n >/dev/null
redis-cli -p "$redis_port" set k v >/dev/null

# The sqlite3 CLI does the same work kvstore's statement does, on the same
# file, with the same synchronous setting (NORMAL, kvstore's default), in a
# table of the same shape without the item checksum: the sqlite3 CLI cannot
# compute kvstore's kv_sum() (what checksums cost is measured on its own,
# docs/benchmarks.md, issue 16).
blob() { printf "CAST('%s' AS BLOB)" "$1"; }
sqlite3 "$db" "CREATE TABLE raw_items (tbl TEXT NOT NULL, pk BLOB NOT NULL, sk BLOB NOT NULL, kind BLOB, value BLOB,
  num INTEGER, owner BLOB, deadline INTEGER, cnt INTEGER, expires_at INTEGER, version INTEGER NOT NULL,
  PRIMARY KEY (tbl, pk, sk)) WITHOUT ROWID;
  INSERT INTO raw_items(tbl,pk,sk,kind,value,version) VALUES('bench',$(blob k),$(blob k),$(blob kv),$(blob v),1);"
sql_get="SELECT value FROM raw_items WHERE tbl='bench' AND pk=$(blob k) AND sk=$(blob k);"
sql_set="PRAGMA synchronous=NORMAL; INSERT INTO raw_items(tbl,pk,sk,kind,value,version) VALUES('bench',$(blob k),$(blob k),$(blob kv),$(blob v),1) ON CONFLICT(tbl,pk,sk) DO UPDATE SET value=excluded.value, version=version+1;"
sql_inc="PRAGMA synchronous=NORMAL; INSERT INTO raw_items(tbl,pk,sk,kind,num,version) VALUES('bench',$(blob k),$(blob n),$(blob counter),1,1) ON CONFLICT(tbl,pk,sk) DO UPDATE SET num=num+1, version=version+1 RETURNING num;"

# name | command (run without a shell by hyperfine -N)
commands=(
  "kvstore get|$kvstore --store $db get bench k"
  "sqlite3 get|sqlite3 $db \"$sql_get\""
  "redis-cli get|redis-cli -p $redis_port get k"
  "kvstore set|$kvstore --store $db set bench k v"
  "sqlite3 set|sqlite3 $db \"$sql_set\""
  "redis-cli set|redis-cli -p $redis_port set k v"
  "kvstore inc|$kvstore --store $db inc bench n"
  "sqlite3 inc|sqlite3 $db \"$sql_inc\""
  "redis-cli incr|redis-cli -p $redis_port incr n"
  "kvstore lock-acquire|$kvstore --store $db lock-acquire bench l --owner me"
  "kvstore lock-release|$kvstore --store $db lock-release bench l --owner me"
  "kvstore queue-push|$kvstore --store $db queue-push bench q payload"
  "redis-cli lpush|redis-cli -p $redis_port lpush q payload"
)

for round in $(seq "$rounds"); do
  args=()
  order=$(seq 0 $((${#commands[@]} - 1)))
  ((round % 2 == 0)) && order=$(echo "$order" | tac)
  for i in $order; do
    args+=(-n "${commands[$i]%%|*}" "${commands[$i]#*|}")
  done
  # lock-release fails (exit 1) when run twice in a row: ignore exit codes.
  hyperfine -N -i --style none --warmup 5 --runs "$runs" --export-json "$work/round$round.json" "${args[@]}" \
    >/dev/null 2>&1
done

# Peak memory (max RSS, KiB) of one run of each.
for entry in "${commands[@]}"; do
  name=${entry%%|*}
  eval "set -- ${entry#*|}"
  rss=$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1)
  echo "$name|$rss"
done >"$work/memory.txt"

python3 - "$work" "$rounds" <<'EOF'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
times = {}
for r in range(1, rounds + 1):
    for result in json.load(open("%s/round%d.json" % (work, r)))["results"]:
        times.setdefault(result["command"], []).extend(result["times"])
memory = dict(line.strip().split("|") for line in open(work + "/memory.txt") if "|" in line)
median = {name: statistics.median(t) * 1000 for name, t in times.items()}
print("| command | median ms | peak RSS KiB |")
print("|---|---:|---:|")
for name in median:
    print("| %s | %.2f | %s |" % (name, median[name], memory.get(name, "?")))
print()
def ratio(a, b, what):
    print("| %s | %.2f |" % (what, median[a] / median[b]))
print("| ratio | value |")
print("|---|---:|")
ratio("kvstore get", "sqlite3 get", "kvstore get / sqlite3 get (target <= 0.75)")
ratio("kvstore get", "redis-cli get", "kvstore get / redis-cli get (target <= 0.35)")
ratio("kvstore set", "sqlite3 set", "kvstore set / sqlite3 set (target <= 0.8)")
ratio("kvstore inc", "sqlite3 inc", "kvstore inc / sqlite3 inc")
ratio("kvstore inc", "redis-cli incr", "kvstore inc / redis-cli incr")
ratio("kvstore queue-push", "redis-cli lpush", "kvstore queue-push / redis-cli lpush")
mem = lambda n: float(memory[n])
print("| peak RSS kvstore get / sqlite3 get (target <= 1.5) | %.2f |" % (mem("kvstore get") / mem("sqlite3 get")))
print("| peak RSS kvstore set / sqlite3 set (target <= 1.5) | %.2f |" % (mem("kvstore set") / mem("sqlite3 set")))
EOF
