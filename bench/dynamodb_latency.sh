#!/usr/bin/env bash
# One-shot commands on DynamoDB Local: `kvstore get` / `kvstore set` against
# a Python 3 + boto3 script making the same request (what the original tool
# paid per call), with hyperfine, in one run; plus the requests and capacity
# units each kvstore command reports with --stats.
#
# Usage: bench/dynamodb_latency.sh [KVSTORE_BIN]   prints Markdown
#   Starts DynamoDB Local with scripts/dynamodb-local.sh and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
kvstore=$(realpath "${1:-build/kvstore}")
runs=${RUNS:-30}
read -r endpoint pidfile < <(KVSTORE_BIN="$kvstore" scripts/dynamodb-local.sh start)
work=$(mktemp -d)
trap 'scripts/dynamodb-local.sh stop "$pidfile"; rm -rf "$work"' EXIT
export AWS_ACCESS_KEY_ID=kvstorebench AWS_SECRET_ACCESS_KEY=kvstorebenchsecret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export KVSTORE_TABLE_PREFIX=bench-
store="dynamodb+$endpoint"
"$kvstore" --store "$store" create-table --if-not-exists kvbench >/dev/null
"$kvstore" --store "$store" set kvbench k v >/dev/null

# The same GetItem / UpdateItem through Debian's python3-boto3, a fresh
# interpreter per call; the key where kvstore's default layout keeps it
# (tests/interop/kvstore_layout.py computes it: "k#" and a hash of the key).
key=$(PYTHONPATH=tests/interop python3 -c 'import json, kvstore_layout; print(json.dumps(kvstore_layout.key("k", "k")))')
cat >"$work/boto3_get.py" <<EOF
import boto3
c = boto3.client("dynamodb", endpoint_url="$endpoint")
c.get_item(TableName="bench-kvbench", Key=$key, ConsistentRead=True)
EOF
cat >"$work/boto3_set.py" <<EOF
import boto3
c = boto3.client("dynamodb", endpoint_url="$endpoint")
c.update_item(TableName="bench-kvbench", Key=$key,
              UpdateExpression="SET #v = :v", ExpressionAttributeNames={"#v": "value"},
              ExpressionAttributeValues={":v": {"B": b"v"}})
EOF

hyperfine -N --style none --warmup 3 --runs "$runs" --export-json "$work/times.json" \
  -n "kvstore get" "$kvstore --store $store get kvbench k" \
  -n "python3 + boto3 get" "/usr/bin/python3 $work/boto3_get.py" \
  -n "kvstore set" "$kvstore --store $store set kvbench k v" \
  -n "python3 + boto3 set" "/usr/bin/python3 $work/boto3_set.py" >/dev/null 2>&1

python3 - "$work/times.json" <<'EOF'
import json, statistics, sys
m = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(sys.argv[1]))["results"]}
print("| command (DynamoDB Local) | median ms |")
print("|---|---:|")
for name, ms in m.items():
    print("| %s | %.1f |" % (name, ms))
print()
print("| ratio | value |")
print("|---|---:|")
for op in ("get", "set"):
    print("| kvstore %s / boto3 %s (target <= 1/30 = 0.033) | %.3f |" % (op, op, m["kvstore " + op] / m["python3 + boto3 " + op]))
EOF
echo
echo "| command | what --stats reports |"
echo "|---|---|"
for cmd in "get kvbench k" "set kvbench k v" "inc kvbench n" "lock-acquire kvbench l --owner me"; do
  # shellcheck disable=SC2086
  stats=$("$kvstore" --store "$store" --stats $cmd 2>&1 >/dev/null | sed -n 's/^kvstore: dynamodb: //p')
  echo "| \`$cmd\` | $stats |"
done
