#!/usr/bin/env bash
# One-shot `kvstore get` over https against the same get over http, side by
# side in one hyperfine run: DynamoDB Local behind stunnel (TLS 1.3, a
# certificate for localhost from a CA this script makes, given in
# AWS_CA_BUNDLE). Target: https at most 1.5x http.
#
# Usage: bench/https_startup.sh [KVSTORE_BIN]   prints Markdown
set -euo pipefail
cd "$(dirname "$0")/.."
kvstore=$(realpath "${1:-build/kvstore}")
runs=${RUNS:-100}
read -r endpoint pidfile < <(KVSTORE_BIN="$kvstore" scripts/dynamodb-local.sh start)
work=$(mktemp -d)
trap 'kill "$(cat "$work/stunnel.pid" 2>/dev/null)" 2>/dev/null || true; scripts/dynamodb-local.sh stop "$pidfile"; rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 2 \
  -subj "/CN=kvstore bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$work/server.key" -out "$work/server.csr" -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -out "$work/server.pem" -days 2 -extfile "$work/server.ext" 2>/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'foreground = no\npid = %s\n[dynamodb]\naccept = 127.0.0.1:%s\nconnect = %s\ncert = %s\nkey = %s\n' \
  "$work/stunnel.pid" "$port" "${endpoint#http://}" "$work/server.pem" "$work/server.key" > "$work/stunnel.conf"
stunnel4 "$work/stunnel.conf"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

export AWS_ACCESS_KEY_ID=kvstorebench AWS_SECRET_ACCESS_KEY=kvstorebenchsecret AWS_REGION=us-east-1
export AWS_CA_BUNDLE=$work/ca.pem KVSTORE_TABLE_PREFIX=bench-https-
http="dynamodb+$endpoint"
https="dynamodb+https://localhost:$port"
"$kvstore" --store "$http" create-table --if-not-exists kvbench >/dev/null
"$kvstore" --store "$http" set kvbench k v >/dev/null
[ "$("$kvstore" --store "$https" get kvbench k)" = v ] || { echo "https_startup: get over https failed" >&2; exit 1; }

hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/times.json" \
  -n "get over http" "$kvstore --store $http get kvbench k" \
  -n "get over https" "$kvstore --store $https get kvbench k" >/dev/null 2>&1
python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
http, https = results["get over http"], results["get over https"]
print("| one-shot `get` on DynamoDB Local | median | mean ± σ |")
print("|---|---:|---:|")
for name, r in (("over http (baseline)", http), ("over https (stunnel, TLS 1.3)", https)):
    print("| %s | %.1f ms | %.1f ± %.1f ms |" % (name, r["median"] * 1000, r["mean"] * 1000, r["stddev"] * 1000))
print()
print("https / http (median): **%.2fx** (target: at most 1.5x)" % (https["median"] / http["median"]))
PY
