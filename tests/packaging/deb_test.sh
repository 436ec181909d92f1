#!/usr/bin/env bash
# Installs the packages scripts/package.sh built (dist/*.deb) on this
# machine, as a user would, and checks what they give: `kvstore --version`,
# `man kvstore`, tab completion through bash-completion, and a C++ program
# built against kvstore-dev with find_package and with pkg-config. Removes
# them again at the end. Needs root: CI runs it on a throwaway machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^project(kvstore VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
runtime=dist/kvstore_${version}_${arch}.deb dev=dist/kvstore-dev_${version}_${arch}.deb
fail() { echo "deb_test: $*" >&2; exit 1; }
[ -f "$runtime" ] && [ -f "$dev" ] || fail "missing $runtime or $dev: run scripts/package.sh"
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
work=$(mktemp -d)
trap 'dpkg -r kvstore-dev kvstore >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Its dependencies must already be met on Debian 12 with what it declares.
dpkg -i "$runtime" "$dev" >/dev/null
[ "$(command -v kvstore)" = /usr/bin/kvstore ] || fail "kvstore is not /usr/bin/kvstore"
[ "$(kvstore --version | head -1)" = "kvstore $version" ] || fail "kvstore --version: $(kvstore --version)"
[ "$(man -w kvstore)" = /usr/share/man/man1/kvstore.1.gz ] || fail "man -w kvstore: $(man -w kvstore 2>&1)"
man kvstore 2>&1 | grep -q 'lock-acquire' || fail "man kvstore does not show the commands"

# Tab completion as an interactive bash gets it: bash-completion loads
# /usr/share/bash-completion/completions/kvstore on the first TAB.
if [ -f /usr/share/bash-completion/bash_completion ]; then
  got=$(cd "$work" && bash -c 'source /usr/share/bash-completion/bash_completion; __load_completion kvstore
        COMP_WORDS=(kvstore lock-a); COMP_CWORD=1; COMP_LINE="kvstore lock-a"; COMP_POINT=${#COMP_LINE}
        $(complete -p kvstore | sed "s/.*-F \([^ ]*\) .*/\1/") kvstore lock-a kvstore
        printf "%s\n" "${COMPREPLY[@]}"')
  [ "$got" = lock-acquire ] || fail "bash completion of 'kvstore lock-a' gave: $got"
fi

# kvstore-dev: the example with find_package(kvstore) and with pkg-config.
cmake -S examples/cpp -B "$work/example" -G Ninja >/dev/null
cmake --build "$work/example" >/dev/null
[ "$("$work/example/deploy_counter" "sqlite:$work/e.db" ci)" = 1 ] || fail "the CMake-built example"
# shellcheck disable=SC2046
g++ -std=c++20 -o "$work/pc_example" examples/cpp/deploy_counter.cc $(pkg-config --cflags --libs kvstore)
[ "$("$work/pc_example" "sqlite:$work/e.db" ci)" = 2 ] || fail "the pkg-config-built example"
echo "deb_test: ok ($runtime, $dev)"
