#!/usr/bin/python3
"""A partition-limit simulator: a loopback proxy in front of DynamoDB Local that
throttles as DynamoDB's partitions do, so that a layout's throughput ceiling can
be measured on one machine (docs/scale.md describes the model and its limits).

DynamoDB Local serves any rate it can; real DynamoDB serves at most 1,000 write
units and 3,000 read units per second per partition. This proxy keeps a model of
each table's partitions and answers a request for a partition that has used up
its second's worth with the error DynamoDB gives (ProvisionedThroughputExceeded,
a transaction's ThrottlingError, a batch's unprocessed items).

The model, as DynamoDB documents it (the DynamoDB paper, USENIX ATC 2022, and the
developer guide's "Partitions" and "Burst and adaptive capacity"):
  - An item belongs to the partition whose range of the partition key's hash
    holds it; a table starts with --partitions equal ranges.
  - Each partition has a write bucket of --write-limit units per second and a
    read bucket of --read-limit, each holding at most one second's worth. A
    request is admitted while its partitions' buckets are above zero; what it
    consumed (DynamoDB Local's own ConsumedCapacity, shared equally among the
    items it touched) is then taken out, possibly below zero.
  - Split for heat: a partition that keeps throttling for --split-after seconds
    is split where the recent load divides in two -- between partition key
    values, or, when one item collection carries the load, at a sort key. A
    split that would leave the last quarter of the window's load mostly on one
    side is not made: that is the case of one hot item, and of sequential sort
    keys, whose load always lands on the newest range. At most --max-partitions.
Not modelled: burst credit (unused capacity saved for later), adaptive capacity
borrowing between partitions, the table-level on-demand ramp (double the previous
peak), account limits, eventually consistent reads at half cost (kvstore reads
strongly), and GSIs.

Usage: partition_simulator.py UPSTREAM_ENDPOINT [--port P] [--partitions N]
       [--write-limit W] [--read-limit R] [--split-after S] [--max-partitions M]
Prints "http://127.0.0.1:PORT" once listening. GET /partitions answers the model
as JSON: each table's partitions with their ranges, consumed units, requests and
throttles, and every split made or refused with its reason.
"""
import argparse
import collections
import hashlib
import http.client
import http.server
import json
import re
import threading
import time

PREFIX = "com.amazonaws.dynamodb.v20120810#"
HASH_SPACE = 1 << 64
WINDOW_SAMPLES = 4000  # recent accesses kept per partition for split decisions


def key_hash(value):
    """Where a partition key value falls in the hash space (DynamoDB's own
    hash is internal; any uniform hash behaves the same)."""
    return int.from_bytes(hashlib.md5(json.dumps(value, sort_keys=True).encode()).digest()[:8], "big")


class Bucket:
    """Units per second, holding at most one second's worth; may go below zero."""

    def __init__(self, rate):
        self.rate, self.tokens, self.at = rate, rate, time.monotonic()

    def available(self, now):
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens > 0

    def take(self, units):
        self.tokens -= units


class Partition:
    def __init__(self, table, hash_lo, hash_hi, pk=None, sk_lo=None, sk_hi=None):
        config = table.config
        self.table = table  # its totals outlive the partition's splits
        self.hash_lo, self.hash_hi = hash_lo, hash_hi
        self.pk, self.sk_lo, self.sk_hi = pk, sk_lo, sk_hi  # pk set: part of one item collection
        self.buckets = {"read": Bucket(config.read_limit), "write": Bucket(config.write_limit)}
        self.units = {"read": 0.0, "write": 0.0}
        self.requests = 0
        self.throttled = {"read": 0, "write": 0}
        self.hot_since = None
        self.last_throttle = 0.0
        self.recent = collections.deque(maxlen=WINDOW_SAMPLES)  # (time, hash, pk, sk, units)

    def holds(self, h, pk, sk):
        if not self.hash_lo <= h < self.hash_hi:
            return False
        if self.pk is None:
            return True
        return pk == self.pk and (self.sk_lo is None or sk >= self.sk_lo) and (self.sk_hi is None or sk < self.sk_hi)

    def describe(self):
        return {"hash_range": ["%016x" % self.hash_lo, "%016x" % (self.hash_hi - 1)],
                "item_collection": self.pk, "sort_range": [self.sk_lo, self.sk_hi],
                "requests": self.requests, "read_units": round(self.units["read"], 1),
                "write_units": round(self.units["write"], 1), "throttled": dict(self.throttled)}


