#!/usr/bin/env bash
# The long run of the reliability suites whose CI runs are bounded
# (docs/reliability.md): the crash harness for SOAK_ROUNDS rounds (500), the
# concurrency checks on both stores and the DynamoDB fault cases SOAK_REPEAT
# times each (20), then every fuzz target for FUZZ_SECONDS (3600). `.ci/run
# --soak` runs it after the suite. Stops at the first suite that fails; prints
# each suite's figures as it goes.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${SOAK_ROUNDS:-500}
repeat=${SOAK_REPEAT:-20}
scripts/build.sh
kvstore=${BUILD_DIR:-build}/kvstore

step() { echo "== soak: $* ($(date -u +%H:%M:%S))"; }

step "crash harness, $rounds rounds"
python3 tests/reliability/crash_harness.py "$kvstore" --rounds "$rounds"

read -r endpoint pidfile < <(KVSTORE_BIN="$kvstore" scripts/dynamodb-local.sh start) || {
  echo "soak: DynamoDB Local could not be started" >&2
  exit 1
}
trap 'scripts/dynamodb-local.sh stop "$pidfile"' EXIT
for i in $(seq "$repeat"); do
  step "concurrency and faults, run $i of $repeat"
  python3 tests/reliability/concurrency_check.py "$kvstore"
  python3 tests/reliability/concurrency_check.py "$kvstore" "$endpoint"
  python3 tests/faults/dynamodb_faults.py "$kvstore" "$endpoint"
done

step "fuzzing, ${FUZZ_SECONDS:-3600} s per target"
FUZZ_SECONDS=${FUZZ_SECONDS:-3600} scripts/fuzz.sh
step done
