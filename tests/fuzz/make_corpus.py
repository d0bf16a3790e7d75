#!/usr/bin/env python3
"""Rebuilds the seed corpora of the fuzz targets from real clients, and their dictionaries.

Starts the built localorgs (LOCALORGS_BIN, else build/localorgs) through the end-to-end harness,
puts a recording TCP proxy in front of it, and drives it with boto3, the aws CLI and plain HTTP
through a lifecycle that touches every implemented operation and the control plane. What the
clients sent becomes:

  corpus/http_request/captured-*   each connection's raw bytes (boto3 keeps one connection per
                                   client, so these are stateful sequences), and the whole session
                                   as one connection, in the order it happened, with the ids the
                                   server made written as placeholders ("$h0", known_ids.hpp), so
                                   that it replays against the fuzz target's fresh server
  corpus/json_input/captured-*     "Operation account\\n" + the JSON body of each API request
  corpus/sigv4_header/captured-*   each signed API request whole, and presigned URLs as requests
                                   (X-Amz-Credential in the query)

With --e2e it instead runs end-to-end test modules (E2E_MODULES) with the recording proxy in front
of every server they start, and writes what their clients sent as e2e-* seeds of all three targets
(a bounded, varied selection: see e2e_seeds); nothing else is touched.

plus requests signed here by botocore with the fuzz target's key at its fixed time, so that they
verify (sigv4_header/signed-*, see signed_seeds), and a few hand-written edge cases (crafted-*). Files named regression-* are past findings and are
never touched. The dictionaries (*.dict) list the service model's operation and member names and
enum values, from botocore, and the HTTP and control-plane tokens.

    python3 tests/fuzz/make_corpus.py [--e2e]
"""

import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
os.environ.setdefault("LOCALORGS_BIN", os.path.join(REPO, "build", "localorgs"))

import botocore.config  # noqa: E402
import botocore.session  # noqa: E402

import harness  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")
TARGET_PREFIX = "AWSOrganizationsV20161128."

MANAGEMENT = "111111111111"
INVITEE = "222222222222"
OTHER = "333333333333"
BILLING = "444444444444"


