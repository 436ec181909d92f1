#!/usr/bin/python3
"""Hand-off latency on the embedded store, against flock(1) in the same harness.

Lock: a holder process holds the lock while `sh -c 'read x'` runs
(`kvstore lock-run` / `flock FILE sh -c ...`); a waiter is already waiting
(`kvstore lock-acquire --wait` / `flock FILE true`). The harness closes the
holder's stdin and times until the waiter exits: the holder's release, the
waiter's wake-up and its exit, for both tools alike.

Queue: a consumer waits in `kvstore queue-pop --wait`; a producer runs
`kvstore queue-push`. Timed from the moment the producer prints the message
id (after its commit) to the moment the consumer prints the message.

Usage: bench/handoff.py KVSTORE_BINARY [ROUNDS]   prints a Markdown table
"""
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time

kvstore = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 200
work = tempfile.mkdtemp(prefix="kvstore-handoff-")
store = ["--store", os.path.join(work, "store.db")]
subprocess.run([kvstore, *store, "create-table", "bench"], check=True, capture_output=True)
lock_file = os.path.join(work, "flock.lock")
open(lock_file, "w").close()


HOLD = "echo held; read x"  # tells the harness it holds the lock, then holds it until stdin closes


def wait_until_blocked(proc, seconds=0.05):
    time.sleep(seconds)  # long enough for the waiter to be parked on the lock
    if proc.poll() is not None:
        raise SystemExit("the waiter did not wait: %r" % proc.args)


def handoff(holder_argv, waiter_argv):
    holder = subprocess.Popen(holder_argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    holder.stdout.readline()  # the holder's command runs: it has the lock
    waiter = subprocess.Popen(waiter_argv, stdout=subprocess.DEVNULL)
    wait_until_blocked(waiter)
    start = time.monotonic()
    holder.stdin.close()  # the holder's command ends; it releases
    waiter.wait()
    took = time.monotonic() - start
    holder.wait()
    return took * 1000


def kvstore_lock():
    took = handoff([kvstore, *store, "lock-run", "bench", "l", "--", "sh", "-c", HOLD],
                   [kvstore, *store, "lock-acquire", "bench", "l", "--owner", "waiter", "--wait", "10"])
    subprocess.run([kvstore, *store, "lock-release", "bench", "l", "--owner", "waiter"], check=True,
                   capture_output=True)
    return took


def flock_lock():
    return handoff(["flock", lock_file, "sh", "-c", HOLD], ["flock", lock_file, "true"])


def queue_handoff():
    consumer = subprocess.Popen([kvstore, *store, "queue-pop", "bench", "q", "--wait", "10",
                                 "--visibility-timeout", "36000"], stdout=subprocess.PIPE)
    wait_until_blocked(consumer)
    producer = subprocess.Popen([kvstore, *store, "queue-push", "bench", "q", "job"], stdout=subprocess.PIPE)
    seen = {}
    sel = selectors.DefaultSelector()
    sel.register(producer.stdout, selectors.EVENT_READ, "pushed")
    sel.register(consumer.stdout, selectors.EVENT_READ, "popped")
    while len(seen) < 2:
        for key, _ in sel.select():
            if key.data not in seen and key.fileobj.read1(4096):
                seen[key.data] = time.monotonic()
                sel.unregister(key.fileobj)
    producer.wait()
    consumer.stdout.read()
    consumer.wait()
    return (seen["popped"] - seen["pushed"]) * 1000


results = {"kvstore lock-acquire --wait": [], "flock(1)": [], "queue push -> waiting queue-pop": []}
for _ in range(rounds):  # interleaved, so drift hits all alike
    results["kvstore lock-acquire --wait"].append(kvstore_lock())
    results["flock(1)"].append(flock_lock())
    results["queue push -> waiting queue-pop"].append(queue_handoff())

print("| hand-off (%d rounds, interleaved) | median ms | p90 ms |" % rounds)
print("|---|---:|---:|")
for name, values in results.items():
    values.sort()
    print("| %s | %.2f | %.2f |" % (name, statistics.median(values), values[int(len(values) * 0.9)]))
lock, flock = (statistics.median(results[k]) for k in ("kvstore lock-acquire --wait", "flock(1)"))
print()
print("| ratio | value |")
print("|---|---:|")
print("| lock hand-off kvstore / flock (target <= 1.2) | %.2f |" % (lock / flock))
print("| queue push -> waiting pop, median ms (target < 5) | %.2f |"
      % statistics.median(results["queue push -> waiting queue-pop"]))
