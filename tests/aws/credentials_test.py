#!/usr/bin/python3
"""Every source of AWS credentials, each against a local stand-in: EC2's
instance metadata (IMDSv2), a container credential endpoint, STS (a stub that
checks what it is sent, and moto's), the SSO portal, a credential_process
script. kvstore talks to DynamoDB Local through a recording proxy, so each
case checks which credentials signed its requests. Secrets and tokens must
never appear in anything kvstore prints, -v included.

Usage: credentials_test.py KVSTORE_BINARY ENDPOINT
Exits non-zero, naming every case that went wrong.
"""
import glob
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

kvstore, endpoint = sys.argv[1], sys.argv[2]
home = tempfile.mkdtemp(prefix="kvstore-credentials-")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aws_standins  # noqa: E402
from aws_standins import CONTAINER_TOKEN, SECRETS, SSO_TOKEN, WEB_TOKEN, expiration  # noqa: E402

standins = aws_standins.start(endpoint)
state = standins.state
standin = standins.url
store = "dynamodb+" + standin

# Nothing of the machine's own AWS setup may leak into a case.
base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("KVSTORE_")}
base_env.update(HOME=home, XDG_CACHE_HOME=home + "/cache", AWS_EC2_METADATA_DISABLED="true",
                AWS_ENDPOINT_URL_STS=standin, AWS_REGION="us-east-1")
problems = []


def write(path, text, mode=0o600):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def run(*args, env=None, unset=()):
    full = dict(base_env, **(env or {}))
    for name in unset:
        full.pop(name, None)
    result = subprocess.run([kvstore, "--store", store, "-v", *args], capture_output=True, env=full, timeout=60)
    printed = result.stdout.decode() + result.stderr.decode()
    leaked = [s for s in SECRETS if s in printed]
    if leaked:
        problems.append("%s printed secrets %s" % (" ".join(args), leaked))
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def case(name):
    def wrap(check):
        shutil.rmtree(home + "/.aws", ignore_errors=True)
        shutil.rmtree(home + "/cache", ignore_errors=True)
        state.reset()
        try:
            check()
        except AssertionError as e:
            problems.append("%s: %s" % (name, e))
        return check
    return wrap


def expect(what, got, want):
    if got != want:
        raise AssertionError("%s: got %r, expected %r" % (what, got, want))


def signed_with(key, *args, **kwargs):
    """The command succeeds, and every DynamoDB request was signed with `key`."""
    code, out, err = run(*(args or ("list-tables",)), **kwargs)
    expect("exit (stderr %r)" % err, code, 0)
    keys = sorted({k for k, _ in state.signed_by})
    expect("keys that signed", keys, [key])
    return err


@case("environment variables")
def _():
    SECRETS.add("token-of-env")
    err = signed_with("AKENV", env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "secret-of-AKENV",
                                    "AWS_SESSION_TOKEN": "token-of-env"})
    expect("session token sent", state.signed_by[0][1], "token-of-env")
    if "AWS credentials from environment" not in err:
        raise AssertionError("-v does not name the source: %r" % err)


@case("web identity (EKS IRSA, GitHub Actions OIDC)")
def _():
    write(home + "/token", WEB_TOKEN)
    signed_with("AKWEB", env={"AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token",
                              "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci", "AWS_ROLE_SESSION_NAME": "job-42"})
    form = state.asked("AssumeRoleWithWebIdentity")[0]["form"]
    expect("role", form["RoleArn"], "arn:aws:iam::123456789012:role/ci")
    expect("session name", form["RoleSessionName"], "job-42")
    expect("session token sent", state.signed_by[0][1], "token-of-AKWEB")


