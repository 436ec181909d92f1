#!/usr/bin/python3
"""Table lifecycle as real DynamoDB has it. DynamoDB Local creates and deletes
a table at once; the service does both in the background (its API reference:
CreateTable answers CREATING, DeleteTable answers DELETING, and the table is
usable, or gone, only later). A proxy in front of DynamoDB Local plays that
part: for LAG seconds after CreateTable the table is CREATING, and after
DeleteTable it is DELETING, then gone; meanwhile DescribeTable says so, data
requests get ResourceNotFoundException, CreateTable of the name gets
ResourceInUseException and a second DeleteTable is answered DELETING again.

Usage: dynamodb_lifecycle.py KVSTORE_BINARY ENDPOINT
Exits non-zero, naming every case that went wrong.
"""
import http.client
import http.server
import json
import os
import random
import subprocess
import sys
import threading
import time

kvstore, endpoint = sys.argv[1], sys.argv[2]
upstream = endpoint.split("://", 1)[1]
prefix = "lifecycle%d-" % random.randrange(1 << 30)
env = dict(os.environ, AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret",
           AWS_REGION="us-east-1", KVSTORE_TABLE_PREFIX=prefix)
LAG = 1.5  # seconds a table spends CREATING or DELETING
CONTROL = {"CreateTable", "DeleteTable", "DescribeTable", "ListTables", "UpdateTimeToLive", "DescribeTimeToLive"}


class Tables:
    """The state the proxy adds on top of DynamoDB Local: table -> (status, until)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.states = {}

    def status(self, name):
        with self.lock:
            state = self.states.get(name)
            if state and time.monotonic() >= state[1]:
                del self.states[name]
                return None
            return state[0] if state else None

    def set(self, name, status, lag=LAG):
        with self.lock:
            self.states[name] = (status, time.monotonic() + lag)


tables = Tables()


def error(kind, message):
    return 400, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#" + kind, "message": message}).encode()


def forward(op, body):
    connection = http.client.HTTPConnection(upstream, timeout=30)
    connection.request("POST", "/", body=json.dumps(body).encode() if isinstance(body, dict) else body,
                       headers={"X-Amz-Target": "DynamoDB_20120810." + op,
                                "Content-Type": "application/x-amz-json-1.0",
                                "Authorization": "AWS4-HMAC-SHA256 Credential=kvstoretest/20260101/us-east-1/"
                                                 "dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def delete_later(name):
    """DeleteTable done for real once the table's DELETING time is over."""
    def run():
        time.sleep(LAG)
        forward("DeleteTable", {"TableName": name})
    threading.Thread(target=run, daemon=True).start()


def table_names(request):
    names = set()
    if "TableName" in request:
        names.add(request["TableName"])
    names.update(request.get("RequestItems", {}).keys())
    for item in request.get("TransactItems", []):
        for part in item.values():
            names.add(part.get("TableName"))
    return names


