#!/usr/bin/env bash
# Runs every libFuzzer target in tests/fuzz for FUZZ_SECONDS each (default 30;
# a longer soak: FUZZ_SECONDS=3600), starting from its corpus in the repo.
# Builds with clang into build-fuzz/. Exits 1 if any target crashed: the
# input is left in build-fuzz/crashes/ (copy it into tests/fuzz/corpus/<target>/
# so it replays as a regression test in every build). Prints a Markdown table
# of executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
build_dir=build-fuzz
targets=(txn_batch_files store_url item_codec sigv4 http_response)
sqlite_source=$(scripts/fetch-sqlite.sh) || sqlite_source=""
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKVSTORE_FUZZ=ON \
  -DKVSTORE_BUILD_TESTS=OFF -DKVSTORE_SQLITE_SOURCE="$sqlite_source" >/dev/null
cmake --build "$build_dir" --target "${targets[@]/#/fuzz_}"
mkdir -p "$build_dir/crashes"
failed=0
echo "| fuzz target | seconds | executions | corpus inputs | crashes |"
echo "|---|---:|---:|---:|---:|"
for t in "${targets[@]}"; do
  work="$build_dir/corpus/$t"  # grows across runs; the repo's seeds stay as they are
  mkdir -p "$work"
  log="$build_dir/fuzz_$t.log"
  status=0
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  "$build_dir/tests/fuzz/fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build_dir/crashes/$t-" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  inputs=$(find "$work" -type f | wc -l)
  crashes=$([ "$status" = 0 ] && echo 0 || echo 1)
  echo "| $t | $seconds | ${runs:-?} | $inputs | $crashes |"
  if [ "$status" != 0 ]; then
    failed=1
    grep -E "ERROR|SUMMARY|check failed|Test unit written" "$log" | head -5 >&2 || true
  fi
done
exit $failed
