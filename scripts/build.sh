#!/usr/bin/env bash
# Configures and builds kvstore and its tests into build/ (override with BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DKVSTORE_BUILD_TESTS=ON -DKVSTORE_BUILD_BENCH=ON >/dev/null
cmake --build "$build_dir"
