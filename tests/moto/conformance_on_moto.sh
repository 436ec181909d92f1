#!/usr/bin/env bash
# The DynamoDB conformance suite on moto, a second implementation of the API:
# starts moto (scripts/moto-server.sh), runs each given test binary's DynamoDB
# cases (gtest filter */dynamodb, minus MOTO_SKIP) against it, stops moto.
#
# Usage: conformance_on_moto.sh TEST_BINARY...
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
read -r endpoint pidfile < <("$here/scripts/moto-server.sh" start)
trap '"$here/scripts/moto-server.sh" stop "$pidfile"' EXIT
export KVSTORE_TEST_DYNAMODB=$endpoint
for binary in "$@"; do
  "$binary" --gtest_brief=1 --gtest_filter="*/dynamodb:-${MOTO_SKIP:-}"
done
