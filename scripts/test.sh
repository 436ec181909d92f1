#!/usr/bin/env bash
# The README's second command: install what the tests need, build, start
# DynamoDB Local, run the whole test suite (CTest) against both stores, stop
# DynamoDB Local.
# A run that finds no tests, or cannot start DynamoDB Local, fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
build_dir=${BUILD_DIR:-build}

read -r endpoint pidfile < <(KVSTORE_BIN="$build_dir/kvstore" scripts/dynamodb-local.sh start) || {
  echo "test: DynamoDB Local could not be started; the DynamoDB tests cannot run" >&2
  exit 1
}
trap 'scripts/dynamodb-local.sh stop "$pidfile"' EXIT
echo "test: DynamoDB Local at $endpoint"
export KVSTORE_TEST_DYNAMODB=$endpoint
# CTEST_ARGS narrows the run (scripts/test-sanitized.sh uses it).
# shellcheck disable=SC2086
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$(nproc)" --timeout 300 ${CTEST_ARGS:-}
