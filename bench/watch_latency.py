#!/usr/bin/python3
"""Watch and wait latency: from a `set` to the watcher seeing it.

Embedded store: a `kvstore watch` (text) and a `kvstore wait` are already
running; each round launches `kvstore set` and times from its launch to the
watcher's line (read from its stdout) and to the waiter's exit. Baseline in
the same run: the shell loop scripts use without watch,
`until kvstore exists T K; do sleep 0.1; done`, timed the same way.

With KVSTORE_BENCH_DYNAMODB=URL (dynamodb+http://HOST:PORT): the same
watcher on DynamoDB, which polls (--interval 1), and the requests an idle
watch sends in 10 s (`-v`).

Usage: bench/watch_latency.py KVSTORE_BINARY [ROUNDS]   prints a Markdown table
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

kvstore = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100
work = tempfile.mkdtemp(prefix="kvstore-watch-")


def run(store, *args):
    subprocess.run([kvstore, *store, *args], check=True, capture_output=True)


def watch_round(store, key, i):
    start = time.monotonic()
    run(store, "set", "bench", key, str(i))
    return start


def watcher_latency(store, extra=(), n=rounds):
    watcher = subprocess.Popen([kvstore, *store, "watch", "bench", "w", *extra], stdout=subprocess.PIPE)
    time.sleep(0.5)  # it has read its starting state
    took = []
    for i in range(n):
        start = watch_round(store, "w", i)
        line = watcher.stdout.readline().decode()
        took.append((time.monotonic() - start) * 1000)
        assert line == "put w %d\n" % i, line
        time.sleep(0.02)
    watcher.kill()
    return took


def waiter_latency(store, name, argv_of):
    took = []
    for i in range(rounds):
        waiter = subprocess.Popen(argv_of("%s%d" % (name, i)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.15)  # parked
        start = watch_round(store, "%s%d" % (name, i), i)
        waiter.wait()
        took.append((time.monotonic() - start) * 1000)
    return took


def row(name, ms):
    ms = sorted(ms)
    print("| %s | %.2f | %.2f |" % (name, statistics.median(ms), ms[int(len(ms) * 0.9)]))


sqlite = ["--store", os.path.join(work, "store.db")]
run(sqlite, "create-table", "bench")
print("| from `set` (launch) to ... (%d rounds) | median ms | p90 ms |" % rounds)
print("|---|---:|---:|")
row("`kvstore watch` prints the line (embedded)", watcher_latency(sqlite))
row("`kvstore wait` exits (embedded)", waiter_latency(sqlite, "wait", lambda k: [kvstore, *sqlite, "wait", "bench", k]))
loop = 'until "$0" --store "$1" exists bench "$2" >/dev/null; do sleep 0.1; done'
row("baseline: `until kvstore exists; do sleep 0.1; done` exits",
    waiter_latency(sqlite, "loop", lambda k: ["sh", "-c", loop, kvstore, sqlite[1], k]))

dynamodb = os.environ.get("KVSTORE_BENCH_DYNAMODB")
if dynamodb:
    ddb = ["--store", dynamodb]
    subprocess.run([kvstore, *ddb, "create-table", "bench", "--if-not-exists"], check=True, capture_output=True)
    row("`kvstore watch --interval 1` prints the line (DynamoDB Local, 20 rounds)",
        watcher_latency(ddb, ["--interval", "1"], 20))
    idle = subprocess.run([kvstore, "-v", *ddb, "watch", "bench", "idle", "--timeout", "10"], capture_output=True)
    requests = re.search(r"(\d+) requests.*?([\d.]+) read units", idle.stderr.decode())
    print()
    print("An idle `watch --interval 1` on DynamoDB for 10 s: %s requests, %s read units." % requests.groups())