class TableModel:
    def __init__(self, config, name, hash_attr, range_attr):
        self.config, self.name = config, name
        self.hash_attr, self.range_attr = hash_attr, range_attr
        self.throttled = {"read": 0, "write": 0}
        self.units = {"read": 0.0, "write": 0.0}
        step = HASH_SPACE // config.partitions
        bounds = [i * step for i in range(config.partitions)] + [HASH_SPACE]
        self.partitions = [Partition(self, bounds[i], bounds[i + 1]) for i in range(config.partitions)]
        self.splits = []

    def locate(self, key):
        pk = key.get(self.hash_attr)
        sk = sk_text(key.get(self.range_attr)) if self.range_attr else ""
        h = key_hash(pk)
        for p in self.partitions:
            if p.holds(h, pk, sk):
                return p, (h, json.dumps(pk, sort_keys=True), sk)
        raise AssertionError("no partition holds hash %x" % h)

    # --- split for heat -------------------------------------------------
    def consider_splits(self, now):
        for p in list(self.partitions):
            if p.hot_since is not None and now - p.last_throttle > 1.0:
                p.hot_since = None  # cooled down
            if p.hot_since is None or now - p.hot_since < self.config.split_after:
                continue
            p.hot_since = None
            if len(self.partitions) >= self.config.max_partitions:
                self.splits.append({"at": now, "split": False, "reason": "at the partition limit"})
                continue
            self.split(p, now)

    def split(self, p, now):
        window = [s for s in p.recent if now - s[0] <= self.config.split_after]
        by_hash = collections.Counter()
        for _, h, _, _, units in window:
            by_hash[h] += units
        if len(by_hash) >= 2 and p.pk is None:
            return self.split_by_hash(p, by_hash, now)
        if not by_hash:
            return
        h = next(iter(by_hash))
        if p.pk is None and (p.hash_lo, p.hash_hi) != (h, h + 1):
            return self.isolate(p, h, window[0][2], now)
        self.split_by_sort_key(p, window, now)

    def split_by_hash(self, p, by_hash, now):
        hashes = sorted(by_hash)
        total, running, cut = sum(by_hash.values()), 0.0, hashes[-1]
        for below, h in zip(hashes, hashes[1:]):  # the upper half starts past half the load
            running += by_hash[below]
            if running >= total / 2:
                cut = h
                break
        self.replace(p, [Partition(self, p.hash_lo, cut), Partition(self, cut, p.hash_hi)])
        self.splits.append({"at": now, "split": True, "reason": "load spread over partition key values",
                            "at_hash": "%016x" % cut})

    def isolate(self, p, h, pk_json, now):
        """One item collection carries the load: give it a partition of its own first."""
        parts = []
        if p.hash_lo < h:
            parts.append(Partition(self, p.hash_lo, h))
        alone = Partition(self, h, h + 1, pk=json.loads(pk_json))
        parts.append(alone)
        if h + 1 < p.hash_hi:
            parts.append(Partition(self, h + 1, p.hash_hi))
        self.replace(p, parts)
        self.splits.append({"at": now, "split": True, "reason": "hot item collection given its own partition",
                            "item_collection": alone.pk})

    def split_by_sort_key(self, p, window, now):
        keyed = sorted((s[3], s[4]) for s in window)
        total = sum(u for _, u in keyed)
        running, cut = 0.0, None
        for sk, units in keyed:
            running += units
            if running >= total / 2:
                cut = sk
                break
        # Would the split divide the load? Judge by the window's last quarter.
        start = window[0][0] + (window[-1][0] - window[0][0]) * 0.75
        late = [s for s in window if s[0] >= start]
        late_total = sum(s[4] for s in late) or 1.0
        above = sum(s[4] for s in late if s[3] > cut) / late_total
        distinct = len({s[3] for s in late})
        if distinct <= 1 or not 0.2 <= above <= 0.8:
            reason = "single hot item" if distinct <= 1 else "sequential sort keys: the load is on the newest range"
            self.splits.append({"at": now, "split": False, "reason": reason, "item_collection": p.pk})
            return
        cut_next = cut + "\0"  # the lower half keeps the cut key itself
        self.replace(p, [Partition(self, p.hash_lo, p.hash_hi, p.pk, p.sk_lo, cut_next),
                         Partition(self, p.hash_lo, p.hash_hi, p.pk, cut_next, p.sk_hi)])
        self.splits.append({"at": now, "split": True, "reason": "hot item collection split by sort key",
                            "item_collection": p.pk, "at_sort_key": cut_next})

    def replace(self, old, parts):
        i = self.partitions.index(old)
        self.partitions[i:i + 1] = parts

    def describe(self, started):
        return {"throttled": dict(self.throttled), "read_units": round(self.units["read"], 1),
                "write_units": round(self.units["write"], 1), "partitions": [p.describe() for p in self.partitions],
                "splits": [dict(s, at=round(s["at"] - started, 2)) for s in self.splits]}


