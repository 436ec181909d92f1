#!/usr/bin/env bash
# Configures and builds kvstore and its tests into build/ (override with BUILD_DIR;
# BUILD_TESTS=OFF builds kvstore only, with no test dependency;
# KVSTORE_CMAKE_ARGS adds or overrides CMake settings, e.g. a sanitizer;
# BUILD_TARGETS builds only those targets).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# SQLite's source, fetched once into the cache; if npm cannot be reached,
# Debian's library (said on stderr). A source that is not the pinned one
# (exit 2) stops the build.
status=0
sqlite_source=$(scripts/fetch-sqlite.sh) || status=$?
if [ "$status" -eq 2 ]; then
  exit 2
elif [ "$status" -ne 0 ]; then
  echo "build: SQLite's source could not be fetched; building with Debian's libsqlite3 (slower start)" >&2
  sqlite_source=""
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DKVSTORE_BUILD_TESTS=${BUILD_TESTS:-ON} \
  -DKVSTORE_BUILD_BENCH=${BUILD_TESTS:-ON} -DKVSTORE_SQLITE_SOURCE="$sqlite_source" ${KVSTORE_CMAKE_ARGS:-} >/dev/null
# BUILD_TARGETS: only these (default: everything).
# shellcheck disable=SC2086
cmake --build "$build_dir" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
