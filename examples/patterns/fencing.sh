#!/usr/bin/env bash
# docs/patterns.md, "Fencing tokens": a holder whose lease ran out while it
# was paused publishes with its old token, and the resource (a key holding
# the highest token seen, updated by a conditional write) refuses it.
set -euo pipefail
kv=${KVSTORE:-kvstore}
$kv create-table ops --if-not-exists >/dev/null
$kv delete ops report.fence >/dev/null 2>&1 || true

publish() {  # publish OWNER TOKEN: write only if TOKEN is above every token seen
  local owner=$1 token=$2 last cond
  if last=$($kv get ops report.fence 2>/dev/null); then cond=(--if-value "$last"); else last=0; cond=(--if-not-exists); fi
  if [ "$token" -gt "$last" ] && $kv set ops report.fence "$token" "${cond[@]}" >/dev/null; then
    echo "$owner published with token $token"
  else
    echo "$owner refused: token $token, resource has seen $last"
  fi
}

token_a=$($kv lock-acquire ops report --owner a --ttl 0.2)
sleep 0.5   # a pauses past its lease
token_b=$($kv lock-acquire ops report --owner b --ttl 30)
publish b "$token_b"
publish a "$token_a"
$kv lock-release ops report --owner b >/dev/null
