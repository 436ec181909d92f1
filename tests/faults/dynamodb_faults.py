#!/usr/bin/python3
"""Fault handling on the DynamoDB store: a small proxy between kvstore and
DynamoDB Local throttles, fails, drops, delays and loses the answers of chosen
requests. Each case checks kvstore's exit code and message, that it retried
what it should, and -- reading the table directly, past the proxy -- that no
increment, push or transaction was applied twice.

Usage: dynamodb_faults.py KVSTORE_BINARY ENDPOINT
Exits non-zero, naming every case that went wrong.
"""
import http.client
import http.server
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

kvstore, endpoint = sys.argv[1], sys.argv[2]
upstream = endpoint.split("://", 1)[1]
env = dict(os.environ, AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret",
           AWS_REGION="us-east-1", KVSTORE_TABLE_PREFIX="faults%d-" % random.randrange(1 << 30),
           KVSTORE_DYNAMODB_TIMEOUT="1")

THROTTLE = (400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
SERVER_ERROR = (500, "InternalServerError", "Internal server error")


class Plan:
    """Which requests to spoil: for operation `op`, let `skip` requests pass,
    then apply `action` to the next `times` ones."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.seen = {}
        self.last_request = None  # (request target, Proxy-Authorization) of the latest request

    def set(self, *rules):
        with self.lock:
            self.rules = [dict(r, skip=r.get("skip", 0), times=r.get("times", 1)) for r in rules]
            self.seen = {}

    def action_for(self, op):
        with self.lock:
            self.seen[op] = self.seen.get(op, 0) + 1
            for rule in self.rules:
                if rule["op"] != op:
                    continue
                if rule["skip"] > 0:
                    rule["skip"] -= 1
                    return None
                if rule["times"] > 0:
                    rule["times"] -= 1
                    return rule
            return None


plan = Plan()


class FaultProxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as kvstore reuses its connection

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        plan.last_request = (self.path, self.headers.get("Proxy-Authorization"))
        rule = plan.action_for(op)
        action = rule["action"] if rule else "pass"
        if action == "drop":  # the connection breaks before DynamoDB sees the request
            return self.hang_up()
        if action == "answer":  # a made-up answer, never passed on to DynamoDB
            return self.answer(rule["status"], rule["body"])
        if action in ("throttle", "server_error"):
            status, kind, message = THROTTLE if action == "throttle" else SERVER_ERROR
            return self.answer(status, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + kind,
                                                   "message": message}).encode())
        status, answer = self.forward(body)
        if action == "lose_answer":  # DynamoDB applied it; the answer never arrives
            return self.hang_up()
        if action == "error_after_applying":  # DynamoDB applied it, yet a 500 comes back
            status, answer = SERVER_ERROR[0], json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + SERVER_ERROR[1],
                                                          "message": SERVER_ERROR[2]}).encode()
        if action == "delay":  # the answer comes after kvstore's timeout
            time.sleep(rule.get("seconds", 2))
        try:
            self.answer(status, answer)
        except OSError:
            self.close_connection = True

    def forward(self, body):
        connection = http.client.HTTPConnection(upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("connection", "content-length", "proxy-authorization")}
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def hang_up(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultProxy)
threading.Thread(target=proxy.serve_forever, daemon=True).start()
via_proxy = "dynamodb+http://127.0.0.1:%d" % proxy.server_address[1]
direct = "dynamodb+" + endpoint


def run(*args, store=via_proxy, stdin=None, extra_env=None):
    started = time.monotonic()
    result = subprocess.run([kvstore, "--store", store, *args], input=stdin, capture_output=True,
                            env=dict(env, **(extra_env or {})))
    return result.returncode, result.stdout.decode(), result.stderr.decode(), time.monotonic() - started


def direct_value(*args):
    code, out, err, _ = run(*args, store=direct)
    return out.strip() if code == 0 else "exit %d: %s" % (code, err.strip())


problems = []
cases = 0


def case(name, *rules):
    """Decorator: run the case with these faults planned."""
    def wrap(check):
        global cases
        cases += 1
        plan.set(*rules)
        try:
            check()
        except AssertionError as e:
            problems.append("%s: %s (requests seen: %s)" % (name, e, plan.seen))
        plan.set()
        return check
    return wrap


def expect(what, got, want):
    if got != want:
        raise AssertionError("%s: got %r, expected %r" % (what, got, want))


def expect_in(what, needle, text):
    if needle not in text:
        raise AssertionError("%s: %r not in %r" % (what, needle, text))


def retries(err):
    """The retries -v reported."""
    for line in err.splitlines():
        if line.startswith("kvstore: dynamodb:"):
            return int(line.split(",")[1].split()[0])
    return None


def read_is_retried(times):
    """`get` succeeds after `times` retries."""
    code, out, err, _ = run("-v", "get", "tbl", "k")
    expect("exit", code, 0)
    expect("value", out, "v")
    expect("retries", retries(err), times)


def increment_outcome_unknown(stored_after, settle=0):
    """`inc` exits 3 saying the outcome is unknown; the counter then holds `stored_after`."""
    code, out, err, _ = run("inc", "tbl", "hits")
    expect("exit", code, 3)
    expect_in("message", "may or may not have been applied", err)
    time.sleep(settle)  # let the proxy finish with DynamoDB
    expect("stored value", direct_value("get-counter", "tbl", "hits"), stored_after)


run("create-table", "tbl")
run("create-table", "old", "--layout", "1")  # kvstore 0.3's: its queues write differently
run("set", "tbl", "k", "v")


@case("throttled twice, then served", {"op": "UpdateItem", "action": "throttle", "times": 2})
def _():
    code, out, err, _ = run("-v", "inc", "tbl", "hits")
    expect("exit", code, 0)
    expect("printed value", out, "1\n")
    expect("retries", retries(err), 2)
    expect("stored value", direct_value("get-counter", "tbl", "hits"), "1")


@case("throttled on every attempt", {"op": "UpdateItem", "action": "throttle", "times": 100})
def _():
    code, out, err, took = run("inc", "tbl", "hits")
    expect("exit", code, 3)
    expect_in("message", "ThrottlingException", err)
    expect("lines on stderr", err.count("\n"), 1)
    if took > 40:  # 49 jittered pauses of at most 1.5 x (50 ms doubling to 0.5 s): 35 s
        raise AssertionError("backoff is capped: took %.1f s" % took)
    expect("stored value", direct_value("get-counter", "tbl", "hits"), "1")


@case("a read answered with 500 twice", {"op": "GetItem", "action": "server_error", "times": 2})
def _():
    read_is_retried(2)


@case("an increment answered with 500", {"op": "UpdateItem", "action": "server_error"})
def _():
    increment_outcome_unknown("1")  # the proxy never passed it on


@case("an increment whose answer is lost", {"op": "UpdateItem", "action": "lose_answer"})
def _():
    increment_outcome_unknown("2")  # applied once, not twice


@case("an increment whose answer comes too late", {"op": "UpdateItem", "action": "delay", "seconds": 2})
def _():
    increment_outcome_unknown("3", settle=1.5)


@case("a read whose answer comes too late, once", {"op": "GetItem", "action": "delay", "seconds": 2})
def _():
    read_is_retried(1)


@case("connections dropped before the request reaches DynamoDB",
      {"op": "GetItem", "action": "drop", "times": 3})
def _():
    read_is_retried(3)


@case("a push whose message write loses its answer is settled by reading the message back",
      {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("queue-push", "tbl", "jobs", "payload")
    expect("exit", (code, err), (0, ""))
    expect("UpdateItem requests: the lost one is not sent again, not even by the HTTP layer on a reused "
           "connection", plan.seen.get("UpdateItem"), 1)
    expect("read back", plan.seen.get("GetItem"), 1)
    expect("queue size: pushed once", direct_value("queue-size", "tbl", "jobs"), "visible 1, in flight 0, delayed 0")


@case("a push to an old-layout queue whose message write loses its answer",
      {"op": "UpdateItem", "skip": 1, "action": "lose_answer"})
def _():
    code, out, err, _ = run("queue-push", "old", "jobs", "payload")
    expect("exit", code, 3)
    expect("UpdateItem requests: the header's, then the lost one, not sent again", plan.seen.get("UpdateItem"), 2)
    expect("queue size: pushed once", direct_value("queue-size", "old", "jobs"), "visible 1, in flight 0, delayed 0")


@case("an rpush (a transaction) whose answer is lost is resent and applied once",
      {"op": "TransactWriteItems", "action": "lose_answer"})
def _():
    code, out, err, _ = run("rpush", "tbl", "log", "a")
    expect("exit", code, 0)
    expect("sent again", plan.seen.get("TransactWriteItems"), 2)
    expect("list length", direct_value("llen", "tbl", "log"), "1")


@case("a transaction whose answer is lost is resent and applied once",
      {"op": "TransactWriteItems", "action": "lose_answer"})
def _():
    txn = json.dumps({"operations": [{"op": "inc", "key": "txn-count"}, {"op": "set", "key": "txn-key", "value": "x"}]})
    code, out, err, _ = run("transaction", "tbl", "--file", "-", stdin=txn.encode())
    expect("exit", code, 0)
    expect("sent again", plan.seen.get("TransactWriteItems"), 2)
    expect("counter: once", direct_value("get-counter", "tbl", "txn-count"), "1")


@case("a transaction throttled, then served", {"op": "TransactWriteItems", "action": "throttle", "times": 2})
def _():
    txn = json.dumps({"operations": [{"op": "inc", "key": "txn-count"}]})
    code, out, err, _ = run("transaction", "tbl", "--file", "-", stdin=txn.encode())
    expect("exit", code, 0)
    expect("counter", direct_value("get-counter", "tbl", "txn-count"), "2")


@case("a transaction whose answer comes too late is resent and applied once",
      {"op": "TransactWriteItems", "action": "delay", "seconds": 2})
def _():
    txn = json.dumps({"operations": [{"op": "inc", "key": "late-count"}]})
    code, out, err, _ = run("transaction", "tbl", "--file", "-", stdin=txn.encode())
    expect("exit", code, 0)
    time.sleep(1.5)  # let the proxy finish with DynamoDB
    expect("counter: once", direct_value("get-counter", "tbl", "late-count"), "1")


@case("a transaction applied but answered with 500 is resent and applied once",
      {"op": "TransactWriteItems", "action": "error_after_applying"})
def _():
    txn = json.dumps({"operations": [{"op": "inc", "key": "failed-count"}]})
    code, out, err, _ = run("transaction", "tbl", "--file", "-", stdin=txn.encode())
    expect("exit", code, 0)
    expect("sent again", plan.seen.get("TransactWriteItems"), 2)
    expect("counter: once", direct_value("get-counter", "tbl", "failed-count"), "1")


@case("a batch-set whose answer is lost is resent", {"op": "BatchWriteItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("batch-set", "tbl", "--file", "-",
                            stdin=b'[{"key": "b1", "value": "one"}, {"key": "b2", "value": "two"}]')
    expect("exit", code, 0)
    expect("sent again", plan.seen.get("BatchWriteItem"), 2)
    expect("b2", direct_value("get", "tbl", "b2"), "two")


@case("a set whose answer is lost", {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("set", "tbl", "lost-set", "value")
    expect("exit", code, 3)
    expect_in("message", "may or may not have been applied", err)
    expect("stored: applied once", direct_value("get", "tbl", "lost-set"), "value")


def lock_check():
    """What lock-check says, read past the proxy."""
    return run("lock-check", "tbl", "lost-lock", store=direct)[1].strip()


@case("a lock-acquire whose answer is lost learns it holds the lock",
      {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("lock-acquire", "tbl", "lost-lock", "--owner", "me", "--ttl", "60")
    expect("exit", code, 0)
    expect("token", out, "1\n")
    expect("the take is not sent again", plan.seen.get("UpdateItem"), 1)
    expect_in("held", "held by me, token 1", lock_check())


@case("a lock-release whose answer is lost learns the lock is free",
      {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("lock-release", "tbl", "lost-lock", "--owner", "me")
    expect("exit", code, 0)
    expect("free", lock_check(), "free")


@case("a lock-acquire answered with 500 before DynamoDB saw it",
      {"op": "UpdateItem", "action": "server_error"})
def _():
    code, out, err, _ = run("lock-acquire", "tbl", "lost-lock", "--owner", "me", "--ttl", "60")
    expect("exit", code, 3)
    expect("lines on stderr", err.count("\n"), 1)
    expect("free", lock_check(), "free")


@case("a leader-elect whose answer is lost learns it leads", {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("leader-elect", "tbl", "lost-group", "--candidate", "me", "--ttl", "60")
    expect("exit", code, 0)
    expect_in("answer", "leader me, term 1", out)
    expect_in("leads", "leader me, term 1", direct_value("leader-check", "tbl", "lost-group"))


@case("a queue-pop whose claim loses its answer is settled by reading the message back, and delivers it once",
      {"op": "UpdateItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("queue-push", "tbl", "lost-pops", "m1", store=direct)
    expect("push", code, 0)
    code, out, err, _ = run("queue-pop", "tbl", "lost-pops", "--json")
    expect("exit", (code, err), (0, ""))
    expect("not sent again", plan.seen.get("UpdateItem"), 1)
    message = json.loads(out)
    expect("payload", message.get("payload"), "m1")
    expect("receive count", message.get("receive_count"), 1)
    expect("queue size", direct_value("queue-size", "tbl", "lost-pops"), "visible 0, in flight 1, delayed 0")


@case("an old-layout queue-pop (a transaction) whose answer is lost is resent and delivers the message once",
      {"op": "TransactWriteItems", "action": "lose_answer"})
def _():
    code, out, err, _ = run("queue-push", "old", "lost-pops", "m1", store=direct)
    expect("push", code, 0)
    code, out, err, _ = run("queue-pop", "old", "lost-pops", "--json")
    expect("exit", code, 0)
    expect("sent again", plan.seen.get("TransactWriteItems"), 2)
    message = json.loads(out)
    expect("payload", message.get("payload"), "m1")
    expect("receive count", message.get("receive_count"), 1)
    expect("queue size", direct_value("queue-size", "old", "lost-pops"), "visible 0, in flight 1, delayed 0")


@case("an ack whose answer is lost", {"op": "DeleteItem", "action": "lose_answer"})
def _():
    code, out, err, _ = run("queue-push", "tbl", "acks", "m")
    expect("push", code, 0)
    code, out, err, _ = run("queue-pop", "tbl", "acks")
    expect("pop", code, 0)
    receipt = out.split("\n", 1)[0].split()[1]
    code, out, err, _ = run("queue-ack", "tbl", "acks", receipt)
    expect("exit: the outcome is unknown, not 'bad receipt'", code, 3)
    expect("queue size: acked", direct_value("queue-size", "tbl", "acks"), "visible 0, in flight 0, delayed 0")


@case("the endpoint is down")
def _():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = "dynamodb+http://127.0.0.1:%d" % s.getsockname()[1]
    code, out, err, took = run("get", "tbl", "k", store=closed)
    expect("exit", code, 3)
    expect_in("message names the cause", "after 5 retries", err)
    expect("lines on stderr", err.count("\n"), 1)


@case("a malformed timeout setting")
def _():
    code, out, err, _ = run("get", "tbl", "k", extra_env={"KVSTORE_DYNAMODB_TIMEOUT": "soon"})
    expect("exit", code, 2)
    expect_in("message", "KVSTORE_DYNAMODB_TIMEOUT 'soon'", err)


def refusal():
    """ConditionalCheckFailed with no item: what a write that holds when the item is absent can never get."""
    return json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                       "message": "The conditional request failed"}).encode()


def unexpected_answer(*args, key):
    """The command exits 3 naming an unexpected answer, one line; `key` is unchanged."""
    before = direct_value("get", "tbl", key)
    code, out, err, _ = run(*args)
    expect("exit", code, 3)
    expect_in("message", "unexpected answer from the store", err)
    expect("lines on stderr", err.count("\n"), 1)
    expect("unchanged", direct_value("get", "tbl", key), before)


@case("a set with no condition refused as if a condition failed",
      {"op": "UpdateItem", "action": "answer", "status": 400, "body": refusal()})
def _():
    unexpected_answer("set", "tbl", "k", "other", key="k")


@case("an inc refused as if a condition failed",
      {"op": "UpdateItem", "action": "answer", "status": 400, "body": refusal()})
def _():
    unexpected_answer("inc", "tbl", "fresh-counter", key="fresh-counter")


@case("a delete with no condition refused as if a condition failed",
      {"op": "DeleteItem", "action": "answer", "status": 400, "body": refusal()})
def _():
    unexpected_answer("delete", "tbl", "k", key="k")


huge_message = "x" * 200_000
huge_json_error = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ValidationException",
                              "message": huge_message}).encode()


@case("an error whose message is 200 KB",
      {"op": "GetItem", "action": "answer", "status": 400, "body": huge_json_error})
def _():
    code, out, err, _ = run("get", "tbl", "k")
    expect("exit", code, 2)
    expect("lines on stderr", err.count("\n"), 1)
    expect_in("says how long it was", "(200000 bytes)", err)
    if len(err) > 500:
        raise AssertionError("the message is %d bytes long" % len(err))


@case("a 500 whose body is 200 KB of lines that are not JSON",
      {"op": "GetItem", "action": "answer", "status": 500, "body": b"<html>\n" * 25_000, "times": 100})
def _():
    code, out, err, _ = run("get", "tbl", "k")
    expect("exit", code, 3)
    expect("lines on stderr", err.count("\n"), 1)
    if len(err) > 500:
        raise AssertionError("the message is %d bytes long" % len(err))


@case("an endpoint that stops answering: --timeout bounds the command, retries included",
      {"op": "GetItem", "action": "delay", "seconds": 5, "times": 100})
def _():
    for how, args, extra_env in (("--timeout 2", ("--timeout", "2"), {}),
                                 ("KVSTORE_TIMEOUT=2", (), {"KVSTORE_TIMEOUT": "2"}),
                                 ("--timeout 2 over KVSTORE_TIMEOUT=60", ("--timeout", "2"), {"KVSTORE_TIMEOUT": "60"})):
        code, out, err, took = run(*args, "get", "tbl", "k", extra_env=extra_env)
        expect(how + ": exit", code, 3)
        expect_in(how + ": message", "ran out of time (--timeout)", err)
        expect(how + ": lines on stderr", err.count("\n"), 1)
        if not 1.9 < took < 3:
            raise AssertionError("%s: took %.1f s" % (how, took))


@case("an endpoint that accepts and never answers, with every default")
def _():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    defaults = {k: v for k, v in env.items() if k not in ("KVSTORE_DYNAMODB_TIMEOUT", "KVSTORE_TIMEOUT")}
    started = time.monotonic()
    result = subprocess.run([kvstore, "--store", "dynamodb+http://127.0.0.1:%d" % silent.getsockname()[1],
                             "get", "tbl", "k"], capture_output=True, env=defaults)
    took = time.monotonic() - started
    silent.close()
    expect("exit", result.returncode, 3)
    expect_in("message", "ran out of time", result.stderr.decode())
    if not 14 < took < 17:
        raise AssertionError("took %.1f s; the default --timeout is 15 s" % took)


@case("HTTP_PROXY: a host only the proxy can reach, with the proxy's credentials; NO_PROXY goes direct")
def _():
    proxy_env = {"HTTP_PROXY": "http://kv:pw@127.0.0.1:%d" % proxy.server_address[1], "NO_PROXY": "", "no_proxy": ""}
    code, out, err, _ = run("get", "tbl", "k", store="dynamodb+http://dynamodb.internal.test:8000", extra_env=proxy_env)
    expect("exit (stderr %r)" % err, code, 0)
    expect("value", out, "v")
    expect("request line and proxy credentials", plan.last_request,
           ("http://dynamodb.internal.test:8000/", "Basic a3Y6cHc="))
    code, out, err, _ = run("get", "tbl", "k", store="dynamodb+http://dynamodb.internal.test:8000",
                            extra_env=dict(proxy_env, NO_PROXY=".test"))
    expect("exit with NO_PROXY: the host is not reachable direct", code, 3)
    expect_in("message", "dynamodb.internal.test", err)


run("drop-table", "tbl", store=direct)
proxy.shutdown()
if problems:
    sys.exit("\n".join(problems))
print("%d fault cases: retries where safe, exit 3 where the outcome is unknown, nothing applied twice" % cases)
