#!/usr/bin/python3
"""The partition-limit simulator itself: it must throttle a partition at its
limit, answer as DynamoDB does for single writes, transactions and batches, and
split for heat only where DynamoDB would (spread keys yes; one item and
sequential sort keys no) -- raw requests, so these checks do not depend on
kvstore -- and kvstore must ride out its throttling: no error reaches the user.

Usage: partition_simulator_test.py KVSTORE_BINARY DYNAMODB_LOCAL_ENDPOINT
"""
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
kvstore, upstream = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
from partition_simulator import HASH_SPACE, key_hash  # noqa: E402

LIMIT = 40  # write units per partition per second
PARTITIONS = 4  # a new table's
simulator = subprocess.Popen([sys.executable, os.path.join(here, "partition_simulator.py"), upstream,
                              "--partitions", str(PARTITIONS), "--write-limit", str(LIMIT), "--read-limit", str(3 * LIMIT), "--split-after", "1"],
                             stdout=subprocess.PIPE, text=True)
endpoint = simulator.stdout.readline().strip().split("://", 1)[1]
AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
prefix = "sim%d-" % random.randrange(1 << 30)
problems = []


def call(op, body, connection=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection(endpoint, timeout=30)
    connection.request("POST", "/", body=json.dumps(body), headers={
        "X-Amz-Target": "DynamoDB_20120810." + op, "Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH})
    response = connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    if own:
        connection.close()
    return response.status, answer


def initial_partition(pk):
    return key_hash({"S": pk}) * PARTITIONS // HASH_SPACE


def pks_in_partition(of, count):
    """`count` partition key values that start in the same partition as `of`."""
    names = ("p%d" % i for i in range(10 ** 6))
    return [n for n in names if initial_partition(n) == initial_partition(of)][:count]


def make_table(name):
    table = prefix + name
    call("CreateTable", {"TableName": table, "BillingMode": "PAY_PER_REQUEST",
                         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "S"}],
                         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}]})
    return table


def item(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"S": "x" * 100}}


