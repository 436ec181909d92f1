#!/usr/bin/env bash
# Installs, from Debian's packages, what building kvstore needs; with --test
# also what only its tests, benches and packaging checks need. Runs as root,
# or through sudo when available; does nothing when all are present.
#
# Usage: scripts/install-deps.sh [--test]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev                  # SQLite when its source cannot be fetched
  nlohmann-json3-dev libcli11-dev # JSON output, argument parsing
  libssl3                         # https:// endpoints of the DynamoDB store (libssl, loaded with dlopen only then)
)
# npm fetches SQLite's source (scripts/fetch-sqlite.sh). Debian's npm package
# conflicts with NodeSource's nodejs, which carries its own npm: ask for the
# package only when no npm is on the machine at all.
command -v npm >/dev/null || packages+=(npm)
test_packages=(
  googletest libgtest-dev         # the test suite
  sqlite3                         # the CLI tests inspect store files
  libbenchmark-dev                # bench/ (built, not run, by the tests)
  default-jre-headless            # DynamoDB Local, for the tests (npm fetches it)
  python3-boto3                   # the interoperability test (a standard AWS SDK)
  stunnel4 openssl                # the https test: a TLS terminator and a CA of its own
  hyperfine redis-server time     # bench/: one-shot latency against redis-cli, peak memory
  gnuplot-nox                     # bench/: the scale plot in docs/benchmarks.md
  clang libclang-rt-14-dev        # scripts/fuzz.sh: libFuzzer and clang's sanitizer runtimes
  util-linux iproute2             # mount (the crash harness), unshare + ip (ECS credentials at 169.254.170.2)
  man-db bash-completion zsh fish # the installed man page and completions are tried
  lintian dpkg-dev                # scripts/package.sh: checks the .deb; dpkg-shlibdeps
)
if [ "${1:-}" = --test ]; then
  packages+=("${test_packages[@]}")
elif [ $# -gt 0 ]; then
  echo "usage: scripts/install-deps.sh [--test]" >&2
  exit 2
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: ${#packages[@]} packages present (${#missing[@]} installed now)"
