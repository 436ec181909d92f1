#!/usr/bin/python3
"""Crash safety of the embedded store: writers of every kind run the real
kvstore CLI in loops and are killed with SIGKILL at random moments, round
after round; then every acknowledged write must be there, no transaction or
batch request may be partly applied, counters must hold every acknowledged
increment (and at most the attempted ones), queues must hold or have
delivered every acknowledged push, and SQLite's integrity check must pass.
Then the same store on a full disk and on a read-only file system: a clear
exit 3, nothing corrupted, and writes work again once space is back. Then
backup and vacuum while writers write: nothing acknowledged is lost, and the
backup holds every write acknowledged before it began.

Usage: crash_harness.py KVSTORE [--rounds N] [--seed S]   (CTest: 12 rounds;
a soak: --rounds 500). Prints one line of figures at the end.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

WRITERS = ["set", "inc", "push", "consume", "lpush", "transaction", "batch"]
BATCH = 25        # entries per batch-set request: one request, atomic
TXN_KEYS = 10     # keys set together by each transaction


def kvstore_argv(kvstore, store, *args):
    return [kvstore, "--store", store, *args]


# --- the writer side: runs in a child process, logs what was acknowledged ---

def writer_loop(kvstore, store, kind, wid, log_path):
    """Runs commands of one kind forever; appends 'try N' before and 'ok N'
    after each acknowledged command to its log (fsync'd, so the log survives
    the writer's own SIGKILL)."""
    log = open(log_path, "a")

    def note(line):
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())

    def run(*args, stdin=None):
        r = subprocess.run(kvstore_argv(kvstore, store, *args), input=stdin, capture_output=True)
        return r.returncode, r.stdout.decode("utf-8", "replace")

    # Numbers keep rising across rounds: continue after the last one tried.
    tried, _, _ = read_log(log_path)
    n = max(tried, default=0)
    while True:
        n += 1
        note("try %d" % n)
        if kind == "set":
            code, _ = run("set", "tbl", "set-%d-%d" % (wid, n), str(n))
        elif kind == "inc":
            code, _ = run("inc", "tbl", "count-%d" % wid)
        elif kind == "push":
            code, _ = run("queue-push", "tbl", "jobs", "msg-%d-%d" % (wid, n))
        elif kind == "consume":
            code, out = run("--json", "queue-pop", "tbl", "jobs", "--visibility-timeout", "1")
            if code == 1:  # empty
                note("empty %d" % n)
                time.sleep(0.01)
                continue
            if code == 0:
                message = json.loads(out)
                note("got %d %s" % (n, message["payload"]))
                code, _ = run("queue-ack", "tbl", "jobs", message["receipt"])
                if code == 0:
                    note("acked %d %s" % (n, message["payload"]))
                continue
        elif kind == "lpush":
            code, _ = run("lpush", "tbl", "list-%d" % wid, str(n))
        elif kind == "transaction":
            ops = ",".join('{"op":"set","key":"txn-%d-%d","value":"%d"}' % (wid, k, n) for k in range(TXN_KEYS))
            ops += ',{"op":"inc","key":"txn-%d-count"}' % wid
            code, _ = run("transaction", "tbl", "--file", "-", stdin=("[" + ops + "]").encode())
        elif kind == "batch":
            lines = "".join('{"key":"batch-%d-%d","value":"%d"}\n' % (wid, k, n) for k in range(BATCH))
            code, _ = run("batch-set", "tbl", "--file", "-", stdin=lines.encode())
        if code == 0:
            note("ok %d" % n)
        elif code != 3:  # 3: the store was busy past its timeout; anything else is a bug
            note("bad %d exit %d" % (n, code))


# --- the checking side ---

class Failures:
    def __init__(self):
        self.messages = []

    def check(self, condition, message):
        if not condition:
            self.messages.append(message)


def read_log(path):
    tried, acked, lines = set(), set(), []
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("try", "ok"):
                (tried if parts[0] == "try" else acked).add(int(parts[1]))
            lines.append(parts)
    return tried, acked, lines


