#!/usr/bin/env bash
# Measures what each kvstore command costs on DynamoDB: requests and the
# capacity units DynamoDB itself reports (ReturnConsumedCapacity), read from
# `kvstore -v`. Runs against DynamoDB Local (started here) unless
# KVSTORE_COST_STORE names another store. Prints a Markdown table.
#
#   bench/dynamodb_cost.sh > /tmp/cost-table.md
set -euo pipefail
cd "$(dirname "$0")/.."
kv=${KVSTORE_BIN:-build/kvstore}
if [ -z "${KVSTORE_COST_STORE:-}" ]; then
  read -r endpoint pidfile < <(KVSTORE_BIN="$kv" scripts/dynamodb-local.sh start)
  trap 'scripts/dynamodb-local.sh stop "$pidfile"' EXIT
  KVSTORE_COST_STORE="dynamodb+$endpoint"
  export AWS_ACCESS_KEY_ID=kvstorecost AWS_SECRET_ACCESS_KEY=kvstorecost AWS_REGION=us-east-1
fi
export KVSTORE_TABLE_PREFIX="cost$RANDOM-"
t=costs

# Runs one command with -v and prints a table row from its report.
row() {
  local label=$1; shift
  local report
  report=$("$kv" -v --store "$KVSTORE_COST_STORE" "$@" 2>&1 >/dev/null | grep 'dynamodb:' || true)
  # "kvstore: dynamodb: N requests, R retries, X read units, Y write units"
  echo "$report" | sed -E "s#.*: ([0-9]+) requests, [0-9]+ retries, ([0-9.]+) read units, ([0-9.]+) write units#| \`$label\` | \1 | \2 | \3 |#"
}

