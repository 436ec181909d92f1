#!/usr/bin/python3
"""Linearizability-style checks on one store (embedded, or DynamoDB Local
when an endpoint is given), from many processes running the real CLI:

- counters: PROCESSES processes increment one counter; every call's start,
  end and result is recorded. The results must be exactly 1..N, and a call
  that ended before another began must have the smaller result.
- locks: PROCESSES processes take turns on one lock with lock-acquire --wait.
  Holding intervals (from the acquire's answer to the release's request)
  never overlap, and fencing tokens rise in real-time order. Then lock-run
  sections that outlive the lease (kept by renewals) never overlap either.
- leader election: PROCESSES candidates campaign, lead a moment and resign,
  again and again: leadership intervals never overlap and terms rise in
  real-time order, none issued twice.
- queues: producers push, consumers pop and ack, and consumers are killed
  with SIGKILL mid-message and restarted; some messages are poison (never
  acked). Every pushed message ends acked exactly once, in the dead-letter
  queue exactly once (every poison message does, after --max-receives
  deliveries) or still in the queue; no acked message comes back, and each
  delivery of a message carries a receive count of its own.

Usage: concurrency_check.py KVSTORE [DYNAMODB_ENDPOINT] [--processes N] [--ops N]
Prints one line of figures per check.
"""
import argparse
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time


def run(env, *args):
    r = subprocess.run(list(args), capture_output=True, env=env, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def failure(env, *args):
    """Runs a command; its stderr if it failed, else ''."""
    code, _, err = run(env, *args)
    return err.strip() if code else ""


def run_workers(processes, work):
    """Runs work(index, results) in `processes` processes at once; each puts
    its history on `results`. Returns all the histories joined."""
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=work, args=(i, results)) for i in range(processes)]
    for w in workers:
        w.start()
    history = [op for _ in workers for op in results.get()]
    for w in workers:
        w.join()
    return history


def incrementer(kvstore, store, env, ops, results):
    history = []
    for _ in range(ops):
        start = time.monotonic_ns()
        code, out, err = run(env, kvstore, "--store", store, "inc", "tbl", "hits")
        end = time.monotonic_ns()
        history.append((start, end, int(out) if code == 0 else None, err.strip()))
    results.put(history)


def check_counter(kvstore, store, env, processes, ops):
    history = run_workers(processes, lambda i, results: incrementer(kvstore, store, env, ops, results))
    problems = ["inc failed: %s" % err for _, _, value, err in history if value is None]
    values = sorted(value for _, _, value, _ in history if value is not None)
    if values != list(range(1, len(history) + 1)):
        problems.append("results are not 1..%d (first differences: %s)" % (len(history), values[:5]))
    # Real-time order: sweep operations by start; everything that ended
    # before an operation began must have a smaller result.
    by_end = sorted(history, key=lambda op: op[1])
    highest_ended, i = 0, 0
    for start, end, value, _ in sorted(history, key=lambda op: op[0]):
        while i < len(by_end) and by_end[i][1] < start:
            highest_ended = max(highest_ended, by_end[i][2] or 0)
            i += 1
        if value is not None and value <= highest_ended:
            problems.append("inc returned %d after an inc that returned %d had already ended" % (value, highest_ended))
    return "counter: %d processes, %d increments, results 1..%d in real-time order" % (
        processes, len(history), len(history)), problems


def take_turns(take, release, ops, results):
    """ops times: take a lease with take() -> (number or None, error), hold it
    a moment, give it back with release() -> error. Records each turn's start,
    the moment it was held, the moment its release was asked, its number
    (token or term) and any error."""
    history = []
    for _ in range(ops):
        start = time.monotonic_ns()
        number, err = take()
        held = time.monotonic_ns()
        if number is None:
            history.append((start, held, held, None, err))
            continue
        time.sleep(random.uniform(0, 0.005))
        releasing = time.monotonic_ns()
        history.append((start, held, releasing, number, release()))
    results.put(history)


