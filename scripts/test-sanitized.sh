#!/usr/bin/env bash
# The whole test suite, both stores, under AddressSanitizer and
# UndefinedBehaviorSanitizer (build-asan/); then the threaded parts under
# ThreadSanitizer (build-tsan/): the HTTP transports (storage_test), the
# library's LeaseKeeper (primitives_test) and lock-run's lease renewals,
# driven by the reliability checks. Any report fails the test.
set -euo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:exitcode=99:second_deadlock_stack=1
# Every kvstore process starts several times slower under the sanitizers:
# the many-process tests run a tenth of their rounds (tests/testing/run.h);
# the plain run before this one runs them whole.
export KVSTORE_TEST_SCALE=0.1
no_bench="-DKVSTORE_BUILD_BENCH=OFF"

BUILD_DIR=build-asan KVSTORE_CMAKE_ARGS="-DKVSTORE_SANITIZE=address,undefined $no_bench" scripts/test.sh

BUILD_DIR=build-tsan KVSTORE_CMAKE_ARGS="-DKVSTORE_SANITIZE=thread $no_bench" \
  BUILD_TARGETS="kvstore_cli storage_test primitives_test" CTEST_ARGS="-R HttpClient|LeaseKeeper|Reliability" \
  scripts/test.sh
