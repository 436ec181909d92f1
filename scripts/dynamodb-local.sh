#!/usr/bin/env bash
# DynamoDB Local for the tests: AWS's own emulator, from the npm package
# amplify-dynamodb-simulator (pinned), cached outside the repository.
#
#   scripts/dynamodb-local.sh start   prints the endpoint (http://127.0.0.1:PORT) and the pid file
#   scripts/dynamodb-local.sh stop PIDFILE
set -euo pipefail

version=2.9.30
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kvstore/dynamodb-local-$version
kvstore=${KVSTORE_BIN:-$(dirname "$0")/../build/kvstore}

fetch() {
  [ -f "$cache/package/emulator/DynamoDBLocal.jar" ] && return
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "amplify-dynamodb-simulator@$version" > /dev/null && tar xzf "amplify-dynamodb-simulator-$version.tgz")
  [ -f "$cache/package/emulator/DynamoDBLocal.jar" ] || { echo "dynamodb-local: could not fetch DynamoDB Local" >&2; exit 1; }
}

# Below Linux's ephemeral range (32768-60999): a port there may be taken, between this check and
# the bind, by any outgoing connection of the busy test run (it happened: "Address already in use").
free_port() {
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "dynamodb-local: no free port" >&2; exit 1
}

start() {
  command -v java > /dev/null || { echo "dynamodb-local: java is missing (apt-get install default-jre-headless)" >&2; exit 1; }
  fetch
  port=$(free_port)
  pidfile=$(mktemp)
  emulator="$cache/package/emulator"
  (cd "$emulator" && exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -port "$port" \
    > "$pidfile.log" 2>&1) &
  echo $! > "$pidfile"
  for _ in $(seq 120); do
    if AWS_ACCESS_KEY_ID=probe AWS_SECRET_ACCESS_KEY=probe "$kvstore" --store "dynamodb+http://127.0.0.1:$port" list-tables > /dev/null 2>&1; then
      echo "http://127.0.0.1:$port $pidfile"
      return
    fi
    sleep 0.5
  done
  echo "dynamodb-local: DynamoDB Local did not answer on port $port; its log:" >&2
  cat "$pidfile.log" >&2
  kill "$(cat "$pidfile")" 2> /dev/null || true
  exit 1
}

stop() {
  [ -f "$1" ] && kill "$(cat "$1")" 2> /dev/null || true
  rm -f "$1" "$1.log"
}

case "${1:-}" in
  start) start ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start | stop PIDFILE" >&2; exit 2 ;;
esac