"$kv" --store "$KVSTORE_COST_STORE" create-table "$t" > /dev/null
echo "| command | requests | read units | write units |"
echo "|---|---|---|---|"
row "set t k (100 B)" set "$t" k "$(head -c 100 /dev/zero | tr '\0' x)"
row "set t big (3 KB)" set "$t" big "$(head -c 3000 /dev/zero | tr '\0' x)"
row "get t k" get "$t" k
row "get t big (3 KB)" get "$t" big
XDG_CACHE_HOME=$(mktemp -d) row "get t k (a machine's first command on the table)" get "$t" k
row "exists t k" exists "$t" k
row "delete t k" delete "$t" k
row "inc t n" inc "$t" n
row "dec t n" dec "$t" n
row "get-counter t n" get-counter "$t" n
row "inc t w --ttl 60 (a new counter)" inc "$t" w --ttl 60
row "counter-shard t s --shards 16" counter-shard "$t" s --shards 16
row "inc t s (16 shards)" inc "$t" s
row "inc t s --no-value (16 shards)" inc "$t" s --no-value
row "get-counter t s (16 shards)" get-counter "$t" s
row "ttl t n" ttl "$t" n
row "expire t n 60" expire "$t" n 60
row "persist t n" persist "$t" n
row "getset t n v2" getset "$t" n v2
row "list t --limit 100 (100 keys)" list "$t" --limit 100
row "list t --prefix none (nothing listed)" list "$t" --prefix none
row "lock-acquire" lock-acquire "$t" l --owner a
row "lock-extend" lock-extend "$t" l --owner a
row "lock-check" lock-check "$t" l
row "lock-release" lock-release "$t" l --owner a
row "lock-run (a command shorter than the TTL)" lock-run "$t" l -- true
row "sem-acquire (a free slot)" sem-acquire "$t" pool --limit 3 --owner a
row "sem-extend" sem-extend "$t" pool --owner a
row "sem-check" sem-check "$t" pool
row "sem-release" sem-release "$t" pool --owner a
row "sem-run (a command shorter than the TTL)" sem-run "$t" pool --limit 3 -- true
"$kv" --store "$KVSTORE_COST_STORE" lock-acquire "$t" fence --owner a > /dev/null
row "set --if-lock (a fenced write)" set "$t" k v --if-lock fence:1
"$kv" --store "$KVSTORE_COST_STORE" inc "$t" fenced > /dev/null
row "inc --if-lock (an existing counter)" inc "$t" fenced --if-lock fence:1
row "queue-push --if-lock" queue-push "$t" fq job --if-lock fence:1
row "set --if-lock (refused: stale token)" set "$t" k v --if-lock fence:9
row "rate-limit (a full bucket: two writes)" rate-limit "$t" api --rate 10/s
row "rate-limit (a bucket in use)" rate-limit "$t" api --rate 10/s
for i in $(seq 8); do "$kv" --store "$KVSTORE_COST_STORE" rate-limit "$t" api --rate 10/s > /dev/null || true; done
row "rate-limit (refused)" rate-limit "$t" api --rate 10/s
row "wait (the key exists)" wait "$t" k
row "watch --timeout 3 (idle, --interval 1)" watch "$t" k --timeout 3
row "leader-elect" leader-elect "$t" g --candidate a
row "leader-heartbeat" leader-heartbeat "$t" g --candidate a
row "leader-check" leader-check "$t" g
row "leader-resign" leader-resign "$t" g --candidate a
row "queue-pop (an empty queue: every shard)" queue-pop "$t" q
row "queue-push" queue-push "$t" q job
# A queue in use: messages in every shard, so a pop finds one where it starts.
for i in $(seq 40); do "$kv" --store "$KVSTORE_COST_STORE" queue-push "$t" q job > /dev/null; done
receipt=$("$kv" --store "$KVSTORE_COST_STORE" queue-pop "$t" q | head -n 1 | cut -d' ' -f2)
row "queue-pop (a queue in use)" queue-pop "$t" q
row "queue-ack" queue-ack "$t" q "$receipt"
row "queue-push builds.fifo (strict FIFO)" queue-push "$t" builds.fifo job
row "queue-pop builds.fifo" queue-pop "$t" builds.fifo
"$kv" --store "$KVSTORE_COST_STORE" queue-push "$t" q job > /dev/null
receipt=$("$kv" --store "$KVSTORE_COST_STORE" queue-pop "$t" q | head -n 1 | cut -d' ' -f2)
row "queue-nack" queue-nack "$t" q "$receipt"
row "queue-size (40 messages)" queue-size "$t" q
row "queue-peek --count 10" queue-peek "$t" q --count 10
row "sadd (2 new members)" sadd "$t" s a b
row "srem (1 member)" srem "$t" s a
row "sadd (1 new, 1 present)" sadd "$t" s b c
row "sadd --ttl 60 (a new set, 1 member)" sadd "$t" s2 a --ttl 60
row "expire --type set (1 member)" expire "$t" s2 120 --type set
row "sismember" sismember "$t" s b
row "scard" scard "$t" s
row "smembers (1 member)" smembers "$t" s
row "rpush (2 values)" rpush "$t" L x y
row "lpush (2 values)" lpush "$t" L v w
row "lpop" lpop "$t" L
row "rpop" rpop "$t" L
row "lrange 0 -1" lrange "$t" L 0 -1
row "llen" llen "$t" L
row "transaction (examples/deploy-transaction.json)" transaction "$t" --file examples/deploy-transaction.json
row "batch-get (3 keys)" batch-get "$t" a b c
printf '{"key":"b%d","value":"v"}\n' $(seq 25) > /tmp/kvstore-cost-batch.jsonl
row "batch-set (25 entries)" batch-set "$t" --file /tmp/kvstore-cost-batch.jsonl
row "query --type kv" query "$t" --type kv
printf '{"key":"tmp%d","value":"v"}\n' $(seq 25) | "$kv" --store "$KVSTORE_COST_STORE" batch-set "$t" --file - > /dev/null
row "delete --prefix tmp (25 keys)" delete "$t" --prefix tmp
row "info costs (1 table)" info "$t"
row "backup, checkpoint, vacuum, check (embedded store only: exit 2, nothing sent)" backup /tmp/kvstore-cost-backup.db
row "export costs (the table so far: 27 records)" export "$t"
"$kv" --store "$KVSTORE_COST_STORE" export "$t" | sed "s/\"table\":\"$t\"/\"table\":\"${t}3\"/" > /tmp/kvstore-cost-export.jsonl
row "import of that export (a new table)" import --file /tmp/kvstore-cost-export.jsonl
"$kv" --store "$KVSTORE_COST_STORE" drop-table "${t}3" > /dev/null
row "list-tables (1 table)" list-tables
row "create-table" create-table "${t}2"
row "drop-table" drop-table "${t}2"
"$kv" --store "$KVSTORE_COST_STORE" drop-table "$t" > /dev/null