def check_turns(what, history):
    """Holding intervals never overlap; numbers rise in real-time order and
    are never issued twice."""
    problems = ["%s call failed: %s" % (what, err) for *_, err in history if err]
    held = sorted((acquired, releasing, number) for _, acquired, releasing, number, _ in history if number is not None)
    for (a_start, a_end, a_number), (b_start, b_end, b_number) in zip(held, held[1:]):
        if b_start < a_end:
            problems.append("two %s holders at once: %s and %s" % (what, a_number, b_number))
        if b_number <= a_number:
            problems.append("%s %s came after %s" % (what, b_number, a_number))
    numbers = [number for *_, number in held]
    if len(set(numbers)) != len(numbers):
        problems.append("a %s number was issued twice" % what)
    return len(held), problems


def locker(kvstore, store, env, index, ops, results):
    owner = "p%d" % index

    def take():
        code, out, err = run(env, kvstore, "--store", store, "--json", "lock-acquire", "tbl", "the-lock",
                             "--owner", owner, "--ttl", "30", "--wait", "60")
        return (json.loads(out)["token"], "") if code == 0 else (None, err.strip())

    take_turns(take, lambda: failure(env, kvstore, "--store", store, "lock-release", "tbl", "the-lock", "--owner", owner),
               ops, results)


def check_lock(kvstore, store, env, processes, ops):
    history = run_workers(processes, lambda i, results: locker(kvstore, store, env, i, ops, results))
    acquisitions, problems = check_turns("lock", history)
    return "lock: %d processes, %d acquisitions, no overlap, tokens rising" % (processes, acquisitions), problems


def candidate(kvstore, store, env, index, ops, results):
    """Campaigns (leader-elect has no --wait: it polls, as a standby would),
    leads a moment, resigns."""
    name = "c%d" % index

    def take():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            code, out, err = run(env, kvstore, "--store", store, "--json", "leader-elect", "tbl", "the-group",
                                 "--candidate", name, "--ttl", "30")
            if code == 0:
                return json.loads(out)["term"], ""
            if code != 1:
                return None, err.strip()
            time.sleep(random.uniform(0.001, 0.01))
        return None, "not elected within 60 s"

    take_turns(take, lambda: failure(env, kvstore, "--store", store, "leader-resign", "tbl", "the-group",
                                     "--candidate", name), ops, results)


def check_leader(kvstore, store, env, processes, ops):
    history = run_workers(processes, lambda i, results: candidate(kvstore, store, env, i, ops, results))
    terms, problems = check_turns("leader", history)
    return "leader: %d candidates, %d terms, one leader at a time, terms rising" % (processes, terms), problems


def check_lock_run(kvstore, store, env, work, processes=3):
    """lock-run around a command that outlives its lease (1.3 s against a
    1 s TTL): only renewals keep it, and the sections must never overlap."""
    log = os.path.join(work, "lock-run.log")
    section = 'echo "start $(date +%%s%%N)" >> %s; sleep 1.3; echo "end $(date +%%s%%N)" >> %s' % (log, log)
    runs = [subprocess.Popen([kvstore, "--store", store, "lock-run", "tbl", "the-run-lock", "--ttl", "1", "--wait", "60",
                              "--", "sh", "-c", section], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for _ in range(processes)]
    problems = []
    for run_ in runs:
        _, err = run_.communicate(timeout=120)
        if run_.returncode != 0:
            problems.append("lock-run exited %d: %s" % (run_.returncode, err.decode().strip()))
    events = sorted((int(t), kind) for kind, t in (line.split() for line in open(log)))
    kinds = [kind for _, kind in events]
    if kinds != ["start", "end"] * processes:
        problems.append("lock-run sections overlapped: %s" % kinds)
    return "lock-run: %d processes, sections of 1.3 s on a 1 s lease, one at a time" % processes, problems


MAX_RECEIVES = 3


def consumer(kvstore, store, env, log_path):
    """Pops and acks forever, logging 'got'/'acked' (fsync'd) around each.
    Poison messages (payload 'p...') are never acked, as if each delivery
    crashed the worker, so they must end in the dead-letter queue."""
    log = open(log_path, "a")

    def note(line):
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())

    while True:
        code, out, _ = run(env, kvstore, "--store", store, "--json", "queue-pop", "tbl", "work",
                           "--visibility-timeout", "1", "--wait", "1", "--max-receives", str(MAX_RECEIVES))
        if code != 0:
            continue
        message = json.loads(out)
        note("got %s %d" % (message["payload"], message["receive_count"]))
        time.sleep(random.uniform(0, 0.02))  # working on it: a kill lands here as often as not
        if message["payload"].startswith("p"):
            continue
        code, _, _ = run(env, kvstore, "--store", store, "queue-ack", "tbl", "work", message["receipt"])
        if code == 0:
            note("acked %s" % message["payload"])


