#!/usr/bin/env bash
# docs/patterns.md, "A worker pool draining a queue": a producer pushes three
# files, one urgent; a worker takes each, acks what it handled and nacks what
# failed; after --max-receives 2 deliveries a failing message goes to the
# dead-letter queue ops/imports.dlq. The worker stops when the queue stays empty.
set -euo pipefail
kv=${KVSTORE:-kvstore}
$kv create-table ops --if-not-exists >/dev/null
for file in a.csv b.csv broken.csv; do $kv queue-push ops imports "$file" >/dev/null; done
$kv queue-push ops imports urgent.csv --priority 10 >/dev/null

import() { [ "$1" != broken.csv ]; }   # stands in for ./import.sh
while out=$($kv queue-pop ops imports --wait 1 --visibility-timeout 30 --max-receives 2); do
  { read -r _id receipt count; payload=$(cat); } <<< "$out"
  if import "$payload"; then
    echo "imported $payload"
    $kv queue-ack ops imports "$receipt" >/dev/null
  else
    echo "failed $payload (attempt $count)"
    $kv queue-nack ops imports "$receipt" >/dev/null
  fi
done
echo "dead letters: $($kv queue-peek ops imports.dlq --count 10 | tail -n +1 | grep -c broken.csv)"
