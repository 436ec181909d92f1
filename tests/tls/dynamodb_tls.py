#!/usr/bin/python3
"""https on the DynamoDB store: stunnel terminates TLS in front of DynamoDB
Local with a certificate for "localhost" signed by a CA this test makes.
kvstore must work with that CA given in AWS_CA_BUNDLE, also through an
HTTPS_PROXY (a CONNECT tunnel; NO_PROXY honoured) and with credentials from
an STS behind TLS too, and refuse -- exit 3,
one line naming the certificate problem, no retries -- without it, with the
wrong host name, or with a CA file that does not exist.

Usage: dynamodb_tls.py KVSTORE_BINARY ENDPOINT
"""
import os
import random
import re
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

kvstore, endpoint = sys.argv[1], sys.argv[2]
upstream = endpoint.split("://", 1)[1]
work = tempfile.mkdtemp(prefix="kvstore-tls-")


def path(name):
    return os.path.join(work, name)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


# A CA, and a server certificate for localhost that it signs.
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"),
        "-days", "2", "-subj", "/CN=kvstore test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
        "-subj", "/CN=localhost")
with open(path("server.ext"), "w") as f:
    f.write("subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n")
openssl("x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
        "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"))

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
with open(path("stunnel.conf"), "w") as f:
    f.write("foreground = yes\npid =\n[dynamodb]\naccept = 127.0.0.1:%d\nconnect = %s\ncert = %s\nkey = %s\n"
            % (port, upstream, path("server.pem"), path("server.key")))
