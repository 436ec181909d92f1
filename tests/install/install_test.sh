#!/usr/bin/env bash
# What `cmake --install` gives a user, checked from the installed tree:
#   install_test.sh SOURCE_DIR BUILD_DIR VERSION
# the binary and its --version, the man page (rendered without warnings),
# bash/zsh/fish completion offering lock-acquire for `kvstore lock-a`, the
# example program built with find_package(kvstore) and with pkg-config, and
# kvstore added as a subproject building no tests.
set -euo pipefail
source_dir=$1 build_dir=$2 version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install_test: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
for file in bin/kvstore include/kvstore/store.h include/kvstore/version.h lib/libkvstore.a \
            lib/cmake/kvstore/kvstoreConfig.cmake lib/cmake/kvstore/kvstoreConfigVersion.cmake \
            lib/cmake/kvstore/kvstoreTargets.cmake lib/pkgconfig/kvstore.pc share/man/man1/kvstore.1.gz \
            share/bash-completion/completions/kvstore share/zsh/vendor-completions/_kvstore \
            share/fish/vendor_completions.d/kvstore.fish; do
  [ -f "$prefix/$file" ] || fail "cmake --install did not install $file"
done
if find "$prefix" -name '*_test*' -o -name '*bench*' | grep -q .; then fail "tests or benches were installed"; fi

# The binary.
[ "$("$prefix/bin/kvstore" --version | head -1)" = "kvstore $version" ] || fail "--version is not kvstore $version"

# The man page: found by man, and rendered without a warning.
[ "$(MANPATH=$prefix/share/man man -w kvstore)" = "$prefix/share/man/man1/kvstore.1.gz" ] || fail "man -w kvstore"
warnings=$(MANWIDTH=80 man --warnings -l "$prefix/share/man/man1/kvstore.1.gz" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "the man page renders with warnings: $warnings"

# Completion, as each shell would load it from the installed file.
export PATH=$prefix/bin:$PATH
bash_complete() {  # bash_complete [bash-completion framework]: the candidates for `kvstore lock-a`
  bash -c '[ -n "${1:-}" ] && source "$1"; source "$0"; COMP_WORDS=(kvstore lock-a); COMP_CWORD=1
           COMP_LINE="kvstore lock-a"; COMP_POINT=${#COMP_LINE}; _kvstore; printf "%s\n" "${COMPREPLY[@]}"' \
    "$prefix/share/bash-completion/completions/kvstore" "$@"
}
[ "$(bash_complete)" = lock-acquire ] || fail "bash completion of 'kvstore lock-a' gave: $(bash_complete)"
if [ -f /usr/share/bash-completion/bash_completion ]; then
  [ "$(bash_complete /usr/share/bash-completion/bash_completion)" = lock-acquire ] ||
    fail "bash completion with bash-completion loaded gave: $(bash_complete /usr/share/bash-completion/bash_completion)"
fi
if command -v fish >/dev/null; then
  got=$(fish -c "source $prefix/share/fish/vendor_completions.d/kvstore.fish; complete -C 'kvstore lock-a'" | cut -f1)
  [ "$got" = lock-acquire ] || fail "fish completion of 'kvstore lock-a' gave: $got"
fi
if command -v zsh >/dev/null; then
  zsh -n "$prefix/share/zsh/vendor-completions/_kvstore" || fail "the zsh completion does not parse"
fi

# A C++ program built against the installed tree: with CMake, then pkg-config.
cmake -S "$source_dir/examples/cpp" -B "$work/example" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/example" >/dev/null
[ "$("$work/example/deploy_counter" "sqlite:$work/example.db" ci)" = 1 ] || fail "the CMake-built example"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
[ "$(pkg-config --modversion kvstore)" = "$version" ] || fail "pkg-config --modversion kvstore"
# shellcheck disable=SC2046
g++ -std=c++20 -o "$work/pc_example" "$source_dir/examples/cpp/deploy_counter.cc" $(pkg-config --cflags --libs kvstore)
[ "$("$work/pc_example" "sqlite:$work/example.db" ci)" = 2 ] || fail "the pkg-config-built example"

# As a subproject, kvstore adds its library and binary, no tests and no install rules.
mkdir -p "$work/parent"
cat > "$work/parent/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(parent LANGUAGES CXX)
add_subdirectory("$source_dir" kvstore)
add_executable(deploy_counter "$source_dir/examples/cpp/deploy_counter.cc")
target_link_libraries(deploy_counter PRIVATE kvstore::kvstore)
CMAKE
cmake -S "$work/parent" -B "$work/parent/build" -G Ninja >/dev/null
# ninja -n: whether a target exists, without building it.
has_target() { cmake --build "$work/parent/build" --target "$1" -- -n >/dev/null 2>&1; }
has_target deploy_counter || fail "the subproject's parent cannot build deploy_counter"
for target in cli_test storage_test install; do
  if has_target $target; then fail "a subproject kvstore adds target $target"; fi
done
echo "install_test: ok ($prefix)"
