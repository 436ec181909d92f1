#!/usr/bin/python3
"""Interoperability the other way: items another tool (boto3) wrote into a
kvstore table the natural way. A string value reads as its bytes; an item
kvstore cannot read fails `get` of its own key with exit 2 naming the
attribute, and is skipped -- with one warning -- by every listing, which
otherwise goes on as if it were not there.

Usage: kvstore_reads_foreign_items.py KVSTORE_BINARY ENDPOINT
Exits non-zero, printing what went wrong.
"""
import os
import random
import subprocess
import sys

import boto3

from kvstore_layout import key

kvstore, endpoint = sys.argv[1], sys.argv[2]
prefix = "foreign%d-" % random.randrange(1 << 30)
env = dict(os.environ, AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret",
           AWS_REGION="us-east-1", KVSTORE_TABLE_PREFIX=prefix)
store = "dynamodb+" + endpoint
problems = []


def kv(*args):
    result = subprocess.run([kvstore, "--store", store, *args], env=env, capture_output=True)
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def expect(what, got, want):
    if got != want:
        problems.append("%s: got %r, expected %r" % (what, got, want))


def expect_in(what, needle, text):
    if needle not in text:
        problems.append("%s: %r not in %r" % (what, needle, text))


kv("create-table", "shared")
kv("set", "shared", "a", "written by kvstore")
client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="kvstoretest", aws_secret_access_key="kvstoretestsecret")
table = prefix + "shared"
client.put_item(TableName=table, Item=dict(key("k", "b"), value={"S": "a string ✓"}))
client.put_item(TableName=table, Item=dict(key("k", "c"), value={"N": "12"}))
client.put_item(TableName=table, Item=dict(key("k", "d"), value={"B": b"bytes"},
                                           note={"SS": ["attributes kvstore does not use are left alone"]}))

code, out, err = kv("get", "shared", "b")
expect("get of a string value: exit", code, 0)
expect("get of a string value: its UTF-8 bytes", out, "a string ✓")

code, out, err = kv("get", "shared", "c")
expect("get of a number value: exit", code, 2)
expect_in("get of a number value: names the attribute", "attribute 'value' is of type N", err)
expect("get of a number value: one line", err.count("\n"), 1)

code, out, err = kv("get", "shared", "d")
expect("get of an item with an extra attribute", (code, out), (0, "bytes"))

warning = "kvstore: warning: skipped 1 item kvstore cannot read"
for args, shows, lines in ((("list", "shared"), "a\nb\nd\n", 1),
                           (("batch-get", "shared", "a", "b", "c"), "a: written by kvstore\nb: a string ✓\nc: (missing)\n", 2),
                           (("--json", "list", "shared", "--prefix", "c"), "[]\n", 1),
                           (("query", "shared", "--type", "kv"), None, 1)):
    code, out, err = kv(*args)
    expect("%s: exit" % " ".join(args), code, 0)
    if shows is not None:
        expect("%s: output" % " ".join(args), out, shows)
    expect_in("%s: one warning" % " ".join(args), warning, err)
    expect("%s: lines on stderr" % " ".join(args), err.count("\n"), lines)

code, out, err = kv("set", "shared", "c", "now kvstore's")
expect("set over a foreign item: exit", code, 0)
expect("then get", kv("get", "shared", "c")[:2], (0, "now kvstore's"))

kv("drop-table", "shared")
if problems:
    sys.exit("\n".join(problems))
print("foreign items: all cases passed")
