#!/usr/bin/python3
"""What each source of AWS credentials adds to a one-shot command: `kvstore
list-tables` against DynamoDB Local (through the stand-ins' recording proxy),
with credentials from each source in turn, against the same command with
environment keys (the baseline) in the same run. The services are the local
stand-ins of tests/aws/aws_standins.py, so the figures are kvstore's own cost
(a process, a file, a request to loopback), not the network's: on AWS add a
round trip to STS or the SSO portal where the table says "not cached".

Usage: bench/credential_sources.py KVSTORE_BINARY ENDPOINT [RUNS]   prints Markdown
"""
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

kvstore, endpoint = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "aws"))
import aws_standins  # noqa: E402

standins = aws_standins.start(endpoint)
home = tempfile.mkdtemp(prefix="kvstore-bench-credentials-")
base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("KVSTORE_")}
# A prefix no table has: list-tables is then one ListTables request whatever
# tables DynamoDB Local keeps for each access key.
base.update(KVSTORE_TABLE_PREFIX="benchcredentials%d-" % os.getpid(), HOME=home, XDG_CACHE_HOME=home + "/cache", AWS_EC2_METADATA_DISABLED="true",
            AWS_ENDPOINT_URL_STS=standins.url, AWS_ENDPOINT_URL_SSO=standins.url, AWS_REGION="us-east-1")


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


write(home + "/token", aws_standins.WEB_TOKEN)
write(home + "/container-token", aws_standins.CONTAINER_TOKEN)
write(home + "/creds.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKPROCESS\", "
                          "\"SecretAccessKey\": \"s\"}'\n", 0o700)
write(home + "/.aws/credentials", "[static]\naws_access_key_id = AKSTATIC\naws_secret_access_key = s\n"
                                  "[base]\naws_access_key_id = AKSOURCE\naws_secret_access_key = s\n")
write(home + "/.aws/config", "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n"
                             "[profile process]\ncredential_process = %s/creds.sh\n"
                             "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
                             "[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp/start\n" % home)
write(home + "/.aws/sso/cache/" + hashlib.sha1(b"corp").hexdigest() + ".json",
      json.dumps({"accessToken": aws_standins.SSO_TOKEN, "expiresAt": aws_standins.expiration(3600)}))

web_identity = {"AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token", "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci"}
sources = [
    ("environment keys (baseline)", {"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "s"}, [], False),
    ("profile, static keys", {"AWS_PROFILE": "static"}, [], False),
    ("profile, credential_process (a shell script)", {"AWS_PROFILE": "process"}, [], False),
    ("web identity, cached", web_identity, [], False),
    ("web identity, not cached (STS each time)", web_identity, [], True),
    ("profile, role_arn + source_profile, cached", {"AWS_PROFILE": "role"}, [], False),
    ("profile, role_arn, not cached (STS each time)", {"AWS_PROFILE": "role"}, [], True),
    ("profile, SSO, cached", {"AWS_PROFILE": "sso"}, [], False),
    ("profile, SSO, not cached (portal each time)", {"AWS_PROFILE": "sso"}, [], True),
    ("container endpoint", {"AWS_CONTAINER_CREDENTIALS_FULL_URI": standins.url + "/container/credentials",
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home + "/container-token"}, [], False),
    ("instance metadata (IMDSv2, 3 requests)", {"AWS_EC2_METADATA_SERVICE_ENDPOINT": standins.url},
     ["AWS_EC2_METADATA_DISABLED"], False),
]


def once(env, fresh_cache):
    if fresh_cache:
        shutil.rmtree(home + "/cache", ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run([kvstore, "--store", "dynamodb+" + standins.url, "list-tables"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit("bench: %s" % result.stderr.decode())
    return took * 1000


timings = {name: [] for name, *_ in sources}
for _ in range(runs):  # interleaved, so that drift hits every source alike
    for name, extra, unset, fresh in sources:
        env = dict(base, **extra)
        for variable in unset:
            env.pop(variable, None)
        timings[name].append(once(env, fresh))
baseline = statistics.median(timings[sources[0][0]])
print("| credentials from | one-shot `list-tables` (median of %d) | added to the baseline |" % runs)
print("|---|---:|---:|")
for name, *_ in sources:
    median = statistics.median(timings[name])
    print("| %s | %.1f ms | %+.1f ms |" % (name, median, median - baseline))
standins.stop()
shutil.rmtree(home, ignore_errors=True)