# The fuzz target's configuration (fuzz_config() in http_request.cpp): the recorded session
# replays there only if the server it was recorded against was configured the same way.
SERVER_CONFIG = {
    "Accounts": [{"Id": MANAGEMENT, "Email": "owner@example.com", "Name": "Management"}],
    "Credentials": [{"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "secret", "AccountId": "555555555555"}],
}


class Connection:
    def __init__(self):
        self.sent = bytearray()  # client to server
        self.received = bytearray()  # server to client
        self.times = []  # (offset in `sent`, monotonic time) of each chunk the client sent


class RecordingProxy:
    """Forwards 127.0.0.1:<port> to the server and keeps both directions of every connection."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []  # in accept order
        self.lock = threading.Lock()
        self.threads = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            conn = Connection()
            with self.lock:
                self.connections.append(conn)
            for args in ((client, upstream, conn, True), (upstream, client, conn, False)):
                t = threading.Thread(target=self._pump, args=args, daemon=True)
                t.start()
                self.threads.append(t)

    @staticmethod
    def _pump(src, dst, conn, from_client):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client:
                    conn.times.append((len(conn.sent), time.monotonic()))
                    conn.sent.extend(data)
                else:
                    conn.received.extend(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (dst, src):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()
        for t in self.threads:
            t.join(5)


class Message:
    """One HTTP/1.1 message with a Content-Length framed body (all the recorded clients send)."""

    def __init__(self, start, lines, body, offset):
        self.start = start  # request line or status line
        self.lines = lines  # header lines, as sent
        self.headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self.body = body
        self.offset = offset  # where it begins in its stream

    @property
    def method(self):
        return self.start.split(" ", 1)[0]

    @property
    def target(self):
        return self.start.split(" ", 2)[1]

    def encode(self, target=None, body=None):
        """The message again, with another target or body (and a Content-Length to match)."""
        body = self.body if body is None else body
        start = self.start if target is None else f"{self.method} {target} {self.start.split(' ', 2)[2]}"
        lines = [line for line in self.lines
                 if line.partition(":")[0].strip().lower() not in ("content-length", "connection")]
        if body or self.method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join([start, *lines]) + "\r\n\r\n").encode("latin-1") + body


def split_messages(stream, bodiless=()):
    """The messages of one direction of a connection; `bodiless`: indexes of answers to HEAD."""
    out = []
    data = bytes(stream)
    offset = 0
    while offset < len(data):
        end = data.find(b"\r\n\r\n", offset)
        if end < 0:
            break
        lines = data[offset:end].decode("latin-1").split("\r\n")
        message = Message(lines[0], lines[1:], b"", offset)
        length = 0 if len(out) in bodiless else int(message.headers.get("content-length", "0"))
        message.body = data[end + 4:end + 4 + length]
        out.append(message)
        offset = end + 4 + length
    return out


ID_SHAPE = re.compile(r"^(?:o-[a-z0-9]{10}|r-[a-z0-9]{4}|h-[0-9a-f]{32})$")


def ids_in(value):
    """The id-shaped strings of a JSON answer, in the order it was written (known_ids.hpp)."""
    if isinstance(value, str):
        if ID_SHAPE.match(value):
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids_in(item)


class Placeholders:
    """Recorded ids to "$o0", "$r0", "$h0"..., numbered in the order answers first held them."""

    def __init__(self):
        self.names = {}
        self.counts = {"o": 0, "r": 0, "h": 0}

    def learn(self, answer_body):
        try:
            answer = json.loads(answer_body)
        except ValueError:
            return
        for value in ids_in(answer):
            if value not in self.names:
                kind = value[0]
                self.names[value] = f"${kind}{self.counts[kind]}"
                self.counts[kind] += 1

    def apply(self, text):
        for value, name in self.names.items():
            text = text.replace(value, name)
        return text


def check_session_replay(statuses):
    """Replays the session seed through the fuzz target, when built, and compares the statuses."""
    binary = os.path.join(os.path.dirname(os.environ["LOCALORGS_BIN"]), "tests", "fuzz", "fuzz_http_request")
    if not os.access(binary, os.X_OK):
        print(f"not checked: the session seed's replay ({binary} is not built)")
        return
    path = os.path.join(CORPUS, "http_request", "captured-session")
    out = subprocess.run([binary, path], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "LOCALORGS_FUZZ_TRACE": "1"})
    replayed = [line.split(" ")[0] for line in out.stderr.splitlines() if re.match(r"^\d{3} ", line)]
    if out.returncode != 0 or replayed != statuses:
        sys.exit(f"the session seed does not replay as recorded:\nrecorded {statuses}\nreplayed {replayed}\n"
                 f"{out.stderr[-3000:]}")
    print(f"session seed: {len(statuses)} requests replay with the recorded statuses")


def access_key(headers, target):
    m = re.search(r"Credential=([^/,\s]+)/", headers.get("authorization", ""))
    if m:
        return m.group(1)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
    return q.get("X-Amz-Credential", [""])[0].split("/")[0]


def label(requests):
    """Names a connection by its client and first request."""
    first = requests[0]
    agent = first.headers.get("user-agent", "")
    who = "cli" if agent.startswith("aws-cli") else "boto3" if "Boto3" in agent or "Botocore" in agent else "http"
    operation = first.headers.get("x-amz-target", "")[len(TARGET_PREFIX):] or urllib.parse.urlsplit(first.target).path
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{who}-{operation}").strip("-")


def drive(session, proxy_port):
    """The scenario: every implemented operation, some refusals, the control plane, presigning."""
    proxy_url = f"http://127.0.0.1:{proxy_port}"

    def client(account, validate=True):
        config = botocore.config.Config(retries={"total_max_attempts": 1}, parameter_validation=validate)
        return session.create_client("organizations", endpoint_url=proxy_url, region_name="eu-west-1",
                                     aws_access_key_id=account, aws_secret_access_key="dummy", config=config)

    def quiet(call, **kw):
        try:
            return call(**kw)
        except Exception:  # refusals are part of the corpus too
            return None

    # Control plane first: accounts with known emails, then faults and the clock.
    conn = http.client.HTTPConnection("127.0.0.1", proxy_port, timeout=10)

    def control(method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = conn.getresponse()
        r.read()
    control("GET", "/_localorgs/health")
    control("HEAD", "/_localstack/health")
    control("GET", "/_localstack/health")
    control("PUT", f"/_localorgs/accounts/{INVITEE}", {"Email": "invitee@example.com", "Name": "Invitee"})
    control("PUT", f"/_localorgs/accounts/{OTHER}", {"Email": "other@example.com", "SellerOfRecord": "AWS_EMEA",
                                                     "Partition": "aws", "EmailVerified": True})
    control("GET", f"/_localorgs/accounts/{INVITEE}")
    control("GET", "/_localorgs/accounts")
    control("POST", "/_localorgs/faults", {"Operation": "DescribeOrganization", "Error": "TooManyRequestsException",
                                           "Count": 1, "AccountId": MANAGEMENT})
    control("GET", "/_localorgs/faults")
    control("DELETE", "/_localorgs/faults")
    control("POST", "/_localorgs/clock", {"AdvanceSeconds": 3600})
    control("GET", "/_localorgs/clock")
    conn.close()

    mgmt = client(MANAGEMENT)
    invitee = client(INVITEE)
    org = mgmt.create_organization(FeatureSet="ALL")["Organization"]
    mgmt.describe_organization()
    root = mgmt.list_roots()["Roots"][0]["Id"]
    mgmt.list_accounts(MaxResults=5)
    mgmt.describe_account(AccountId=MANAGEMENT)
    mgmt.list_parents(ChildId=MANAGEMENT)
    mgmt.list_children(ParentId=root, ChildType="ACCOUNT")
    mgmt.list_accounts_for_parent(ParentId=root)
    mgmt.tag_resource(ResourceId=root, Tags=[{"Key": "env", "Value": "test"}, {"Key": "team", "Value": "core"}])
    mgmt.list_tags_for_resource(ResourceId=root)
    mgmt.untag_resource(ResourceId=root, TagKeys=["team"])
    h = mgmt.invite_account_to_organization(Target={"Id": INVITEE, "Type": "ACCOUNT"}, Notes="welcome",
                                            Tags=[{"Key": "k", "Value": "v"}])["Handshake"]
    mgmt.list_handshakes_for_organization(Filter={"ActionType": "INVITE"})
    invitee.list_handshakes_for_account()
    invitee.describe_handshake(HandshakeId=h["Id"])
    invitee.accept_handshake(HandshakeId=h["Id"])
    mgmt.list_accounts()
    invitee.describe_organization()
    h = mgmt.invite_account_to_organization(Target={"Id": "other@example.com", "Type": "EMAIL"})["Handshake"]
    other = client(OTHER)
    other.decline_handshake(HandshakeId=h["Id"])
    h = mgmt.invite_account_to_organization(Target={"Id": OTHER, "Type": "ACCOUNT"})["Handshake"]
    mgmt.cancel_handshake(HandshakeId=h["Id"])
    mgmt.remove_account_from_organization(AccountId=INVITEE)
    h = mgmt.invite_account_to_organization(Target={"Id": INVITEE, "Type": "ACCOUNT"})["Handshake"]
    invitee.accept_handshake(HandshakeId=h["Id"])
    invitee.leave_organization()
    quiet(invitee.list_handshakes_for_account, Filter={"ParentHandshakeId": h["Id"]}, MaxResults=1)
    quiet(mgmt.delete_organization)

    billing = client(BILLING)
    billing.create_organization(FeatureSet="CONSOLIDATED_BILLING")
    h = billing.invite_account_to_organization(Target={"Id": OTHER, "Type": "ACCOUNT"})["Handshake"]
    other.accept_handshake(HandshakeId=h["Id"])
    parent = billing.enable_all_features()["Handshake"]
    billing.list_handshakes_for_organization(Filter={"ParentHandshakeId": parent["Id"]})
    other.list_handshakes_for_account(Filter={"ActionType": "APPROVE_ALL_FEATURES"})

    # Inputs boto3 would refuse before sending: the server's validation sees them.
    raw = client(MANAGEMENT, validate=False)
    quiet(raw.describe_account, AccountId="12")
    quiet(raw.list_accounts, MaxResults=0)
    quiet(raw.list_children, ParentId=root, ChildType="NOPE")
    quiet(raw.invite_account_to_organization, Target={"Id": "x" * 300, "Type": "ACCOUNT"})
    quiet(raw.tag_resource, ResourceId=root, Tags=[{"Key": "aws:x", "Value": "1"}, {"Key": "aws:x", "Value": "2"}])
    quiet(raw.describe_handshake, HandshakeId="h-" + "g" * 32)

    # The aws CLI: one process, one connection per call.
    for account, args in [
        (MANAGEMENT, ["describe-organization"]),
        (MANAGEMENT, ["list-roots"]),
        (MANAGEMENT, ["invite-account-to-organization", "--target", f"Id={OTHER},Type=ACCOUNT",
                      "--notes", "hello", "--tags", "Key=a,Value=b"]),
        (OTHER, ["list-handshakes-for-account"]),
        (MANAGEMENT, ["list-handshakes-for-organization", "--max-items", "1"]),
        (MANAGEMENT, ["list-tags-for-resource", "--resource-id", MANAGEMENT]),
        ("AKIAEXAMPLE", ["describe-organization"]),
    ]:
        harness.run_cli(proxy_url, account, *args)

    # Presigned URLs carry the credential in the query.
    presigned = [(client(account).generate_presigned_url(op, Params=params, ExpiresIn=300), operation)
                 for account, op, operation, params in [
                     (MANAGEMENT, "describe_organization", "DescribeOrganization", {}),
                     (INVITEE, "describe_handshake", "DescribeHandshake", {"HandshakeId": h["Id"]}),
                     ("AKIAEXAMPLE", "list_roots", "ListRoots", {})]]
    return presigned


# The key and time of sigv4_header.cpp (kAccessKey, kSecret, kNow): requests signed with them
# verify there, so the fuzzer starts from accepted signatures and mutates them into refusals.
SIGNING_KEY = ("AKIAEXAMPLE", "secret")
SIGNING_TIME = (2026, 11, 28, 12, 0, 0)


def signed_seeds():
    """Requests signed by botocore's signers (header, presigned, presigned over UNSIGNED-PAYLOAD),
    written as raw HTTP."""
    import datetime
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    credentials = Credentials(*SIGNING_KEY)
    when = datetime.datetime(*SIGNING_TIME)
    original = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *a, **k: when

    def raw(request):
        parts = urllib.parse.urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = request.body or b""
        body = body.encode() if isinstance(body, str) else body
        lines = [f"{request.method} {target} HTTP/1.1"]
        if "host" not in {k.lower() for k in request.headers}:
            lines.append(f"Host: {parts.netloc}")
        lines += [f"{k}: {v}" for k, v in request.headers.items()]
        if body or request.method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def api(operation, body, url="http://127.0.0.1:4566/", **headers):
        request = AWSRequest(method="POST", url=url, data=body.encode(),
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": TARGET_PREFIX + operation, **headers})
        return request

    seeds = {}
    try:
        cases = {
            "describe-organization": (botocore.auth.SigV4Auth, api("DescribeOrganization", "{}")),
            "accept-handshake": (botocore.auth.SigV4Auth,
                                 api("AcceptHandshake", '{"HandshakeId": "h-0123456789abcdef"}')),
            "invite-content-sha256": (botocore.auth.SigV4Auth, api(
                "InviteAccountToOrganization", '{"Target": {"Id": "222222222222", "Type": "ACCOUNT"}}',
                **{"X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"})),
            "odd-path-query-headers": (botocore.auth.SigV4Auth, api(
                "ListRoots", "{}", url="http://localhost:4566/a/./b/../c//d%20e?b=2&a=1&a=0&x=%20y&empty=",
                **{"X-Custom": "  several   spaces  inside ", "User-Agent": "fuzz/1.0"})),
            "presigned": (lambda c, s, r: botocore.auth.SigV4QueryAuth(c, s, r, expires=300),
                          api("DescribeOrganization", "")),
            "presigned-unsigned-payload": (lambda c, s, r: botocore.auth.S3SigV4QueryAuth(c, s, r, expires=3600),
                                           api("ListRoots", "{}")),
        }
        for name, (signer, request) in cases.items():
            signer(credentials, "organizations", "eu-west-1").add_auth(request)
            seeds[name] = raw(request.prepare())
    finally:
        botocore.auth.get_current_datetime = original
    return seeds


CRAFTED_HTTP = {
    "chunked-body": (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\n"
                     b"Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"1\r\n{\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n"),
    "http10-close": (b"POST / HTTP/1.0\r\nX-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization\r\n"
                     b"Content-Length: 0\r\n\r\n"),
    "presigned-get": (b"GET /?Action=DescribeOrganization&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                      b"222222222222%2F20260101%2Fus-east-1%2Forganizations%2Faws4_request HTTP/1.1\r\nHost: x\r\n\r\n"),
    "bad-json-then-deep": (
        b"POST / HTTP/1.1\r\nX-Amz-Target: AWSOrganizationsV20161128.CreateOrganization\r\n"
        b"Content-Length: 5\r\n\r\n{\"a\":"
        b"POST / HTTP/1.1\r\nX-Amz-Target: AWSOrganizationsV20161128.CreateOrganization\r\n"
        b"Content-Length: 140\r\n\r\n" + b"[" * 70 + b"]" * 70),
    "fault-service-exception": (
        b"POST /_localorgs/faults HTTP/1.1\r\nContent-Length: 57\r\n\r\n"
        b"{\"Operation\": \"*\", \"Error\": \"ServiceException\", \"Count\": 2}"
        b"POST / HTTP/1.1\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\nContent-Length: 2\r\n\r\n{}"),
    "control-plane-edges": (
        b"POST /_localorgs/clock HTTP/1.1\r\nContent-Length: 26\r\n\r\n{\"Now\": 1700000000.123456}"
        b"PUT /_localorgs/organizations/o-aaaaaaaaaa/quotas HTTP/1.1\r\nContent-Length: 41\r\n\r\n"
        b"{\"MaxAccounts\": 2, \"InvitationsPerDay\": 1}"
        b"GET /_localorgs/outbox?to=invitee%40example.com HTTP/1.1\r\n\r\n"
        b"DELETE /_localorgs/outbox HTTP/1.1\r\n\r\n"
        b"POST /_localorgs/reset HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
}

CRAFTED_JSON = {
    "unicode-notes": 'InviteAccountToOrganization\n{"Target":{"Id":"222222222222","Type":"ACCOUNT"},'
                     '"Notes":"\\ud83d\\ude00 caf\\u00e9"}',
    "wrong-types": 'ListAccounts\n{"MaxResults":"5","NextToken":7}',
    "huge-integer": 'ListAccounts\n{"MaxResults":18446744073709551615}',
    "fraction": 'ListRoots\n{"MaxResults":1.5}',
    "null-members": 'TagResource\n{"ResourceId":null,"Tags":[null]}',
    "not-an-object": 'DescribeOrganization\n[1,2,3]',
    "member-caller": 'LeaveOrganization 333333333333\n{}',
    "unimplemented": 'CreateAccount\n{"Email":"a@example.com","AccountName":"a"}',
}

def crafted_sigv4(authorization, target="/", date="X-Amz-Date: 20261128T120000Z"):
    auth = f"Authorization: {authorization}\r\n" if authorization else ""
    return f"POST {target} HTTP/1.1\r\nHost: x\r\n{date}\r\n{auth}Content-Length: 2\r\n\r\n{{}}"


CRAFTED_SIGV4 = {
    "no-credential": crafted_sigv4("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00"),
    "empty-key": crafted_sigv4("AWS4-HMAC-SHA256 Credential=/20261128/us-east-1/organizations/aws4_request"),
    "query-only": crafted_sigv4(
        "", "/?X-Amz-Credential=AKIAEXAMPLE%2F20261128%2Feu-west-1%2Forganizations%2Faws4_request&x=1"),
    "both": crafted_sigv4("AWS4-HMAC-SHA256 Credential=123456789012,SignedHeaders=host",
                          "/?X-Amz-Credential=999999999999"),
    "truncated-escape": crafted_sigv4("", "/?X-Amz-Credential=%2"),
    "http-date": crafted_sigv4(
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/eu-west-1/organizations/aws4_request, "
        "SignedHeaders=date;host, Signature=" + "0" * 64, date="Date: Sat, 28 Nov 2026 12:00:00 GMT"),
}


def scrub(raw):
    # The user agent names the kernel of the machine that ran this (botocore: os/linux#..., the
    # AWS CLI v2: Linux/...); it is not signed, so a fixed one keeps the requests real and the
    # corpus the same wherever it is rebuilt.
    raw = re.sub(rb"os/linux#\S+", b"os/linux#6.1.0", bytes(raw))
    return re.sub(rb"Linux/[0-9]\S*", b"Linux/6.1.0", raw)


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def clear_generated(directory):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith(("captured-", "crafted-")):
            os.remove(os.path.join(directory, name))


def short_hash(data):
    return hashlib.sha1(data).hexdigest()[:8]


def write_dictionaries(model):
    """libFuzzer dictionaries: one quoted token per line."""
    def quoted(token):
        return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\x{ord(c):02x}" for c in token) + '"'

    names = set()
    for op in model.operation_names:
        names.add(op)
    values = set()
    for shape_name in model.shape_names:
        shape = model.shape_for(shape_name)
        if shape.type_name == "structure":
            names.update(shape.members)
        if shape.type_name == "string" and shape.enum:
            values.update(shape.enum)
    json_tokens = sorted(names) + sorted(values) + ['{"', '":', '"}', "[]", "null", "true", "false",
                                                    "1e400", "-0", "\\u0000", "\\ud800"]
    http_tokens = ["POST", "GET", "HEAD", "PUT", "DELETE", "HTTP/1.1", "HTTP/1.0", "\r\n", "\r\n\r\n",
                   "Content-Length: ", "Transfer-Encoding: chunked", "Connection: close", "Connection: keep-alive",
                   "Expect: 100-continue", "X-Amz-Target: ", TARGET_PREFIX, "Authorization: ",
                   "Content-Type: application/x-amz-json-1.1", "AWS4-HMAC-SHA256 Credential=",
                   "/20260101/us-east-1/organizations/aws4_request", "X-Amz-Credential=",
                   "/_localorgs/health", "/_localstack/health", "/_localorgs/reset", "/_localorgs/accounts/",
                   "/_localorgs/clock", "/_localorgs/outbox", "/_localorgs/faults", "/_localorgs/organizations/",
                   "/quotas", "AdvanceSeconds", "OffsetSeconds", "Now", "Reset", "Operation", "Error", "Count",
                   "AccountId", "MaxAccounts", "InvitationsPerDay", "InitializationSeconds", "SellerOfRecord",
                   "Partition", "EmailVerified", "ServiceException", "TooManyRequestsException",
                   "111111111111", "222222222222", "AKIAEXAMPLE"]
    with open(os.path.join(HERE, "json_input.dict"), "w", encoding="ascii") as f:
        f.write("# Generated by make_corpus.py from the botocore service model.\n")
        f.writelines(quoted(t) + "\n" for t in json_tokens)
    with open(os.path.join(HERE, "http_request.dict"), "w", encoding="ascii") as f:
        f.write("# Generated by make_corpus.py from the botocore service model and the control plane.\n")
        f.writelines(quoted(t) + "\n" for t in http_tokens + json_tokens)


# The end-to-end modules whose traffic seeds the targets with --e2e: every client (aws CLI v1 and
# v2, boto3, the JavaScript SDK) and every operation. Modules about connections themselves (floods,
# slow clients, restarts, the ready line) would only record their own trickery, or break behind a
# proxy.
E2E_MODULES = ["test_handshakes_boto3", "test_handshakes_cli", "test_handshakes_time_and_controls",
               "test_organization_cli", "test_all_features", "test_members_seeded", "test_pagination",
               "test_protocol_boto3", "test_least_exposure", "test_signatures", "test_clients", "test_races"]


# Longer connections are left out of the http_request seeds: libFuzzer's inputs grow to the
# largest seed, and each input costs a fresh server.
E2E_MAX_CONNECTION = 32 * 1024


def record_e2e(modules):
    """Runs `modules` with every harness.Server behind a RecordingProxy; returns their connections."""
    proxies = []
    original_start = harness.Server.start

    def start(self, *args, **kwargs):
        result = original_start(self, *args, **kwargs)
        proxy = RecordingProxy(self.port)
        proxies.append(proxy)
        self.port = proxy.port
        self.url = f"http://{self.host}:{proxy.port}"
        return result

    harness.Server.start = start
    try:
        suite = unittest.defaultTestLoader.loadTestsFromNames(modules)
        outcome = unittest.TextTestRunner(verbosity=0, stream=sys.stderr).run(suite)
    finally:
        harness.Server.start = original_start
        for proxy in proxies:
            proxy.close()
    if not outcome.wasSuccessful():
        sys.exit("the end-to-end tests failed behind the recording proxy; no seeds written")
    return [c for proxy in proxies for c in proxy.connections if c.sent]


def e2e_seeds(connections):
    """Seeds from recorded end-to-end traffic, bounded: JSON inputs distinct by operation, caller kind
    and the members and JSON types of the body (at most 6 per operation); signed requests distinct
    by client, signed headers and way of signing; and the longest connections (up to
    E2E_MAX_CONNECTION) whole."""
    json_seeds, json_kinds, per_operation = {}, set(), {}
    sigv4_seeds, sigv4_kinds = {}, set()
    http_seeds = []

    def body_kind(body):
        try:
            value = json.loads(body or b"{}")
        except ValueError:
            return "invalid"
        if not isinstance(value, dict):
            return type(value).__name__
        return ",".join(f"{k}:{type(v).__name__}" for k, v in sorted(value.items()))

    for c in connections:
        requests = split_messages(c.sent)
        if requests and len(c.sent) <= E2E_MAX_CONNECTION:
            http_seeds.append(scrub(c.sent))
        for request in requests:
            operation = request.headers.get("x-amz-target", "")
            if not operation.startswith(TARGET_PREFIX):
                continue
            operation = operation[len(TARGET_PREFIX):]
            key = access_key(request.headers, request.target)
            caller = key if re.fullmatch(r"\d{12}", key) else ""
            kind = (operation, bool(caller), body_kind(request.body))
            if kind not in json_kinds and per_operation.get(operation, 0) < 6:
                json_kinds.add(kind)
                per_operation[operation] = per_operation.get(operation, 0) + 1
                seed = f"{operation} {caller}".rstrip().encode() + b"\n" + request.body
                json_seeds[f"e2e-{short_hash(seed)}"] = seed
            # The client and its major version: "aws-cli/1", "aws-cli/2", "Boto3/1", "aws-sdk-js/3".
            agent = re.match(r"[^/ ]*(?:/\d+)?", request.headers.get("user-agent", "")).group(0)
            authorization = request.headers.get("authorization", "")
            signed = re.search(r"SignedHeaders=([^,\s]*)", authorization)
            kind = (agent, signed.group(1) if signed else "", "x-amz-content-sha256" in request.headers,
                    "X-Amz-Credential" in request.target, authorization.split(" ")[0])
            if (authorization or "X-Amz-Credential" in request.target) and kind not in sigv4_kinds:
                sigv4_kinds.add(kind)
                seed = scrub(request.encode())
                sigv4_seeds[f"e2e-{short_hash(seed)}"] = seed
    # The longest connections: boto3 and the JavaScript SDK keep one per client, so these are the
    # stateful sequences of whole tests.
    http_seeds.sort(key=len, reverse=True)
    return {"http_request": {f"e2e-{short_hash(s)}": s for s in http_seeds[:12]},
            "json_input": json_seeds, "sigv4_header": sigv4_seeds}


def main_e2e():
    for target in ("http_request", "json_input", "sigv4_header"):
        directory = os.path.join(CORPUS, target)
        for name in os.listdir(directory):
            if name.startswith("e2e-"):
                os.remove(os.path.join(directory, name))
    for target, seeds in e2e_seeds(record_e2e(E2E_MODULES)).items():
        for name, data in seeds.items():
            write(os.path.join(CORPUS, target), name, data)
        print(f"{target}: {len(seeds)} seeds from the end-to-end tests")


def main():
    if sys.argv[1:] == ["--e2e"]:
        return main_e2e()
    session = botocore.session.get_session()
    for target in ("http_request", "json_input", "sigv4_header"):
        clear_generated(os.path.join(CORPUS, target))

    server = harness.Server(config=SERVER_CONFIG)
    server.start()
    proxy = RecordingProxy(server.port)
    try:
        presigned = drive(session, proxy.port)
    finally:
        proxy.close()
        server.stop_cleanly()
        server.close()

    connections = [c for c in proxy.connections if c.sent]

    # Every exchange of the session, in the order it happened.
    exchanges = []
    for c in connections:
        requests = split_messages(c.sent)
        answers = split_messages(c.received, {i for i, r in enumerate(requests) if r.method == "HEAD"})
        for request, answer in zip(requests, answers):
            when = max(t for offset, t in c.times if offset <= request.offset) if c.times else 0
            exchanges.append((when, request, answer))
    exchanges.sort(key=lambda e: e[0])
    placeholders = Placeholders()
    replay, statuses = b"", []
    for _, request, answer in exchanges:
        target = placeholders.apply(request.target)
        body = placeholders.apply(request.body.decode("utf-8")).encode("utf-8")
        replay += request.encode(target, body)
        statuses.append(answer.start.split(" ")[1])
        if answer.start.split(" ")[1] == "200" and request.method != "HEAD":
            placeholders.learn(answer.body)
    write(os.path.join(CORPUS, "http_request"), "captured-session", scrub(replay))
    check_session_replay(statuses)

    seen = set()
    for i, c in enumerate(connections):
        requests = split_messages(c.sent)
        write(os.path.join(CORPUS, "http_request"), f"captured-{i:02d}-{label(requests)}", scrub(c.sent))
        for request in requests:
            operation = request.headers.get("x-amz-target", "")
            if operation.startswith(TARGET_PREFIX):
                key = access_key(request.headers, request.target)
                caller = key if re.fullmatch(r"\d{12}", key) else ""
                body = placeholders.apply(request.body.decode("utf-8")).encode("utf-8")
                seed = f"{operation[len(TARGET_PREFIX):]} {caller}".rstrip().encode() + b"\n" + body
                if seed not in seen:
                    seen.add(seed)
                    write(os.path.join(CORPUS, "json_input"), f"captured-{short_hash(seed)}", seed)
            if "authorization" in request.headers:
                seed = scrub(request.encode())
                if seed not in seen:
                    seen.add(seed)
                    write(os.path.join(CORPUS, "sigv4_header"), f"captured-{short_hash(seed)}", seed)
    for url, operation in presigned:
        parts = urllib.parse.urlsplit(url)
        seed = (f"POST {parts.path or '/'}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                f"Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: {TARGET_PREFIX}{operation}\r\n"
                "Content-Length: 0\r\n\r\n")
        write(os.path.join(CORPUS, "sigv4_header"), f"captured-presigned-{short_hash(seed.encode())}", seed)
    for name, data in signed_seeds().items():
        write(os.path.join(CORPUS, "sigv4_header"), f"signed-{name}", data)

    for name, data in CRAFTED_HTTP.items():
        write(os.path.join(CORPUS, "http_request"), f"crafted-{name}", data)
    for name, data in CRAFTED_JSON.items():
        write(os.path.join(CORPUS, "json_input"), f"crafted-{name}", data)
    for name, data in CRAFTED_SIGV4.items():
        write(os.path.join(CORPUS, "sigv4_header"), f"crafted-{name}", data)

    write_dictionaries(session.get_service_model("organizations"))
    for target in ("http_request", "json_input", "sigv4_header"):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} seeds")


if __name__ == "__main__":
    main()