def cli(kvstore, store, *args):
    r = subprocess.run(kvstore_argv(kvstore, store, *args), capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def values_of(kvstore, store, keys):
    """The distinct values the keys hold (None for a missing one): one value
    when the writes that set them together were all applied or none."""
    values = set()
    for key in keys:
        code, out, _ = cli(kvstore, store, "get", "tbl", key)
        values.add(out if code == 0 else None)
    return values


def check_store(kvstore, store, path, logs, failures):
    """Checks every writer's acknowledged work against the store; returns
    the number of acknowledged writes checked."""
    checked = 0
    for (kind, wid), log_path in logs.items():
        tried, acked, lines = read_log(log_path)
        for parts in lines:
            if parts and parts[0] == "bad":
                failures.check(False, "%s writer %d: %s" % (kind, wid, " ".join(parts)))
        if kind == "set":
            for n in acked:
                code, out, _ = cli(kvstore, store, "get", "tbl", "set-%d-%d" % (wid, n))
                failures.check(code == 0 and out == str(n), "acknowledged set-%d-%d is missing or wrong" % (wid, n))
            checked += len(acked)
        elif kind == "inc":
            code, out, _ = cli(kvstore, store, "get-counter", "tbl", "count-%d" % wid)
            value = int(out) if code == 0 else 0
            failures.check(len(acked) <= value <= len(tried),
                           "counter %d is %d; %d increments acknowledged, %d tried" % (wid, value, len(acked), len(tried)))
            checked += len(acked)
        elif kind == "lpush":
            code, out, _ = cli(kvstore, store, "lrange", "tbl", "list-%d" % wid, "0", "-1")
            values = [int(v) for v in out.split()] if code == 0 else []
            failures.check(len(values) == len(set(values)), "list %d holds a value twice" % wid)
            failures.check(acked <= set(values) <= tried, "list %d lost an acknowledged push or holds an untried one" % wid)
            failures.check(values == sorted(values, reverse=True), "list %d is out of push order" % wid)
            checked += len(acked)
        elif kind == "transaction":
            values = values_of(kvstore, store, ["txn-%d-%d" % (wid, k) for k in range(TXN_KEYS)])
            failures.check(len(values) == 1, "transaction writer %d: partly applied (%s)" % (wid, sorted(map(str, values))))
            last = max(acked) if acked else None
            if last is not None and len(values) == 1:
                failures.check(int(values.pop()) >= last, "transaction writer %d: acknowledged %d is not there" % (wid, last))
            code, out, _ = cli(kvstore, store, "get-counter", "tbl", "txn-%d-count" % wid)
            count = int(out) if code == 0 else 0
            failures.check(len(acked) <= count <= len(tried), "transaction writer %d: %d applied, %d acknowledged" % (wid, count, len(acked)))
            checked += len(acked)
        elif kind == "batch":
            values = values_of(kvstore, store, ["batch-%d-%d" % (wid, k) for k in range(BATCH)])
            failures.check(len(values) == 1, "batch writer %d: a request was partly applied (%s)" % (wid, sorted(map(str, values))))
            if acked and len(values) == 1:
                failures.check(int(values.pop()) >= max(acked), "batch writer %d: acknowledged batch missing" % wid)
            checked += len(acked)
    checked += check_queue(kvstore, store, logs, failures)
    r = subprocess.run(["sqlite3", path, "PRAGMA integrity_check"], capture_output=True, text=True)
    failures.check(r.stdout.strip() == "ok", "integrity_check: %s %s" % (r.stdout.strip(), r.stderr.strip()))
    return checked


def check_queue(kvstore, store, logs, failures):
    """Every acknowledged push was delivered and acked, or is still in the
    queue; nothing acked comes back."""
    pushed, acked_payloads, delivered = set(), [], set()
    for (kind, wid), log_path in logs.items():
        tried, acked, lines = read_log(log_path)
        if kind == "push":
            pushed |= {"msg-%d-%d" % (wid, n) for n in acked}
        if kind == "consume":
            acked_payloads += [parts[2] for parts in lines if parts and parts[0] == "acked"]
            # Popped, then perhaps acked by a consumer killed before it could say so.
            delivered |= {parts[2] for parts in lines if parts and parts[0] == "got"}
    failures.check(len(acked_payloads) == len(set(acked_payloads)), "a message was acked twice")
    time.sleep(1.1)  # in-flight messages of killed consumers become visible again
    remaining = set()
    while True:
        code, out, _ = cli(kvstore, store, "--json", "queue-pop", "tbl", "jobs", "--visibility-timeout", "60")
        if code != 0:
            break
        message = json.loads(out)
        remaining.add(message["payload"])
        cli(kvstore, store, "queue-ack", "tbl", "jobs", message["receipt"])
    failures.check(not (remaining & set(acked_payloads)), "an acked message came back")
    lost = pushed - remaining - delivered
    failures.check(not lost, "acknowledged pushes lost: %s" % sorted(lost)[:5])
    return len(pushed)


def start_writers(kvstore, store, logs):
    """One forked writer_loop per log; returns their pids."""
    children = []
    for (kind, wid), log_path in logs.items():
        pid = os.fork()
        if pid == 0:
            os.setsid()  # its own group: the kill takes the kvstore child with it
            try:
                writer_loop(kvstore, store, kind, wid, log_path)
            finally:
                os._exit(0)
        children.append(pid)
    return children


def crash_rounds(kvstore, work, rounds, rng, failures):
    store_path = os.path.join(work, "crash.db")
    store = "sqlite:" + store_path
    cli(kvstore, store, "create-table", "tbl")
    logs = {(kind, wid): os.path.join(work, "%s-%d.log" % (kind, wid))
            for wid, kind in enumerate(WRITERS)}
    kills = 0
    for _ in range(rounds):
        children = start_writers(kvstore, store, logs)
        time.sleep(rng.uniform(0.2, 0.8))
        # Kill them one by one at random moments, mid-command as often as not.
        rng.shuffle(children)
        for pid in children:
            time.sleep(rng.uniform(0, 0.05))
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            kills += 1
        code, _, err = cli(kvstore, store, "get", "tbl", "probe")
        failures.check(code in (0, 1), "the store did not open after a round of kills: %s" % err.strip())
    checked = check_store(kvstore, store, store_path, logs, failures)
    return kills, checked


def store_bytes(path):
    """The store file and its write-ahead log (gone once SQLite's own CLI closed it)."""
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def backup_and_vacuum_during_writes(kvstore, work, failures):
    """Writers keep writing while `kvstore vacuum` gives back a dropped
    table's pages and `kvstore backup` copies the store. The live store must
    then hold every acknowledged write; the copy every write acknowledged
    before the backup began (and nothing torn), pass SQLite's integrity check
    and be a single file. Returns a line of figures."""
    store_path = os.path.join(work, "live.db")
    store = "sqlite:" + store_path
    copy = os.path.join(work, "copy.db")
    cli(kvstore, store, "create-table", "tbl")
    cli(kvstore, store, "create-table", "bulk")
    bulk = "".join('{"key":"b%d","value":"%s"}\n' % (n, "x" * 2000) for n in range(3000))
    subprocess.run(kvstore_argv(kvstore, store, "batch-set", "bulk", "--file", "-"), input=bulk.encode(), check=True,
                   capture_output=True)
    cli(kvstore, store, "drop-table", "bulk")
    kinds = ["set", "inc", "push", "lpush", "transaction", "batch"]
    logs = {(kind, wid): os.path.join(work, "bw-%s-%d.log" % (kind, wid)) for wid, kind in enumerate(kinds)}
    children = start_writers(kvstore, store, logs)
    time.sleep(0.3)
    size_before = store_bytes(store_path)
    vacuumed = cli(kvstore, store, "vacuum")
    time.sleep(0.2)
    before = {key: open(path).read() for key, path in logs.items()}
    backed_up = cli(kvstore, store, "backup", copy)
    after = {key: open(path).read() for key, path in logs.items()}
    time.sleep(0.2)
    for pid in children:
        os.killpg(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    failures.check(vacuumed[0] == 0, "vacuum beside writers: exit %d %s" % (vacuumed[0], vacuumed[2].strip()))
    failures.check(backed_up[0] == 0, "backup beside writers: exit %d %s" % (backed_up[0], backed_up[2].strip()))
    failures.check(not os.path.exists(copy + "-wal"), "the backup is not a single file: it has a -wal")
    # The copy: tried as of the backup's end, acknowledged as of its start.
    as_of_backup = {}
    for key, path in logs.items():
        merged = path + ".as-of-backup"
        with open(merged, "w") as f:
            f.writelines(line + "\n" for line in after[key].splitlines() if not line.startswith("ok "))
            f.writelines(line + "\n" for line in before[key].splitlines() if line.startswith("ok "))
        as_of_backup[key] = merged
    in_copy = check_store(kvstore, "sqlite:" + copy, copy, as_of_backup, failures)
    in_live = check_store(kvstore, store, store_path, logs, failures)
    size_after = store_bytes(store_path)
    failures.check(size_after < size_before - 4_000_000, "vacuum gave back too little: %d -> %d bytes" % (size_before, size_after))
    return "%d acknowledged writes in the backup, %d in the store; vacuum %d -> %d bytes" % (
        in_copy, in_live, size_before, size_after)


def disk_full_and_read_only(kvstore, work, failures):
    """On a 4 MiB tmpfs: fill it, expect one clear exit-3 line and an intact
    store; free space (a filler file goes), expect writes to work; remount
    read-only, expect refused writes and an unchanged store.
    Needs mount privileges; reports 'skipped' without them."""
    mnt = os.path.join(work, "small")
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], capture_output=True).returncode != 0:
        return "skipped (no mount privilege)"
    try:
        store_path = os.path.join(mnt, "full.db")
        store = "sqlite:" + store_path
        cli(kvstore, store, "create-table", "tbl")
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (1536 * 1024))
        acked = []
        code, err = 0, ""
        value = "x" * 200000
        for n in range(200):  # 40 MB of values into 4 MiB
            r = subprocess.run(kvstore_argv(kvstore, store, "set", "tbl", "k%d" % n, "-"), input=value.encode(),
                               capture_output=True)
            code, err = r.returncode, r.stderr.decode()
            if code != 0:
                break
            acked.append(n)
        failures.check(code == 3, "a full disk gave exit %d, not 3: %s" % (code, err.strip()))
        failures.check(err.count("\n") == 1 and err.startswith("kvstore: "), "a full disk gave not one line: %r" % err)
        failures.check("full" in err.lower() or "space" in err.lower(), "the full-disk message does not say so: %r" % err)
        for n in acked[-3:]:
            r = subprocess.run(kvstore_argv(kvstore, store, "get", "tbl", "k%d" % n), capture_output=True)
            failures.check(r.returncode == 0 and len(r.stdout) == len(value), "k%d lost on a full disk" % n)
        os.remove(filler)  # space is back
        code, _, err = cli(kvstore, store, "set", "tbl", "after", "space is back")
        failures.check(code == 0, "writes did not work again once space was back: %s" % err.strip())
        r = subprocess.run(["sqlite3", store_path, "PRAGMA integrity_check"], capture_output=True, text=True)
        failures.check(r.stdout.strip() == "ok", "integrity after a full disk: %s" % r.stdout.strip())
        # Read-only: reads answer, writes exit 3 with one line, nothing changes.
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
        code, out, err = cli(kvstore, store, "get", "tbl", "after")
        failures.check(code in (0, 3), "a read on a read-only file system gave exit %d: %s" % (code, err.strip()))
        code, _, err = cli(kvstore, store, "set", "tbl", "ro", "x")
        failures.check(code == 3 and err.count("\n") == 1, "a write on a read-only file system: exit %d %r" % (code, err))
        subprocess.run(["mount", "-o", "remount,rw", mnt], check=True)
        code, out, _ = cli(kvstore, store, "get", "tbl", "after")
        failures.check(code == 0 and out == "space is back", "the store changed while read-only")
        return "%d writes before the disk filled" % len(acked)
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kvstore")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = Failures()
    with tempfile.TemporaryDirectory(prefix="kvstore-crash-") as work:
        started = time.monotonic()
        kills, checked = crash_rounds(os.path.abspath(args.kvstore), work, args.rounds, rng, failures)
        disk = disk_full_and_read_only(os.path.abspath(args.kvstore), work, failures)
        maintenance = backup_and_vacuum_during_writes(os.path.abspath(args.kvstore), work, failures)
        print("crash harness (seed %d): %d rounds, %d writers killed, %d acknowledged writes checked, "
              "disk full: %s; during writes: %s; %.0f s" % (args.seed, args.rounds, kills, checked, disk, maintenance,
                                                             time.monotonic() - started))
    for message in failures.messages:
        print("FAIL: " + message)
    return 1 if failures.messages else 0


if __name__ == "__main__":
    sys.exit(main())
