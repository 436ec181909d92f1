#!/usr/bin/python3
"""ECS's container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI names a
path on the fixed address 169.254.170.2. Run inside a network namespace of its
own (`unshare -n`), so that the address can be given to this namespace's
loopback without touching the machine's network: the ECS agent stand-in listens
there on port 80, a DynamoDB stand-in on 127.0.0.1.

Usage: unshare -n relative_uri_in_netns.py KVSTORE_BINARY
Prints one JSON object: kvstore's exit code, stderr, and the access keys and
session tokens that signed its DynamoDB requests.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_standins  # noqa: E402

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
subprocess.run(["ip", "addr", "add", "169.254.170.2/32", "dev", "lo"], check=True)
agent = aws_standins.start(None, ("169.254.170.2", 80))
dynamodb = aws_standins.start(None)
env = dict(os.environ, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/container/credentials",
           AWS_CONTAINER_AUTHORIZATION_TOKEN=aws_standins.CONTAINER_TOKEN)
result = subprocess.run([sys.argv[1], "--store", "dynamodb+" + dynamodb.url, "-v", "list-tables"],
                        capture_output=True, env=env, timeout=60)
agent.stop()
dynamodb.stop()
print(json.dumps({"exit": result.returncode, "stderr": result.stderr.decode(),
                  "signed_by": aws_standins.state.signed_by,
                  "agent_asked": [w for w, _ in aws_standins.state.requests]}))
