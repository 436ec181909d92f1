#!/usr/bin/python3
"""Throughput under contention on the embedded store: 1, 2 and 4 processes
run engine_bench's BM_SharedInc and BM_SharedQueuePushPopAck at the same time
on one store file; their rates add up to the store's throughput.

Usage: bench/contention.py ENGINE_BENCH [SECONDS]   prints a Markdown table
"""
import json
import os
import subprocess
import sys
import tempfile

engine_bench = sys.argv[1]
seconds = sys.argv[2] if len(sys.argv) > 2 else "2"
work = tempfile.mkdtemp(prefix="kvstore-contention-")


def throughput(workload, processes):
    env = dict(os.environ, KVSTORE_BENCH_SHARED_STORE=os.path.join(work, "%s-%d.db" % (workload, processes)))
    # One process makes the store first, so the others do not race to create it.
    subprocess.run([engine_bench, "--benchmark_filter=^%s$" % workload, "--benchmark_min_time=0.01"], env=env,
                   capture_output=True, check=True)
    runs = [subprocess.Popen([engine_bench, "--benchmark_filter=^%s$" % workload,
                              "--benchmark_min_time=%s" % seconds, "--benchmark_format=json"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            for _ in range(processes)]
    total = 0.0
    for run in runs:
        out, _ = run.communicate()
        result = json.loads(out)["benchmarks"][0]
        scale = {"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1}[result["time_unit"]]
        total += scale / result["real_time"]
    return total


print("| workload | 1 process ops/s | 2 processes | 4 processes | 4 / 1 (target >= 0.8) |")
print("|---|---:|---:|---:|---:|")
for workload, name in (("BM_SharedInc", "inc"), ("BM_SharedQueuePushPopAck", "queue push+pop+ack")):
    rates = [throughput(workload, n) for n in (1, 2, 4)]
    print("| %s | %.0f | %.0f | %.0f | %.2f |" % (name, rates[0], rates[1], rates[2], rates[2] / rates[0]))
