#!/usr/bin/env bash
# docs/patterns.md, "A singleton service": two candidates campaign; the one
# elected works while its heartbeats succeed, then resigns so the other takes
# over at once instead of after the TTL.
set -euo pipefail
kv=${KVSTORE:-kvstore}
$kv create-table ops --if-not-exists >/dev/null
$kv leader-elect ops scheduler --candidate host-a --ttl 15 >/dev/null && echo "host-a leads"
$kv leader-elect ops scheduler --candidate host-b --ttl 15 >/dev/null || echo "host-b stands by"
for _ in 1 2 3; do
  $kv leader-heartbeat ops scheduler --candidate host-a --ttl 15 >/dev/null || exit 1
done
$kv leader-resign ops scheduler --candidate host-a >/dev/null
$kv leader-elect ops scheduler --candidate host-b --ttl 15 >/dev/null && echo "host-b leads"
$kv leader-resign ops scheduler --candidate host-b >/dev/null