def check_queue(kvstore, store, env, messages, work):
    consumers = 4
    logs = [os.path.join(work, "consumer-%d.log" % i) for i in range(consumers)]

    def spawn(i):
        pid = os.fork()
        if pid == 0:
            os.setsid()
            try:
                consumer(kvstore, store, env, logs[i])
            finally:
                os._exit(0)
        return pid

    pids = [spawn(i) for i in range(consumers)]
    pushed, problems, kills = [], [], 0
    for n in range(messages):
        payload = ("p%d" if n % 6 == 5 else "m%d") % n
        code, _, err = run(env, kvstore, "--store", store, "queue-push", "tbl", "work", payload)
        if code == 0:
            pushed.append(payload)
        else:
            problems.append("push failed: %s" % err.strip())
        if n % 5 == 4:  # now and then, kill a consumer mid-message and start another
            i = random.randrange(consumers)
            os.killpg(pids[i], signal.SIGKILL)
            os.waitpid(pids[i], 0)
            kills += 1
            pids[i] = spawn(i)
    # Until the consumers have drained the queue: it is empty and every poison
    # message pushed has reached the dead-letter queue. queue-size reads its
    # three counts one after another, so a message between two states (a pop
    # has moved it back to ready and not yet into flight) can go uncounted once;
    # the dead-letter count keeps that from ending the wait early.
    poison_pushed = sum(1 for p in pushed if p.startswith("p"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if queue_is_empty(kvstore, store, env, "work") and dead_letters(kvstore, store, env) >= poison_pushed:
            break
        time.sleep(0.2)
    else:
        problems.append("the consumers did not empty the queue within 60 s")
    for pid in pids:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    got, acked, redelivered = {}, [], 0
    for path in logs:
        for line in open(path):
            parts = line.split()
            if parts[0] == "got":
                got.setdefault(parts[1], []).append(int(parts[2]))
            elif parts[0] == "acked":
                acked.append(parts[1])
    for payload, counts in got.items():
        # Each delivery counts one more (a delivery to a consumer killed before
        # it could log it leaves a gap): no count may repeat.
        if len(set(counts)) != len(counts):
            problems.append("%s: receive counts %s repeat" % (payload, sorted(counts)))
        if max(counts) > MAX_RECEIVES:
            problems.append("%s: delivered %d times, past --max-receives %d" % (payload, max(counts), MAX_RECEIVES))
        redelivered += len(counts) > 1
    if len(acked) != len(set(acked)):
        problems.append("a message was acked twice")
    time.sleep(1.1)
    left, dead = drain(kvstore, store, env, "work"), drain(kvstore, store, env, "work.dlq")
    if set(left) & set(acked):
        problems.append("acked messages came back: %s" % sorted(set(left) & set(acked))[:5])
    if len(dead) != len(set(dead)) or set(dead) & set(acked):
        problems.append("dead letters twice or also acked: %s" % sorted(dead))
    poison = {p for p in pushed if p.startswith("p")}
    if poison - set(dead):
        problems.append("poison messages not in the dead-letter queue: %s" % sorted(poison - set(dead)))
    # Acked, or left in the queue; a message that was delivered but whose ack
    # was not logged may have been acked by a consumer killed just after.
    missing = set(pushed) - set(acked) - set(left) - set(dead) - set(got)
    if missing:
        problems.append("messages lost: %s" % sorted(missing)[:5])
    return ("queue: %d messages (%d poison), 4 consumers, %d killed mid-stream, %d redelivered, %d acked exactly "
            "once, %d dead-lettered" % (len(pushed), len(poison), kills, redelivered, len(set(acked)), len(dead))), problems


def queue_size(kvstore, store, env, queue):
    """queue-size's three counts, or None when it failed."""
    code, out, _ = run(env, kvstore, "--store", store, "--json", "queue-size", "tbl", queue)
    return json.loads(out) if code == 0 else None


def queue_is_empty(kvstore, store, env, queue):
    size = queue_size(kvstore, store, env, queue)
    return size is not None and size["visible"] == 0 and size["in_flight"] == 0 and size["delayed"] == 0


def dead_letters(kvstore, store, env):
    size = queue_size(kvstore, store, env, "work.dlq")
    return size["visible"] if size is not None else 0


def drain(kvstore, store, env, queue):
    """Pops every message left in `queue`; returns their payloads."""
    payloads = []
    while True:
        code, out, _ = run(env, kvstore, "--store", store, "--json", "queue-pop", "tbl", queue, "--visibility-timeout", "60")
        if code != 0:
            return payloads
        payloads.append(json.loads(out)["payload"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kvstore")
    parser.add_argument("endpoint", nargs="?", help="DynamoDB Local endpoint; without it, the embedded store")
    parser.add_argument("--processes", type=int, default=8)
    # KVSTORE_TEST_SCALE shrinks the run where every process starts slowly (the sanitizer builds).
    scale = float(os.environ.get("KVSTORE_TEST_SCALE") or 1)
    parser.add_argument("--ops", type=int, default=max(1, round(25 * scale)), help="operations per process")
    parser.add_argument("--messages", type=int, default=max(5, round(60 * scale)))
    args = parser.parse_args()
    kvstore = os.path.abspath(args.kvstore)
    all_problems = []
    with tempfile.TemporaryDirectory(prefix="kvstore-concurrency-") as work:
        env = dict(os.environ)
        if args.endpoint:
            env.update(AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret", AWS_REGION="us-east-1",
                       KVSTORE_TABLE_PREFIX="conc-%d-%d-" % (os.getpid(), int(time.time())), KVSTORE_MAX_CLOCK_SKEW="0")
            store = "dynamodb+" + args.endpoint
        else:
            store = "sqlite:" + os.path.join(work, "store.db")
        code, _, err = run(env, kvstore, "--store", store, "create-table", "tbl")
        if code != 0:
            print("cannot create the table: " + err)
            return 1
        for check in (lambda: check_counter(kvstore, store, env, args.processes, args.ops),
                      lambda: check_lock(kvstore, store, env, args.processes, args.ops),
                      lambda: check_leader(kvstore, store, env, args.processes, max(1, args.ops // 5)),
                      lambda: check_lock_run(kvstore, store, env, work),
                      lambda: check_queue(kvstore, store, env, args.messages, work)):
            started = time.monotonic()
            summary, problems = check()
            print("%s (%s, %.1f s)" % (summary, "DynamoDB Local" if args.endpoint else "embedded", time.monotonic() - started))
            all_problems += problems
        if args.endpoint:
            run(env, kvstore, "--store", store, "drop-table", "tbl")
    for p in all_problems:
        print("FAIL: " + p)
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main())