@case("static keys of a profile, chosen with AWS_PROFILE and with --profile")
def _():
    write(home + "/.aws/credentials", "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = s\n"
                                      "[dev]\naws_access_key_id = AKSTATIC\naws_secret_access_key = secret-of-AKSTATIC\n")
    signed_with("AKSTATIC", env={"AWS_PROFILE": "dev"})
    state.reset()
    signed_with("AKSTATIC", "--profile", "dev", "list-tables",
                env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "secret-of-AKENV"})
    state.reset()
    signed_with("AKENV", env={"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "secret-of-AKENV"})


@case("role_arn + source_profile: AssumeRole, chained twice, cached")
def _():
    write(home + "/.aws/credentials", "[base]\naws_access_key_id = AKSOURCE\naws_secret_access_key = secret-of-AKSOURCE\n")
    write(home + "/.aws/config", "[profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\n"
                                 "[profile deploy]\nrole_arn = arn:aws:iam::1:role/deploy\nsource_profile = middle\n"
                                 "external_id = ext-1\nregion = eu-west-1\n")
    signed_with("AKROLEdeployBYAKROLEmiddleBYAKSOURCE", "--profile", "deploy", "list-tables")
    expect("AssumeRole calls", len(state.asked("AssumeRole")), 2)
    expect("external id", state.asked("AssumeRole")[1]["form"].get("ExternalId"), "ext-1")
    state.reset()
    signed_with("AKROLEdeployBYAKROLEmiddleBYAKSOURCE", "--profile", "deploy", "list-tables")
    expect("AssumeRole calls of a second command (cached)", len(state.asked("AssumeRole")), 0)
    cached = glob.glob(home + "/cache/kvstore/aws/*.json")
    expect("a cache file per role, mode 0600", [oct(os.stat(p).st_mode & 0o777) for p in cached], ["0o600"] * 2)
    expect("cache folder mode", oct(os.stat(home + "/cache/kvstore/aws").st_mode & 0o777), "0o700")


@case("credential_process")
def _():
    SECRETS.add("secret-of-AKPROCESS")
    write(home + "/creds.sh", "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKPROCESS\", "
                              "\"SecretAccessKey\": \"secret-of-AKPROCESS\"}'\n", 0o700)
    write(home + "/.aws/config", "[default]\ncredential_process = %s/creds.sh --flag\n" % home)
    signed_with("AKPROCESS")
    write(home + "/.aws/config", "[default]\ncredential_process = /bin/false\n")
    code, out, err = run("list-tables")
    expect("a failing process: exit", code, 3)
    if "credential_process" not in err or err.count("\n") != 1:
        raise AssertionError("message: %r" % err)


@case("SSO: the cached login of an sso-session, traded at the portal")
def _():
    write(home + "/.aws/config", "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
                                 "sso_role_name = Developer\n"
                                 "[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n")
    cache = home + "/.aws/sso/cache/" + hashlib.sha1(b"corp").hexdigest() + ".json"
    write(cache, json.dumps({"accessToken": SSO_TOKEN, "expiresAt": expiration(3600), "region": "us-east-1"}))
    signed_with("AKSSO", "--profile", "sso", "list-tables", env={"AWS_ENDPOINT_URL_SSO": standin})
    write(cache, json.dumps({"accessToken": SSO_TOKEN, "expiresAt": expiration(-60)}))
    shutil.rmtree(home + "/cache", ignore_errors=True)
    code, out, err = run("--profile", "sso", "list-tables", env={"AWS_ENDPOINT_URL_SSO": standin})
    expect("an expired login: exit", code, 3)
    if "aws sso login --profile sso" not in err:
        raise AssertionError("message does not say what to do: %r" % err)


@case("container credentials (ECS, EKS Pod Identity) with a token file")
def _():
    write(home + "/container-token", CONTAINER_TOKEN)
    signed_with("AKCONTAINER", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": standin + "/container/credentials",
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": home + "/container-token"})
    code, out, err = run("list-tables", env={"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://203.0.113.9/creds"})
    expect("a FULL_URI to another host over http: exit", code, 2)


@case("container credentials from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS), at 169.254.170.2")
def _():
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        print("skipped: RELATIVE_URI needs a network namespace (unshare -n), which this user cannot make")
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "relative_uri_in_netns.py")
    result = subprocess.run(["unshare", "-n", sys.executable, script, kvstore], capture_output=True,
                            env=base_env, timeout=120)
    expect("the namespace's script (stderr %r)" % result.stderr.decode()[-300:], result.returncode, 0)
    outcome = json.loads(result.stdout)
    leaked = [s for s in SECRETS if s in outcome["stderr"]]
    if leaked:
        problems.append("RELATIVE_URI printed secrets %s" % leaked)
    expect("exit (stderr %r)" % outcome["stderr"], outcome["exit"], 0)
    expect("keys that signed", sorted({k for k, _ in outcome["signed_by"]}), ["AKCONTAINER"])
    expect("the agent was asked", outcome["agent_asked"], ["/container/credentials"])
    if "AWS credentials from container" not in outcome["stderr"]:
        raise AssertionError("-v does not name the source: %r" % outcome["stderr"])


@case("EC2 instance metadata, IMDSv2")
def _():
    signed_with("AKIMDS", env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": standin}, unset=["AWS_EC2_METADATA_DISABLED"])
    expect("token requested with a TTL", len(state.asked("/latest/api/token")), 1)
    if not state.signed_by[0][1].startswith("token-of-AKIMDS-issue"):
        raise AssertionError("session token sent: %r" % state.signed_by[0][1])


@case("temporary credentials are refreshed before they expire in a long-running command")
def _():
    state.imds_expiry = 300 + 2  # inside the 5-minute refresh window after 2 s
    code, out, err = run("create-table", "refresh", "--if-not-exists",
                         env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": standin}, unset=["AWS_EC2_METADATA_DISABLED"])
    state.reset()
    code, out, err = run("queue-pop", "refresh", "jobs", "--wait", "5",
                         env={"AWS_EC2_METADATA_SERVICE_ENDPOINT": standin}, unset=["AWS_EC2_METADATA_DISABLED"])
    state.imds_expiry = 3600
    expect("queue-pop on an empty queue: exit", code, 1)
    tokens = [t for _, t in state.signed_by]
    if len(set(tokens)) < 2:
        raise AssertionError("signed with %s: expected fresh credentials after the first ones neared expiry" % sorted(set(tokens)))


@case("the signing region: --region, then AWS_REGION, then the profile's region")
def _():
    write(home + "/.aws/credentials", "[default]\naws_access_key_id = AKSTATIC\naws_secret_access_key = secret-of-AKSTATIC\n"
          "[other]\naws_access_key_id = AKSTATIC\naws_secret_access_key = secret-of-AKSTATIC\n")
    write(home + "/.aws/config", "[profile other]\nregion = ap-south-1\n")
    for what, args, env, unset, want in (
            ("--region over AWS_REGION", ("--region", "eu-west-2"), {"AWS_REGION": "us-east-1"}, (), "eu-west-2"),
            ("AWS_REGION over the profile", ("--profile", "other"), {"AWS_REGION": "us-west-2"}, (), "us-west-2"),
            ("the profile's region", ("--profile", "other"), {}, ("AWS_REGION",), "ap-south-1")):
        state.reset()
        code, out, err = run(*args, "list-tables", env=env, unset=unset)
        expect(what + ": exit (stderr %r)" % err, code, 0)
        expect(what + ": regions signed for", sorted(set(state.regions)), [want])


@case("no source configured: exit 2, naming every source tried")
def _():
    code, out, err = run("list-tables")
    expect("exit", code, 2)
    for source in ("environment", "web identity", "profile 'default'", "container", "instance metadata"):
        if source not in err:
            raise AssertionError("%r not named in %r" % (source, err))
    code, out, err = run("--profile", "missing", "list-tables")
    expect("a profile that does not exist: exit", code, 2)


@case("a refused web identity token: exit 3, STS's reason, no token printed")
def _():
    write(home + "/token", "not-the-token")
    SECRETS.add("not-the-token")
    code, out, err = run("list-tables", env={"AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token",
                                             "AWS_ROLE_ARN": "arn:aws:iam::1:role/ci"})
    expect("exit", code, 3)
    if "InvalidIdentityToken" not in err:
        raise AssertionError("message: %r" % err)


def moto_python():
    """A Python that has moto (the machine image's), or None."""
    candidates = [shutil.which("python3")] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/*/bin/python3")))
    for python in filter(None, candidates):
        if subprocess.run([python, "-c", "import moto.server"], capture_output=True).returncode == 0:
            return python
    return None


@case("web identity against moto's STS, a second implementation")
def _():
    python = moto_python()
    if python is None:
        raise AssertionError("no Python with moto found")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    moto = subprocess.Popen([python, "-c", "import sys; from moto.server import main; sys.exit(main())",
                             "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        write(home + "/token", WEB_TOKEN)
        code, out, err = run("list-tables", env={"AWS_WEB_IDENTITY_TOKEN_FILE": home + "/token",
                                                 "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
                                                 "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d" % port})
        expect("exit (stderr %r)" % err, code, 0)
        keys = {k for k, _ in state.signed_by}
        if len(keys) != 1 or not next(iter(keys)).startswith("ASIA"):
            raise AssertionError("signed with %s, not moto's temporary credentials" % keys)
    finally:
        moto.terminate()
        moto.wait()


standins.stop()
shutil.rmtree(home, ignore_errors=True)
if problems:
    sys.exit("\n".join(problems))
print("credentials: every source works against its stand-in")
