#!/usr/bin/python3
"""Damage to an embedded store file never yields wrong bytes with exit 0.

A store holds keys of many sizes and a few counters, checkpointed so the file
alone is the store. Each round copies it, overwrites 64 bytes at a random
offset, and reads every key back: each read must give exactly the bytes
written (exit 0), or fail (exit 1 "missing" when SQLite's structure hides it,
exit 3 when the damage is seen). `kvstore check` must find damage in every
round where a read saw it.

Usage: corruption_check.py KVSTORE [--rounds N] [--seed S]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile


def run(kvstore, store, *args):
    r = subprocess.run([kvstore, "--store", store, *args], capture_output=True, timeout=60)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kvstore")
    parser.add_argument("--rounds", type=int, default=150,
                        help="rounds, times KVSTORE_TEST_SCALE (the sanitizer run's 0.1), at least 10")
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30))
    args = parser.parse_args()
    # Each round starts ~20 kvstore processes, ~10x slower under the sanitizers: 150 rounds took
    # over CTest's 300 s there.
    args.rounds = max(10, round(args.rounds * float(os.environ.get("KVSTORE_TEST_SCALE") or 1)))
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="kvstore-corruption-")
    failures, outcomes = [], {"intact": 0, "missing": 0, "detected": 0}
    try:
        base = os.path.join(work, "base.db")
        run(args.kvstore, base, "create-table", "tbl")
        values = {}
        for n in range(16):
            size = rng.choice([1, 40, 300, 2000, 9000, 60000])
            values["k%d" % n] = bytes(rng.randrange(256) for _ in range(size))
            subprocess.run([args.kvstore, "--store", base, "set", "tbl", "k%d" % n, "-"], input=values["k%d" % n],
                           check=True, capture_output=True)
        for n in range(4):
            run(args.kvstore, base, "inc", "tbl", "c%d" % n, "--by", str(1000 + n))
        run(args.kvstore, base, "checkpoint")
        size = os.path.getsize(base)
        for round_no in range(args.rounds):
            damaged = os.path.join(work, "damaged.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(damaged + suffix):
                    os.remove(damaged + suffix)
            shutil.copyfile(base, damaged)
            offset = rng.randrange(100, size - 64)  # past SQLite's 100-byte file header
            with open(damaged, "r+b") as f:
                f.seek(offset)
                f.write(bytes(rng.randrange(256) for _ in range(64)))
            seen = False
            for key, value in values.items():
                code, out, err = run(args.kvstore, damaged, "get", "tbl", key)
                if code == 0 and out != value:
                    failures.append("round %d (offset %d): get %s gave wrong bytes with exit 0" % (round_no, offset, key))
                if code not in (0, 1, 3) or (code != 0 and err.count("\n") != 1):
                    failures.append("round %d (offset %d): get %s exit %d, not one clear line: %r" % (
                        round_no, offset, key, code, err[:300]))
                outcomes["intact" if code == 0 else "missing" if code == 1 else "detected"] += 1
                seen = seen or code == 3
            for n in range(4):
                code, out, err = run(args.kvstore, damaged, "get-counter", "tbl", "c%d" % n)
                if code == 0 and out.strip() not in (b"%d" % (1000 + n), b"0"):
                    failures.append("round %d: counter c%d read %r with exit 0" % (round_no, n, out))
            if seen and round_no % 5 == 0:
                code, out, err = run(args.kvstore, damaged, "check")
                if code == 0:
                    failures.append("round %d (offset %d): a read saw damage that check missed" % (round_no, offset))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("corruption (seed %d): %d rounds; reads intact %d, missing %d, damage detected %d" % (
        args.seed, args.rounds, outcomes["intact"], outcomes["missing"], outcomes["detected"]))
    if outcomes["detected"] == 0:
        failures.append("no round's damage was detected: the check cannot have worked")
    for f in failures[:20]:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
