#!/usr/bin/python3
"""The DynamoDB scaling bench: operations per second against the number of
clients, layout 1 (kvstore 0.3's) and layout 2 side by side in one run, through
the partition-limit simulator (tests/scale/partition_simulator.py) in front of
DynamoDB Local.

This machine cannot push thousands of requests a second through a Python proxy
(about 700 a second here), so the simulator's partitions are scaled down to
--write-limit units a second (3x that for reads) instead of DynamoDB's 1,000 and
3,000: every ratio below is the same at full scale. Each workload gets a table
per layout, and runs with 1, 4, 16 and 32 clients in turn on it, so the
partitions a heavier run split for stay split, as DynamoDB's do; a run's figure
is its second half's rate.

Usage: bench/scale.py [--seconds S] [--write-limit W] [--shards N] [--workers 1,4,16,32]
       [--workloads set,inc,hot-inc,sharded-inc,queue] [--endpoint DYNAMODB_LOCAL]
Prints Markdown for docs/benchmarks.md and docs/scale.md.
"""
import argparse
import http.client
import json
import os
import random
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = os.environ.get("BUILD_DIR", os.path.join(root, "build"))
kvstore = os.path.join(build, "kvstore")
load = os.path.join(build, "bench", "scale_load")
# Write units one operation costs (docs/cost.md): what one partition's limit allows of it.
UNITS = {"set": 1, "inc": 1, "hot-inc": 1, "sharded-inc": 1, "queue": 3}


def start_dynamodb_local():
    out = subprocess.run([os.path.join(root, "scripts", "dynamodb-local.sh"), "start"], capture_output=True, text=True,
                         env=dict(os.environ, KVSTORE_BIN=kvstore), check=True).stdout.split()
    return out[0], out[1]


class Simulator:
    def __init__(self, upstream, write_limit):
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(root, "tests", "scale", "partition_simulator.py"), upstream,
             "--partitions", "4", "--write-limit", str(write_limit), "--read-limit", str(3 * write_limit),
             "--split-after", "1", "--max-partitions", "64"], stdout=subprocess.PIPE, text=True)
        self.endpoint = self.process.stdout.readline().strip()

    def table(self, name):
        connection = http.client.HTTPConnection(self.endpoint.split("://", 1)[1], timeout=30)
        connection.request("GET", "/partitions")
        return json.loads(connection.getresponse().read()).get(name, {})

    def stop(self):
        self.process.terminate()


def run_load(store, table, workload, workers, seconds, env):
    out = subprocess.run([load, store, table, workload, str(workers), str(seconds)], capture_output=True, text=True,
                         env=env, check=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=16)
    parser.add_argument("--write-limit", type=int, default=25)
    parser.add_argument("--shards", type=int, default=16)
    parser.add_argument("--workers", default="1,4,16,32")
    parser.add_argument("--workloads", default="set,inc,hot-inc,sharded-inc,queue")
    parser.add_argument("--endpoint")
    args = parser.parse_args()
    local = None
    upstream = args.endpoint
    if not upstream:
        upstream, local = start_dynamodb_local()
    prefix = "scale%d-" % random.randrange(1 << 30)
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",
               KVSTORE_TABLE_PREFIX=prefix)
    simulator = Simulator(upstream, args.write_limit)
    store = "dynamodb+" + simulator.endpoint
    layouts = [("layout 1", ["--layout", "1"]), ("layout 2, %d shards" % args.shards, ["--shards", str(args.shards)])]
    rows = []
    try:
        for workload in args.workloads.split(","):
            for number, (label, options) in enumerate(layouts):
                table = "%s-%d" % (workload, number)
                subprocess.run([kvstore, "--store", store, "create-table", table, *options], env=env, check=True,
                               capture_output=True)
                throttled = 0
                for workers in [int(w) for w in args.workers.split(",")]:
                    result = run_load(store, table, workload, workers, args.seconds, env)
                    model = simulator.table(prefix + table)
                    now_throttled = model.get("throttled", {}).get("write", 0) + model.get("throttled", {}).get("read", 0)
                    used = sum(1 for p in model.get("partitions", []) if p["requests"] > 0)
                    rows.append(dict(result, layout=label, clients=workers, throttled=now_throttled - throttled,
                                     partitions=used))
                    throttled = now_throttled
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        simulator.stop()
        if local:
            subprocess.run([os.path.join(root, "scripts", "dynamodb-local.sh"), "stop", local], capture_output=True)
    report(rows, args, [label for label, _ in layouts])


def report(rows, args, labels):
    print("Partition limit %d write units/s (%d read); one partition's ceiling in operations/s: set, inc %d, "
          "queue %.0f messages (3 writes each). Steady rate (the run's second half), operations/s:"
          % (args.write_limit, 3 * args.write_limit, args.write_limit, args.write_limit / UNITS["queue"]))
    print()
    print("| workload | clients (queue: producers and as many consumers) | %s | %s | layout 2 / one partition | "
          "errors (1 / 2) | throttled requests (1 / 2) |" % tuple(labels))
    print("|---|---:|---:|---:|---:|---:|---:|")
    for workload in args.workloads.split(","):
        ceiling = args.write_limit / UNITS[workload]
        for workers in [int(w) for w in args.workers.split(",")]:
            pair = [r for r in rows if r["workload"] == workload and r["clients"] == workers]
            if len(pair) != 2:
                continue
            old, new = sorted(pair, key=lambda r: labels.index(r["layout"]))
            print("| %s | %d | %.0f | %.0f | %.1fx | %d / %d | %d / %d |" % (
                workload, workers, old["steady_ops_per_s"], new["steady_ops_per_s"], new["steady_ops_per_s"] / ceiling,
                old["errors"], new["errors"], old["throttled"], new["throttled"]))


if __name__ == "__main__":
    main()