def sk_text(value):
    """A sort key value as comparable text (S and N as text, B as its base64)."""
    if value is None:
        return ""
    return next(iter(value.values()))


class Simulator:
    def __init__(self, config, upstream):
        self.config, self.upstream = config, upstream
        self.lock = threading.Lock()
        self.tables = {}
        self.started = time.monotonic()
        self.local = threading.local()

    # --- upstream -------------------------------------------------------
    def forward(self, headers, body):
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = self.local.connection = http.client.HTTPConnection(self.upstream, timeout=60)
            try:
                connection.request("POST", "/", body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                self.local.connection = None
                if attempt == 1:
                    raise

    def table(self, name, headers):
        with self.lock:
            if name in self.tables:
                return self.tables[name]
        status, data = self.forward(dict(headers, **{"X-Amz-Target": "DynamoDB_20120810.DescribeTable"}),
                                    json.dumps({"TableName": name}).encode())
        if status != 200:
            return None
        schema = json.loads(data)["Table"]["KeySchema"]
        hash_attr = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
        range_attr = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
        with self.lock:
            return self.tables.setdefault(name, TableModel(self.config, name, hash_attr, range_attr))

    # --- admission and charging ----------------------------------------
    def admit(self, partitions, kind):
        """Those of `partitions` (each once) that have run out of `kind` units."""
        now = time.monotonic()
        refused = []
        with self.lock:
            for p in set(partitions):
                if not p.buckets[kind].available(now):
                    p.throttled[kind] += 1
                    p.table.throttled[kind] += 1
                    p.last_throttle = now
                    if p.hot_since is None:
                        p.hot_since = now
                    refused.append(p)
        return refused

    def charge(self, touched, units, kind):
        """Shares `units` equally among the touched (partition, sample) pairs."""
        if not touched:
            return
        share = units / len(touched)
        now = time.monotonic()
        with self.lock:
            for p, (h, pk, sk) in touched:
                p.buckets[kind].take(share)
                p.units[kind] += share
                p.table.units[kind] += share
                p.requests += 1
                p.recent.append((now, h, pk, sk, share))

    def split_loop(self):
        while True:
            time.sleep(0.25)
            with self.lock:
                now = time.monotonic()
                for model in self.tables.values():
                    model.consider_splits(now)

    def describe(self):
        with self.lock:
            return {name: model.describe(self.started) for name, model in self.tables.items()}


def capacity(answer):
    """Units DynamoDB Local reports, summed over tables."""
    consumed = answer.get("ConsumedCapacity")
    if consumed is None:
        return 0.0
    if isinstance(consumed, dict):
        consumed = [consumed]
    return sum(c.get("CapacityUnits", 0.0) for c in consumed)


def error_body(kind, message, **extra):
    return json.dumps(dict({"__type": PREFIX + kind, "message": message}, **extra)).encode()


THROTTLE_MESSAGE = "Throughput exceeds the current capacity for one or more resources."


def throttled(model, kind):
    reason = "Table%sKeyRangeThroughputExceeded" % ("Read" if kind == "read" else "Write")
    return 400, error_body("ProvisionedThroughputExceededException", THROTTLE_MESSAGE,
                           ThrottlingReasons=[{"reason": reason,
                                               "resource": "arn:aws:dynamodb:local:000000000000:table/" + model.name}])


def query_key(request, model):
    """The partition key value and the sort key where a Query starts."""
    names = request.get("ExpressionAttributeNames", {})
    values = request.get("ExpressionAttributeValues", {})
    condition = request.get("KeyConditionExpression", "")
    pk = sk = None
    for match in re.finditer(r"([#\w.]+)\s*=\s*(:\w+)", condition):
        if names.get(match.group(1), match.group(1)) == model.hash_attr:
            pk = values.get(match.group(2))
    bounds = re.search(r"BETWEEN\s+(:\w+)\s+AND\s+(:\w+)|>=?\s*(:\w+)|<=?\s*(:\w+)", condition)
    if bounds:
        lower, upper, after, before = bounds.groups()
        forward = request.get("ScanIndexForward", True)
        start = (lower or after) if forward else (upper or before)
        if start:
            sk = values.get(start)
    return {model.hash_attr: pk, model.range_attr: sk} if model.range_attr else {model.hash_attr: pk}


def single_key(op, request):
    if op == "PutItem":
        return request["Item"]
    return request["Key"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    simulator = None
    # An answer's headers and body leave in one write (flushed after each
    # request), with Nagle off: written apart, the body waited for the
    # client's delayed ACK, 40 ms and more per answer.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.rstrip("/") != "/partitions":
            return self.answer(404, b"{}")
        self.answer(200, json.dumps(self.simulator.describe(), indent=1).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
        handler = getattr(self, "op_" + op, None)
        try:
            request = json.loads(body) if handler else None
        except ValueError:
            handler = None
        if handler is None:
            return self.answer(*self.simulator.forward(headers, body))
        self.answer(*handler(headers, request))

    # --- operations -----------------------------------------------------
    def send(self, headers, request):
        """Forwards with ConsumedCapacity asked for; strips it if the client did not ask."""
        wanted = request.get("ReturnConsumedCapacity", "NONE") != "NONE"
        request = dict(request, ReturnConsumedCapacity="TOTAL")
        status, data = self.simulator.forward(headers, json.dumps(request).encode())
        answer = json.loads(data) if data else {}
        units = capacity(answer)
        if not wanted and "ConsumedCapacity" in answer:
            del answer["ConsumedCapacity"]
            data = json.dumps(answer).encode()
        return status, data, answer, units

    def single(self, headers, request, op, kind):
        model = self.simulator.table(request.get("TableName", ""), headers)
        if model is None:
            return self.simulator.forward(headers, json.dumps(request).encode())
        p, sample = model.locate(single_key(op, request))
        if self.simulator.admit([p], kind):
            return throttled(model, kind)
        status, data, _, units = self.send(headers, request)
        self.simulator.charge([(p, sample)], units, kind)
        return status, data

    def op_GetItem(self, headers, request):
        return self.single(headers, request, "GetItem", "read")

    def op_PutItem(self, headers, request):
        return self.single(headers, request, "PutItem", "write")

    def op_UpdateItem(self, headers, request):
        return self.single(headers, request, "UpdateItem", "write")

    def op_DeleteItem(self, headers, request):
        return self.single(headers, request, "DeleteItem", "write")

    def op_Query(self, headers, request):
        model = self.simulator.table(request.get("TableName", ""), headers)
        if model is None:
            return self.simulator.forward(headers, json.dumps(request).encode())
        start = model.locate(query_key(request, model))
        if self.simulator.admit([start[0]], "read"):
            return throttled(model, "read")
        status, data, answer, units = self.send(headers, request)
        touched = [model.locate(item) for item in answer.get("Items", [])] or [start]
        self.simulator.charge(touched, units, "read")
        return status, data

    def op_TransactWriteItems(self, headers, request):
        items = request.get("TransactItems", [])
        located = []
        for entry in items:
            action = next(iter(entry.values()))
            model = self.simulator.table(action.get("TableName", ""), headers)
            if model is None:
                return self.simulator.forward(headers, json.dumps(request).encode())
            located.append((model, model.locate(action.get("Item") or action.get("Key"))))
        refused = set(self.simulator.admit([p for _, (p, _) in located], "write"))
        if refused:
            reasons = [{"Code": "ThrottlingError", "Message": THROTTLE_MESSAGE} if p in refused else {"Code": "None"}
                       for _, (p, _) in located]
            return 400, error_body("TransactionCanceledException",
                                   "Transaction cancelled, please refer cancellation reasons for specific reasons",
                                   CancellationReasons=reasons)
        status, data, _, units = self.send(headers, request)
        self.simulator.charge([loc for _, loc in located], units, "write")
        return status, data

    def op_BatchGetItem(self, headers, request):
        return self.batch(headers, request, "Keys", "UnprocessedKeys", "read")

    def op_BatchWriteItem(self, headers, request):
        return self.batch(headers, request, None, "UnprocessedItems", "write")

    def batch(self, headers, request, keys_field, unprocessed_field, kind):
        """Parts in throttled partitions come back unprocessed; all of them
        throttled is a ProvisionedThroughputExceededException."""
        passed, held, touched = {}, {}, []
        for name, wanted in request.get("RequestItems", {}).items():
            model = self.simulator.table(name, headers)
            if model is None:
                return self.simulator.forward(headers, json.dumps(request).encode())
            entries = wanted[keys_field] if keys_field else wanted
            located = [model.locate(entry_key(entry)) for entry in entries]
            refused = set(self.simulator.admit([p for p, _ in located], kind))
            go = [e for e, (p, _) in zip(entries, located) if p not in refused]
            stay = [e for e, (p, _) in zip(entries, located) if p in refused]
            touched += [loc for loc in located if loc[0] not in refused]
            if go:
                passed[name] = dict(wanted, Keys=go) if keys_field else go
            if stay:
                held[name] = dict(wanted, Keys=stay) if keys_field else stay
            last_model = model
        if held and not passed:
            return throttled(last_model, kind)
        status, data, answer, units = self.send(headers, dict(request, RequestItems=passed))
        self.simulator.charge(touched, units, kind)
        if held and status == 200:
            left = answer.setdefault(unprocessed_field, {})
            for name, entries in held.items():
                if keys_field:
                    left.setdefault(name, dict(entries, Keys=[]))["Keys"] += entries["Keys"]
                else:
                    left.setdefault(name, []).extend(entries)
            data = json.dumps(answer).encode()
        return status, data

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def entry_key(entry):
    """A batch entry's key: a BatchGet key, or a BatchWrite put's item or delete's key."""
    if "PutRequest" in entry:
        return entry["PutRequest"]["Item"]
    if "DeleteRequest" in entry:
        return entry["DeleteRequest"]["Key"]
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("upstream", help="DynamoDB Local's endpoint, http://HOST:PORT")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--write-limit", type=float, default=1000.0)
    parser.add_argument("--read-limit", type=float, default=3000.0)
    parser.add_argument("--split-after", type=float, default=5.0)
    parser.add_argument("--max-partitions", type=int, default=64)
    config = parser.parse_args()
    Handler.simulator = simulator = Simulator(config, config.upstream.split("://", 1)[-1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", config.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=simulator.split_loop, daemon=True).start()
    print("http://127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
