#!/usr/bin/env bash
# The README's second command: build, then run the whole test suite.
# A run that finds no tests fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$(nproc)" --timeout 300
