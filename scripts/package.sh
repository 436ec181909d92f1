#!/usr/bin/env bash
# Builds the Debian packages into dist/: kvstore_VERSION_ARCH.deb (the CLI,
# its man page and completions) and kvstore-dev_VERSION_ARCH.deb (headers,
# library, CMake package, pkg-config file), then runs lintian on them.
#
# The packaged binary links glibc dynamically and is a PIE (the build tree's
# is static and position-dependent, for speed): name lookups and libssl,
# loaded for https:// endpoints, then use the system's own glibc, which Debian
# keeps patched, and it has Debian's hardening (docs/benchmarks.md has the
# start-up cost of that choice).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build-package}
# The pinned SQLite source, or no package: a package must not change with
# whether npm could be reached.
sqlite_source=$(scripts/fetch-sqlite.sh)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DKVSTORE_BUILD_TESTS=OFF -DKVSTORE_INSTALL=ON -DKVSTORE_STATIC_RUNTIME=OFF -DKVSTORE_NO_PIE=OFF \
  -DKVSTORE_SQLITE_SOURCE="$sqlite_source" >/dev/null
cmake --build "$build_dir"
rm -rf "$build_dir/packages"
(cd "$build_dir" && cpack -G DEB >/dev/null)
mkdir -p dist
rm -f dist/kvstore*.deb
cp "$build_dir"/packages/*.deb dist/
if command -v lintian >/dev/null; then
  # Errors fail the build; warnings are shown. The changelog has no Debian
  # revision as kvstore is its own upstream (a native package).
  lintian --fail-on error dist/*.deb
fi
ls dist/*.deb