def hammer(table, keys, seconds, writers=4):
    """Puts keys() as fast as `writers` threads can for `seconds`: (written, throttled)."""
    counts = {"written": 0, "throttled": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def writer():
        connection = http.client.HTTPConnection(endpoint, timeout=30)
        while time.monotonic() < stop:
            pk, sk = keys()
            status, answer = call("PutItem", {"TableName": table, "Item": item(pk, sk)}, connection)
            with lock:
                if status == 200:
                    counts["written"] += 1
                elif "ProvisionedThroughputExceeded" in answer.get("__type", ""):
                    counts["throttled"] += 1
                    time.sleep(0.005)
                else:
                    problems.append("PutItem answered %d %s" % (status, answer))
                    return

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["written"], counts["throttled"]


def model(table):
    connection = http.client.HTTPConnection(endpoint, timeout=30)
    connection.request("GET", "/partitions")
    return json.loads(connection.getresponse().read())[table]


def check(what, ok, detail):
    if not ok:
        problems.append("%s: %s" % (what, detail))


def sequential_keys_stay_on_one_partition():
    table = make_table("seq")
    sequence = iter(range(10 ** 9))
    written, throttled = hammer(table, lambda: ("k", "job-%09d" % next(sequence)), 4)
    # A second's worth to start with, the limit, and a fresh second's worth when
    # the hot item collection is first given a partition of its own: ~6 x LIMIT.
    check("sequential: rate held to the limit", written <= 7 * LIMIT, "%d written in 4 s" % written)
    check("sequential: throttled", throttled > 0, "no request throttled")
    splits = model(table)["splits"]
    check("sequential: no sort-key split", not any(s.get("at_sort_key") for s in splits), splits)
    check("sequential: split refused as sequential", any("sequential" in s["reason"] for s in splits), splits)


def spread_keys_split_by_sort_key():
    table = make_table("spread")
    written, _ = hammer(table, lambda: ("k", "%08x" % random.randrange(1 << 32)), 5)
    splits = model(table)["splits"]
    check("spread: split by sort key", any(s.get("at_sort_key") for s in splits), splits)
    check("spread: more than one partition's worth", written > 6 * LIMIT, "%d written in 5 s" % written)


def one_item_is_not_split():
    table = make_table("single")
    hammer(table, lambda: ("k", "counter"), 4)
    splits = model(table)["splits"]
    check("single item: refused", any(s["reason"] == "single hot item" for s in splits), splits)
    check("single item: no sort-key split", not any(s.get("at_sort_key") for s in splits), splits)


def partition_keys_split_by_hash():
    table = make_table("hash")
    shards = pks_in_partition("p0", 8)
    hammer(table, lambda: (random.choice(shards), "%08x" % random.randrange(1 << 32)), 4)
    splits = model(table)["splits"]
    check("partition keys: split by hash", any(s.get("at_hash") for s in splits), splits)


def throttled_answers_have_dynamodbs_shape():
    table = make_table("shape")
    cold = next(n for n in ("p%d" % i for i in range(100)) if initial_partition(n) != initial_partition("k"))
    # A 200 KB item costs 200 write units: partition "k" owes seconds of capacity.
    call("PutItem", {"TableName": table, "Item": dict(item("k", "big"), v={"S": "x" * 200_000})})
    status, answer = call("TransactWriteItems", {"TransactItems": [
        {"Put": {"TableName": table, "Item": item("k", "t1")}},
        {"Put": {"TableName": table, "Item": item(cold, "t2")}}]})
    check("transaction: cancelled", status == 400 and answer.get("__type", "").endswith("TransactionCanceledException"), answer)
    reasons = [r["Code"] for r in answer.get("CancellationReasons", [])]
    check("transaction: ThrottlingError on the hot item only", reasons == ["ThrottlingError", "None"], reasons)
    status, answer = call("BatchWriteItem", {"RequestItems": {table: [
        {"PutRequest": {"Item": item("k", "b1")}}, {"PutRequest": {"Item": item(cold, "b2")}}]}})
    left = answer.get("UnprocessedItems", {}).get(table, [])
    check("batch: the hot item left unprocessed", status == 200 and len(left) == 1 and
          left[0]["PutRequest"]["Item"]["sk"]["S"] == "b1", answer)
    status, answer = call("GetItem", {"TableName": table, "Key": {"pk": {"S": cold}, "sk": {"S": "b2"}}})
    check("batch: the cold item written", status == 200 and "Item" in answer, answer)


def kvstore_rides_out_throttling():
    """Four processes writing at several times one partition's limit: all
    their writes land, none reports an error."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_REGION="us-east-1",
               KVSTORE_TABLE_PREFIX=prefix)
    store = ["--store", "dynamodb+http://" + endpoint]
    # Layout 1 keeps every key in one partition: the one that throttles. A
    # 200 KB item leaves it owing 5 s of capacity, so the writers meet the
    # limit however slowly they start (ASan's processes start ~10x slower).
    subprocess.run([kvstore, *store, "create-table", "cli", "--layout", "1"], env=env, check=True, capture_output=True)
    call("PutItem", {"TableName": prefix + "cli", "Item": dict(item("k", "big"), v={"S": "x" * 200_000})})
    script = 'for i in $(seq 1 40); do "$0" "$@" set cli "w$W-$(printf %05d "$i")" v >/dev/null || exit 1; done'
    writers = [subprocess.Popen(["sh", "-c", script, kvstore, *store], env=dict(env, W=str(w)),
                                stderr=subprocess.PIPE, text=True) for w in range(4)]
    for w in writers:
        err = w.communicate()[1]
        check("kvstore under throttling: exit", w.returncode == 0, err.strip()[-300:])
    throttled = model(prefix + "cli")["throttled"]["write"]
    check("kvstore under throttling: was throttled", throttled > 0, "the writers never met the limit")
    listed = subprocess.run([kvstore, *store, "list", "cli", "--prefix", "w"], env=env, capture_output=True,
                            text=True).stdout.split()
    check("kvstore under throttling: every write landed", len(listed) == 160, "%d keys listed" % len(listed))


try:
    for scenario in (kvstore_rides_out_throttling, sequential_keys_stay_on_one_partition, spread_keys_split_by_sort_key, one_item_is_not_split,
                     partition_keys_split_by_hash, throttled_answers_have_dynamodbs_shape):
        scenario()
finally:
    simulator.terminate()
    for name in ("seq", "spread", "single", "hash", "shape", "cli"):
        call("DeleteTable", {"TableName": prefix + name}, http.client.HTTPConnection(upstream.split("://", 1)[1]))
for problem in problems:
    print("FAIL", problem)
print("partition simulator: %d problems" % len(problems))
sys.exit(1 if problems else 0)
