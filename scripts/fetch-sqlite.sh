#!/usr/bin/env bash
# Fetches SQLite's amalgamation (sqlite3.c, sqlite3.h) once, from the npm
# package better-sqlite3, which ships it, into the cache outside the repo, and
# prints the folder. kvstore compiles it with only the features it uses:
# Debian's libsqlite3 carries FTS3/4/5, R*Tree, JSON and more, whose set-up
# alone costs ~0.7 ms of every one-shot command (docs/benchmarks.md).
#
# The files must match cmake/sqlite-amalgamation.sha256 (CMake checks them
# again): a mismatch is an error, never a reason to fall back to another SQLite.
#
# Usage: scripts/fetch-sqlite.sh   (prints the folder; exit 1 if it cannot
# fetch, 2 if what it fetched or cached is not the pinned source)
set -euo pipefail
package_version=13.2.0  # better-sqlite3 13.2.0 ships SQLite 3.54.1
cache=${XDG_CACHE_HOME:-$HOME/.cache}/kvstore/sqlite-amalgamation-$package_version
sums=$(cd "$(dirname "$0")/.." && pwd)/cmake/sqlite-amalgamation.sha256

# verify DIR: DIR's sqlite3.c and sqlite3.h are the pinned ones.
verify() {
  (cd "$1" && sha256sum --quiet --strict -c "$sums" >&2) && return 0
  echo "fetch-sqlite: $1 does not hold the SQLite source pinned in cmake/sqlite-amalgamation.sha256;" \
    "delete it and run again, or review the new version and update the sums" >&2
  return 1
}

if [ ! -f "$cache/sqlite3.c" ]; then
  command -v npm >/dev/null || { echo "fetch-sqlite: npm is missing (scripts/install-deps.sh)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "better-sqlite3@$package_version" >/dev/null) || {
    echo "fetch-sqlite: could not fetch better-sqlite3@$package_version from npm" >&2
    exit 1
  }
  tar -xzf "$work"/better-sqlite3-*.tgz -C "$work" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
  verify "$work/package/deps/sqlite3" || exit 2
  mkdir -p "$cache.tmp"
  mv "$work"/package/deps/sqlite3/sqlite3.[ch] "$cache.tmp/"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
verify "$cache" || exit 2
echo "$cache"