stunnel = subprocess.Popen(["stunnel4", path("stunnel.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("stunnel did not start: " + stunnel.stderr.read().decode() if stunnel.poll() is not None else "")

base_env = dict(os.environ, AWS_ACCESS_KEY_ID="kvstoretest", AWS_SECRET_ACCESS_KEY="kvstoretestsecret",
                AWS_REGION="us-east-1", KVSTORE_TABLE_PREFIX="tls%d-" % random.randrange(1 << 30))
base_env.pop("AWS_CA_BUNDLE", None)
problems = []


def run(host, *args, ca=None, extra_env=None):
    env = dict(base_env, **({"AWS_CA_BUNDLE": ca} if ca else {}), **(extra_env or {}))
    started = time.monotonic()
    r = subprocess.run([kvstore, "-v", "--store", "dynamodb+https://%s:%d" % (host, port), *args], env=env,
                       capture_output=True)
    return r.returncode, r.stdout.decode(), r.stderr.decode(), time.monotonic() - started


def expect(what, ok, detail):
    if not ok:
        problems.append("%s: %s" % (what, detail))


code, out, err, _ = run("localhost", "create-table", "secure", ca=path("ca.pem"))
expect("create-table over https with AWS_CA_BUNDLE", code == 0, err)
code, out, err, _ = run("localhost", "set", "secure", "k", "over tls", ca=path("ca.pem"))
expect("set over https", code == 0, err)
code, out, err, _ = run("localhost", "get", "secure", "k", ca=path("ca.pem"))
expect("get over https", code == 0 and out == "over tls", (code, out, err))


def refused(what, host, ca, mentions):
    code, out, err, took = run(host, "get", "secure", "k", ca=ca)
    problem_lines = [line for line in err.splitlines() if not line.startswith("kvstore: store ")
                     and not line.startswith("kvstore: dynamodb:") and not line.startswith("kvstore: AWS credentials")]
    expect(what + ": exit 3", code == 3, (code, err))
    expect(what + ": one line naming the problem", len(problem_lines) == 1 and mentions in problem_lines[0],
           problem_lines)
    expect(what + ": not retried", not re.search(r" [1-9][0-9]* retries", err) and took < 3, (took, err))


refused("without the test CA (system CAs only)", "localhost", None, "certificate")
refused("with the wrong host name", "127.0.0.1", path("ca.pem"), "127.0.0.1")
refused("with a CA file that does not exist", "localhost", path("missing.pem"), "AWS_CA_BUNDLE")

class ConnectProxy(socketserver.ThreadingTCPServer):
    """An HTTPS proxy: answers CONNECT HOST:PORT and relays bytes both ways."""
    daemon_threads = True
    allow_reuse_address = True
    tunnels = []


class Tunnel(socketserver.BaseRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        line = head.split(b"\r\n", 1)[0].decode()
        ConnectProxy.tunnels.append(line)
        method, target, _ = line.split(" ", 2)
        if method != "CONNECT":
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        host, target_port = target.rsplit(":", 1)
        upstream_socket = socket.create_connection(("127.0.0.1" if host == "localhost" else host, int(target_port)))
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        def pump(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    sink.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        relay = threading.Thread(target=pump, args=(upstream_socket, self.request), daemon=True)
        relay.start()
        pump(self.request, upstream_socket)
        relay.join(5)
        upstream_socket.close()


proxy = ConnectProxy(("127.0.0.1", 0), Tunnel)
threading.Thread(target=proxy.serve_forever, daemon=True).start()
via_proxy = {"HTTPS_PROXY": "http://127.0.0.1:%d" % proxy.server_address[1], "NO_PROXY": "", "no_proxy": ""}
code, out, err, _ = run("localhost", "get", "secure", "k", ca=path("ca.pem"), extra_env=via_proxy)
expect("get over https through HTTPS_PROXY", code == 0 and out == "over tls", (code, out, err))
expect("the proxy was asked to CONNECT", ConnectProxy.tunnels[:1] == ["CONNECT localhost:%d HTTP/1.1" % port],
       ConnectProxy.tunnels)
ConnectProxy.tunnels.clear()
code, out, err, _ = run("localhost", "get", "secure", "k", ca=path("ca.pem"), extra_env=dict(via_proxy, NO_PROXY="localhost"))
expect("NO_PROXY sends it direct", code == 0 and ConnectProxy.tunnels == [], (code, err, ConnectProxy.tunnels))
proxy.shutdown()

# STS over https too: web identity credentials from the STS stand-in
# (tests/aws/aws_standins.py) behind a second TLS terminator, with the same CA.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "aws"))
import aws_standins  # noqa: E402

standins = aws_standins.start(endpoint)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    sts_port = s.getsockname()[1]
with open(path("sts.conf"), "w") as f:
    f.write("foreground = yes\npid =\n[sts]\naccept = 127.0.0.1:%d\nconnect = %s\ncert = %s\nkey = %s\n"
            % (sts_port, standins.url.split("://", 1)[1], path("server.pem"), path("server.key")))
sts_tunnel = subprocess.Popen(["stunnel4", path("sts.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", sts_port), timeout=0.1).close()
        break
    except OSError:
        time.sleep(0.05)
with open(path("token"), "w") as f:
    f.write(aws_standins.WEB_TOKEN)
web_identity = {"AWS_WEB_IDENTITY_TOKEN_FILE": path("token"), "AWS_ROLE_ARN": "arn:aws:iam::1:role/tls",
                "AWS_ENDPOINT_URL_STS": "https://localhost:%d" % sts_port, "XDG_CACHE_HOME": path("cache")}
code, out, err, _ = run("localhost", "list-tables", ca=path("ca.pem"), extra_env=dict(web_identity, AWS_ACCESS_KEY_ID=""))
expect("web identity from STS over https", code == 0 and "AWS credentials from web identity" in err, (code, err))
expect("STS was asked over https", len(standins.state.asked("AssumeRoleWithWebIdentity")) == 1, standins.state.requests)
sts_tunnel.terminate()
sts_tunnel.wait()
standins.stop()

run("localhost", "drop-table", "secure", ca=path("ca.pem"))
stunnel.terminate()
stunnel.wait()
if problems:
    sys.exit("\n".join(problems))
print("https through stunnel: works with AWS_CA_BUNDLE, through an HTTPS_PROXY and with STS over https; refused (exit 3, no retry) "
      "without the CA, with the wrong host name and with a missing CA file")
