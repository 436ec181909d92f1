#!/usr/bin/env bash
# Runs the benchmark suite and writes docs/benchmarks.md: one-shot latency and
# memory against the sqlite3 CLI and redis-cli (cli_latency.sh), hand-off
# against flock(1) (handoff.py), in-process cost against raw SQLite loops
# (engine_bench) and collection scale (collections_bench). Every figure is a
# ratio against a baseline measured in the same run.
#
# Usage: bench/run_all.sh            (about 5 minutes; QUICK=1 for a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
BUILD_DIR=$build_dir scripts/build.sh >/dev/null
quick=${QUICK:-0}
if [ "$quick" = 1 ]; then rounds=1 runs=10 handoffs=10 min_time=0.05 repetitions=2; else rounds=5 runs=60 handoffs=200 min_time=0.2 repetitions=9; fi
out=docs/benchmarks.md
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.json"' EXIT

# Google Benchmark's console table -> Markdown: name, time per operation.
bench_table() {
  "$@" --benchmark_format=json 2>/dev/null | tee "$tmp.json" | python3 -c '
import json, sys
rows = json.load(sys.stdin)["benchmarks"]
# With --benchmark_repetitions: the median of the interleaved repetitions.
if any(r.get("run_type") == "aggregate" for r in rows):
    rows = [dict(r, name=r["run_name"]) for r in rows if r.get("aggregate_name") == "median"]
print("| benchmark | time per operation |")
print("|---|---:|")
t = {}
for r in rows:
    unit = r["time_unit"]
    t[r["name"]] = r["real_time"]
    print("| %s | %.1f %s |" % (r["name"], r["real_time"], unit))
pairs = [(n, n.replace("BM_", "BM_Raw", 1)) for n in t if n.replace("BM_", "BM_Raw", 1) in t and "Raw" not in n]
if pairs:
    print()
    print("| kvstore / raw SQLite throughput (target >= 0.9) | ratio |")
    print("|---|---:|")
    for n, raw in pairs:
        print("| %s | %.2f |" % (n[3:], t[raw] / t[n]))
sizes = {}
for n in t:
    if "/" in n:
        base, size = n.split("/", 1)
        sizes.setdefault(base, {})[int(size)] = t[n]
if sizes:
    print()
    print("| workload | largest / smallest size, per operation (target <= 1.5 at 1M vs 1k) |")
    print("|---|---:|")
    for base, by_size in sizes.items():
        small, large = min(by_size), max(by_size)
        print("| %s, %d vs %d | %.2f |" % (base[3:], large, small, by_size[large] / by_size[small]))
'
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`bench/run_all.sh\` on $(date -u +%Y-%m-%d) (commit $(git rev-parse --short HEAD))."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"),"
  echo "$(gcc --version | head -1), SQLite $(strings "$build_dir/kvstore" | awk '/^3\.[0-9]+\.[0-9]+$/ && !v {v = $0} END {print v}')."
  echo "This machine's speed drifts by up to ±30 % over minutes: only ratios within one run are compared,"
  echo "and the workloads of a table run interleaved."
  echo
  echo "Reproduce: \`bench/run_all.sh\` (installs nothing; \`scripts/install-deps.sh\` brings hyperfine,"
  echo "redis-server and the rest)."
  echo
  echo "## One-shot commands (bench/cli_latency.sh)"
  echo
  echo "Each process started from scratch, as a script step would; the \`sqlite3\` CLI runs the same SQL on"
  echo "kvstore's own file with the same synchronous setting; \`redis-cli\` talks to a local redis-server."
  echo "$rounds rounds of $runs runs each, alternating order; medians. Peak RSS from GNU time."
  echo
  ROUNDS=$rounds RUNS=$runs bench/cli_latency.sh "$build_dir/kvstore"
  echo
  echo "## Hand-off (bench/handoff.py)"
  echo
  echo "Lock: the holder (\`kvstore lock-run\` / \`flock FILE\`) runs \`sh -c 'echo held; read x'\`; the"
  echo "waiter (\`kvstore lock-acquire --wait\` / \`flock FILE true\`) is already waiting; timed from closing"
  echo "the holder's stdin to the waiter's exit. Queue: timed from \`queue-push\` printing the id (after its"
  echo "commit) to the waiting \`queue-pop --wait\` printing the message."
  echo
  python3 bench/handoff.py "$build_dir/kvstore" "$handoffs"
  echo
  echo "## In-process, against raw SQLite (bench/engine_bench)"
  echo
  echo "The library's calls beside a loop of prepared statements doing the same SQL work on the same file,"
  echo "schema and pragmas (WAL, synchronous=NORMAL, a commit per operation). Each figure is the median"
  echo "of $repetitions repetitions run in random interleaved order, so drift affects both sides alike."
  echo
  bench_table "$build_dir/bench/engine_bench" --benchmark_min_time=$min_time \
    --benchmark_repetitions=$repetitions --benchmark_enable_random_interleaving=true \
    --benchmark_filter='^BM_(Raw)?(Set|Get|Inc|QueuePushPopAck)$'
  echo
  echo "## Contention (bench/contention.py)"
  echo
  echo "1, 2 and 4 processes each running the library's operation in a loop on one store file at once;"
  echo "the sum of their rates."
  echo
  python3 bench/contention.py "$build_dir/bench/engine_bench" "$([ "$quick" = 1 ] && echo 0.2 || echo 2)"
  echo
  echo "## DynamoDB Local (bench/dynamodb_latency.sh)"
  echo
  echo "One-shot \`kvstore get\`/\`set\` against a Python 3 + boto3 script making the same request, each a"
  echo "fresh process; DynamoDB Local on loopback."
  echo
  RUNS=$([ "$quick" = 1 ] && echo 5 || echo 30) bench/dynamodb_latency.sh "$build_dir/kvstore"
  echo
  echo "## Scale: at 1k, 100k and 1M items (bench/collections_bench)"
  echo
  if [ "$quick" = 1 ]; then
    echo "(skipped in a quick run: filling a million items takes about a minute)"
  else
    bench_table "$build_dir/bench/collections_bench" --benchmark_min_time=0.2
    python3 bench/plot_scale.py "$tmp.json" docs/benchmarks-scale.png
    echo
    echo "![microseconds per operation against data size, log-log](benchmarks-scale.png)"
  fi
  cat bench/benchmarks-notes.md
} >"$tmp"
cp "$tmp" "$out"
echo "run_all: wrote $out" >&2
