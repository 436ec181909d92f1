#!/usr/bin/env bash
# docs/patterns.md, "A cron job that must not overlap": two runs of the same
# job start together; one runs it, the other exits 0 at once, so cron mails
# nothing. Uses $KVSTORE_STORE (or the default store); $KVSTORE names the binary.
set -euo pipefail
kv=${KVSTORE:-kvstore}
$kv create-table ops --if-not-exists >/dev/null
job() { $kv lock-run ops sync-reports --ttl 60 --conflict-exit-code 0 -- sh -c 'echo "sync ran (token $KVSTORE_LOCK_TOKEN)"; sleep 2'; }
job & first=$!
sleep 0.5
job || exit 1   # the lock is held: exits 0 without running
echo "second run skipped"
wait $first