def lifecycle(op, raw):
    """(status, body) of `op` on the real service, as far as this proxy plays it."""
    request = json.loads(raw or b"{}")
    name = request.get("TableName")
    status = tables.status(name) if name else None
    if op == "CreateTable":
        if status is not None:
            return error("ResourceInUseException", "Table already exists: " + name)
        code, data = forward(op, raw)
        if code == 200:
            tables.set(name, "CREATING")
            answer = json.loads(data)
            answer["TableDescription"]["TableStatus"] = "CREATING"
            data = json.dumps(answer).encode()
        return code, data
    if op == "DeleteTable":
        if status == "CREATING":
            return error("ResourceInUseException", "Attempt to change a resource which is still in use: " + name)
        code, data = forward("DescribeTable", {"TableName": name})
        if code != 200:
            return code, data
        described = json.loads(data)["Table"]
        described["TableStatus"] = "DELETING"
        if status != "DELETING":
            tables.set(name, "DELETING")
            delete_later(name)
        return 200, json.dumps({"TableDescription": described}).encode()
    if op == "DescribeTable":
        code, data = forward(op, raw)
        if code == 200 and status is not None:
            answer = json.loads(data)
            answer["Table"]["TableStatus"] = status
            data = json.dumps(answer).encode()
        return code, data
    if op not in CONTROL and any(tables.status(n) for n in table_names(request)):
        return error("ResourceNotFoundException", "Requested resource not found")
    return None


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        op = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        played = lifecycle(op, body)
        if played is None:
            connection = http.client.HTTPConnection(upstream, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            played = response.status, response.read()
            connection.close()
        status, data = played
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
threading.Thread(target=proxy.serve_forever, daemon=True).start()
store = "dynamodb+http://127.0.0.1:%d" % proxy.server_address[1]
problems = []


def run(*args):
    started = time.monotonic()
    result = subprocess.run([kvstore, "--store", store, *args], capture_output=True, env=env)
    return result.returncode, result.stdout.decode(), result.stderr.decode(), time.monotonic() - started


def expect(what, got, want):
    if got != want:
        problems.append("%s: got %r, expected %r" % (what, got, want))


def case(name):
    def wrap(check):
        try:
            check()
        except AssertionError as e:
            problems.append("%s: %s" % (name, e))
        return check
    return wrap


@case("create-table returns once the table is ACTIVE")
def _():
    code, out, err, took = run("create-table", "first")
    expect("create-table", (code, err), (0, ""))
    if took < LAG:
        raise AssertionError("returned after %.1f s, while the table was still CREATING" % took)
    expect("set right after", run("set", "first", "k", "v")[:3], (0, "OK\n", ""))


@case("drop-table returns once the table is gone")
def _():
    code, out, err, took = run("drop-table", "first")
    expect("drop-table", (code, err), (0, ""))
    expect("a second drop-table: the table is gone", run("drop-table", "first")[0], 2)
    expect("drop-table --if-exists", run("drop-table", "first", "--if-exists")[0], 0)


@case("create-table --if-not-exists right after drop-table makes a usable table")
def _():
    run("create-table", "again")
    run("set", "again", "old", "value")
    expect("drop", run("drop-table", "again")[0], 0)
    code, out, err, took = run("create-table", "again", "--if-not-exists")
    expect("create-table --if-not-exists", (code, err), (0, ""))
    expect("set", run("set", "again", "k", "v")[:3], (0, "OK\n", ""))
    expect("the old key went with the old table", run("get", "again", "old")[0], 1)


@case("a table another process is still deleting counts as missing: create waits, then creates")
def _():
    run("create-table", "recycled")
    drop = subprocess.Popen([kvstore, "--store", store, "drop-table", "recycled"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)  # the drop is under way: the table is DELETING
    code, out, err, took = run("create-table", "recycled")
    drop.wait()
    expect("create-table", (code, err), (0, ""))
    expect("set", run("set", "recycled", "k", "v")[:3], (0, "OK\n", ""))


@case("create-table --if-not-exists waits for the table another process is creating")
def _():
    first = subprocess.Popen([kvstore, "--store", store, "create-table", "shared"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)  # the first create is under way: the table is CREATING
    code, out, err, took = run("create-table", "shared", "--if-not-exists")
    expect("create-table --if-not-exists", (code, err), (0, ""))
    expect("set right after", run("set", "shared", "k", "v")[:3], (0, "OK\n", ""))
    expect("the first create", first.wait(), 0)
    expect("create-table without --if-not-exists", run("create-table", "shared")[0], 1)


@case("a wait that outlasts --timeout ends with exit 3 and a clear message")
def _():
    tables.set(prefix + "slow", "CREATING", lag=60)  # a table stuck in CREATING
    forward("CreateTable", {"TableName": prefix + "slow",
                            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                     {"AttributeName": "sk", "AttributeType": "S"}],
                            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                          {"AttributeName": "sk", "KeyType": "RANGE"}],
                            "BillingMode": "PAY_PER_REQUEST"})
    code, out, err, took = run("--timeout", "2", "create-table", "slow", "--if-not-exists")
    expect("exit", code, 3)
    if "is still CREATING" not in err or err.count("\n") != 1:
        raise AssertionError("message: %r" % err)
    if took > 3:
        raise AssertionError("took %.1f s with --timeout 2" % took)
    tables.set(prefix + "slow", "ACTIVE", lag=0)


for name in ("again", "recycled", "shared", "slow"):
    run("drop-table", name, "--if-exists")
proxy.shutdown()
if problems:
    sys.exit("\n".join(problems))
print("table lifecycle: every case passed")
