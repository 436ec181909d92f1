#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run kvstore
# on the embedded store (the default file under ~/.local/share/kvstore).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_TESTS=OFF scripts/build.sh
kv=${BUILD_DIR:-build}/kvstore
echo "--- kvstore on the embedded store: $($kv --version | head -1)"
set -x
$kv create-table demo --if-not-exists
$kv set demo greeting "hello from kvstore"
$kv get demo greeting; echo
$kv inc demo visits
$kv list demo
