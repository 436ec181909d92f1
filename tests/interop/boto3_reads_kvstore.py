#!/usr/bin/python3
"""Interoperability: what kvstore writes to DynamoDB, a standard AWS SDK
(boto3, from Debian's python3-boto3) reads back as the same data.

Usage: boto3_reads_kvstore.py KVSTORE_BINARY ENDPOINT
Exits non-zero, printing what differs, if anything does.
"""
import os
import random
import subprocess
import sys

import boto3

from kvstore_layout import PARTITION_ATTR, key

kvstore, endpoint = sys.argv[1], sys.argv[2]
prefix = "interop%d-" % random.randrange(1 << 30)
env = dict(os.environ, AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret",
           AWS_REGION="us-east-1", KVSTORE_TABLE_PREFIX=prefix)
store = "dynamodb+" + endpoint


def kv(*args, stdin=None):
    result = subprocess.run([kvstore, "--store", store, *args], input=stdin, env=env, capture_output=True)
    if result.returncode != 0:
        sys.exit("kvstore %s failed: %s" % (" ".join(args), result.stderr.decode()))
    return result.stdout


kv("create-table", "shared")
binary = bytes(range(256))
kv("set", "shared", "greeting", "héllo wörld")
kv("set", "shared", "blob", "-", stdin=binary)
kv("set", "shared", "session", "abc", "--ttl", "3600")
kv("inc", "shared", "visits", "--by", "41")
kv("inc", "shared", "visits")
kv("sadd", "shared", "hosts", "web1", "web2")
kv("rpush", "shared", "log", "first", "second")

client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="kvstoretest", aws_secret_access_key="kvstoretestsecret")
table = prefix + "shared"
problems = []


def item(pk, sk):
    return client.get_item(TableName=table, Key=key(pk, sk), ConsistentRead=True).get("Item")


def expect(what, got, want):
    if got != want:
        problems.append("%s: boto3 read %r, expected %r" % (what, got, want))


greeting = item("k", "greeting")
expect("text value", greeting["value"]["B"].decode("utf-8"), "héllo wörld")
expect("kind", greeting["kind"]["S"], "kv")
expect("binary value", item("k", "blob")["value"]["B"], binary)
expect("counter", int(item("k", "visits")["num"]["N"]), 42)
session = item("k", "session")
expect("TTL attribute in seconds", int(session["ttl"]["N"]) * 1000 >= int(session["expires_at"]["N"]), True)
expect("set count", int(item("sh", "hosts")["num"]["N"]), 2)
members = client.query(TableName=table, KeyConditionExpression="#p = :p", ExpressionAttributeNames={"#p": PARTITION_ATTR},
                       ExpressionAttributeValues={":p": {"S": "s/hosts"}}, ConsistentRead=True)["Items"]
expect("set members", sorted(m["sk"]["S"] for m in members), ["web1", "web2"])
ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
expect("TTL enabled on 'ttl'", (ttl.get("TimeToLiveStatus"), ttl.get("AttributeName")), ("ENABLED", "ttl"))

# And the other way: an item written by boto3 in kvstore's layout reads back in kvstore.
client.put_item(TableName=table, Item=dict(key("k", "from-boto3"), kind={"S": "kv"},
                                           value={"B": b"written by boto3"}, version={"N": "1"}))
expect("kvstore get of a boto3 item", kv("get", "shared", "from-boto3"), b"written by boto3")

# A layout-1 table (kvstore 0.3's) keeps its items where 0.3 put them.
kv("create-table", "old", "--layout", "1")
kv("set", "old", "greeting", "hello")
old = client.get_item(TableName=prefix + "old", Key={"pk": {"S": "k"}, "sk": {"S": "greeting"}}, ConsistentRead=True)
expect("layout 1 value", old.get("Item", {}).get("value", {}).get("B"), b"hello")
kv("drop-table", "old")

# A table made again, by another tool, in another layout than this machine
# remembers: the stale belief is refused by DynamoDB (the key's name is the
# layout), nothing is written, the message says to run again, and the next
# command learns the new layout.
kv("create-table", "remade")
kv("set", "remade", "a", "layout 2")
client.delete_table(TableName=prefix + "remade")
client.create_table(TableName=prefix + "remade", BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                          {"AttributeName": "sk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
stale = subprocess.run([kvstore, "--store", store, "set", "remade", "a", "stale"], env=env, capture_output=True)
expect("stale layout: exit", stale.returncode, 3)
expect("stale layout: says to run again", b"run the command again" in stale.stderr, True)
expect("stale layout: nothing written", client.scan(TableName=prefix + "remade")["Count"], 0)
kv("set", "remade", "a", "layout 1")
again = client.get_item(TableName=prefix + "remade", Key={"pk": {"S": "k"}, "sk": {"S": "a"}}, ConsistentRead=True)
expect("the next command writes layout 1", again.get("Item", {}).get("value", {}).get("B"), b"layout 1")
kv("drop-table", "remade")

# list-tables shows kvstore's tables only: not another application's table
# under the same prefix.
client.create_table(TableName=prefix + "foreign", BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
expect("list-tables", kv("list-tables"), b"shared\n")
client.delete_table(TableName=prefix + "foreign")

# --table-prefix overrides KVSTORE_TABLE_PREFIX.
other = prefix + "flag-"
kv("--table-prefix", other, "create-table", "jobs")
expect("table made with --table-prefix", client.describe_table(TableName=other + "jobs")["Table"]["TableName"],
       other + "jobs")
expect("list-tables with --table-prefix", kv("--table-prefix", other, "list-tables"), b"jobs\n")
kv("--table-prefix", other, "drop-table", "jobs")

kv("drop-table", "shared")
if problems:
    sys.exit("\n".join(problems))
print("boto3 read back everything kvstore wrote (13 checks), kvstore read boto3's item, listed only its own tables"
      " and honoured --table-prefix")
