"""Local stand-ins for the services AWS credentials come from, on one
loopback port: EC2's instance metadata (IMDSv2), a container credential
endpoint, STS (AssumeRole, AssumeRoleWithWebIdentity; it checks what it is
sent) and the SSO portal; and a recording proxy to DynamoDB for everything
else (DynamoDB requests carry X-Amz-Target). Used by
tests/aws/credentials_test.py and bench/credential_sources.py.

    standins = start(dynamodb_endpoint)   # "http://127.0.0.1:PORT"
    standins.url, standins.state, standins.stop()
"""
import http.client
import http.server
import json
import threading
import time
import urllib.parse

upstream = None  # host:port of DynamoDB, set by start()

SECRETS = set()  # every secret and token handed out: none may be printed


def expiration(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))


def credentials(name, seconds=3600, issue=""):
    """Credentials named `name` (DynamoDB Local keeps one database per access
    key id, so a re-issue changes only the token), as the services write them."""
    secret, token = "secret-of-" + name, "token-of-" + name + issue
    SECRETS.update((secret, token))
    return {"AccessKeyId": name, "SecretAccessKey": secret, "Token": token, "Expiration": expiration(seconds)}


class Standins:
    """What the stand-ins were asked, and how they answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []   # (path or STS action, headers)
        self.signed_by = []  # (access key id, security token) of each DynamoDB request
        self.regions = []    # the region of each DynamoDB request's SigV4 scope
        self.imds_expiry = 3600
        self.imds_calls = 0

    def record(self, what, headers):
        with self.lock:
            self.requests.append((what, dict(headers)))

    def asked(self, what):
        with self.lock:
            return [h for w, h in self.requests if w == what]

    def reset(self):
        with self.lock:
            self.requests, self.signed_by, self.regions = [], [], []


state = Standins()
WEB_TOKEN = "web-identity-token-value"
CONTAINER_TOKEN = "container-authorization-token"
SSO_TOKEN = "sso-access-token-value"
SECRETS.update((WEB_TOKEN, CONTAINER_TOKEN, SSO_TOKEN, "secret-of-AKSOURCE", "secret-of-AKENV", "secret-of-AKSTATIC"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        state.record(self.path, self.headers)
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(200, "imds-session-token", "text/plain")
        self.reply(400, "bad token request", "text/plain")

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        state.record(url.path, self.headers)
        if url.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "imds-session-token":
                return self.reply(401, "", "text/plain")
            role = url.path.rsplit("/", 1)[1]
            if not role:
                return self.reply(200, "kvstore-instance-role", "text/plain")
            with state.lock:
                state.imds_calls += 1
                issue = "-issue%d" % state.imds_calls
            return self.reply(200, json.dumps(dict(credentials("AKIMDS", state.imds_expiry, issue), Code="Success")))
        if url.path == "/container/credentials":
            if self.headers.get("Authorization") != CONTAINER_TOKEN:
                return self.reply(403, '{"message": "wrong token"}')
            return self.reply(200, json.dumps(credentials("AKCONTAINER")))
        if url.path == "/federation/credentials":
            query = urllib.parse.parse_qs(url.query)
            if self.headers.get("x-amz-sso_bearer_token") != SSO_TOKEN or query.get("account_id") != ["123456789012"]:
                return self.reply(401, '{"message": "Session token not found or invalid"}')
            c = credentials("AKSSO")
            return self.reply(200, json.dumps({"roleCredentials": {
                "accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"],
                "sessionToken": c["Token"], "expiration": int((time.time() + 3600) * 1000)}}))
        self.reply(404, "", "text/plain")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("X-Amz-Target"):
            return self.forward_to_dynamodb(body)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        state.record(form.get("Action"), dict(self.headers, **{"form": form}))
        if form.get("Action") == "AssumeRoleWithWebIdentity":
            if form.get("WebIdentityToken") != WEB_TOKEN:
                return self.sts_error("InvalidIdentityToken", "the token is not valid")
            return self.sts_answer("AssumeRoleWithWebIdentity", credentials("AKWEB"))
        if form.get("Action") == "AssumeRole":
            authorization = self.headers.get("Authorization", "")
            if "/sts/aws4_request" not in authorization:
                return self.sts_error("IncompleteSignature", "not signed for sts")
            source = authorization.split("Credential=", 1)[1].split("/", 1)[0]
            return self.sts_answer("AssumeRole", credentials("AKROLE" + form["RoleArn"].rsplit("/", 1)[1] + "BY" + source))
        self.sts_error("InvalidAction", "unknown action")

    def sts_answer(self, action, c):
        self.reply(200, ("<{0}Response><{0}Result><Credentials><AccessKeyId>{1}</AccessKeyId>"
                         "<SecretAccessKey>{2}</SecretAccessKey><SessionToken>{3}</SessionToken>"
                         "<Expiration>{4}</Expiration></Credentials></{0}Result></{0}Response>").format(
            action, c["AccessKeyId"], c["SecretAccessKey"], c["Token"], c["Expiration"]), "text/xml")

    def sts_error(self, code, message):
        self.reply(400, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                        "</ErrorResponse>" % (code, message), "text/xml")

    def forward_to_dynamodb(self, body):
        authorization = self.headers.get("Authorization", "")
        scope = authorization.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in authorization else []
        with state.lock:
            state.signed_by.append((scope[0] if scope else "", self.headers.get("X-Amz-Security-Token", "")))
            state.regions.append(scope[2] if len(scope) > 2 else "")
        if upstream is None:  # no DynamoDB to forward to: enough of one for list-tables
            return self.reply(200, '{"TableNames": []}', "application/x-amz-json-1.0")
        connection = http.client.HTTPConnection(upstream, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        self.reply(response.status, data, "application/x-amz-json-1.0")


class Running:
    def __init__(self, server):
        self.server = server
        self.url = "http://%s:%d" % server.server_address[:2]
        self.state = state

    def stop(self):
        self.server.shutdown()


def start(dynamodb_endpoint, address=("127.0.0.1", 0)):
    """The stand-ins on `address`, forwarding DynamoDB requests to `dynamodb_endpoint` (None: answer them)."""
    global upstream
    upstream = dynamodb_endpoint.split("://", 1)[1] if dynamodb_endpoint else None
    server = http.server.ThreadingHTTPServer(address, Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Running(server)
