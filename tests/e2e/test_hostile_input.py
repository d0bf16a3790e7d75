"""Hostile input (issue 6): every malformed, oversized or abusive request gets an AWS-shaped error
(README, What is implemented) or a closed connection, and after each one the server still serves everyone else.

The transport's own limits (read timeout, header and body limits, the connection cap, HTTP/1.0,
pipelining) are tested over real sockets in tests/server/test_transport.cpp with limits set low;
this file sends the same kinds of abuse to the real binary, through the AWS API and the control
plane, with the limits it ships with (1 MiB bodies, 16 KiB of headers, 1024 connections).
"""

import copy
import http.client
import json
import os
import resource
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.session  # noqa: E402

import harness  # noqa: E402
from harness import ApiConnection, Server, ServerTestCase, new_account_id, sigv4_header  # noqa: E402

BODY_LIMIT = 1024 * 1024
HEADER_LIMIT = 16 * 1024
MAX_CONNECTIONS = 1024
IDLE_FLOOD = 2000  # idle connections opened at once, well beyond MAX_CONNECTIONS
JSON_11 = "application/x-amz-json-1.1"
TARGET = "AWSOrganizationsV20161128."
HANG_GUARD = 30  # seconds; only a server that fails to answer or to close ever gets near it
# How long a client of a flooded server waits for its answer or the close. Well below the server's
# read timeout (30 s): at that point idle connections are dropped, which would hide a hang.
ANSWER_GUARD = 20

# The operations the README lists as implemented: the wrong-type sweep must cover at least these.
IMPLEMENTED = {
    "CreateOrganization", "DescribeOrganization", "DeleteOrganization", "ListRoots", "ListAccounts", "DescribeAccount",
    "ListParents", "ListChildren", "ListAccountsForParent", "TagResource", "UntagResource", "ListTagsForResource",
    "InviteAccountToOrganization", "AcceptHandshake", "DeclineHandshake", "CancelHandshake", "DescribeHandshake",
    "ListHandshakesForAccount", "ListHandshakesForOrganization", "EnableAllFeatures",
    "RemoveAccountFromOrganization", "LeaveOrganization",
    "InviteOrganizationToTransferResponsibility", "DescribeResponsibilityTransfer", "UpdateResponsibilityTransfer",
    "TerminateResponsibilityTransfer", "ListInboundResponsibilityTransfers", "ListOutboundResponsibilityTransfers",
}


# --- raw HTTP over one socket -------------------------------------------------------------------

def request_bytes(operation, body, account=None, extra_headers=b"", version=b"HTTP/1.1", content_length=None):
    if isinstance(body, str):
        body = body.encode("utf-8")
    head = (b"POST / " + version + b"\r\nHost: localhost\r\nContent-Type: " + JSON_11.encode() + b"\r\n"
            + b"X-Amz-Target: " + TARGET.encode() + operation + b"\r\n")
    if account is not None:
        head += b"Authorization: " + sigv4_header(account).encode() + b"\r\n"
    length = len(body) if content_length is None else content_length
    return head + b"Content-Length: " + str(length).encode() + b"\r\n" + extra_headers + b"\r\n" + body


def read_response(reader):
    """One response from a buffered socket reader: (version, status, headers, body), or None at EOF."""
    line = reader.readline()
    if not line:
        return None
    version, status = line.decode("latin-1").split(" ", 2)[:2]
    headers = {}
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, value = line.decode("latin-1").split(":", 1)
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return version, int(status), headers, body


class Exchange:
    """What a raw exchange produced: the answers read, and whether the server then closed."""

    def __init__(self, responses, closed):
        self.responses = responses
        self.closed = closed

    def __repr__(self):
        return f"Exchange(responses={[(r[1], r[3][:300]) for r in self.responses]!r}, closed={self.closed})"


def exchange(server, data, answers=1, half_close=False, keep_alive=False):
    """Sends `data` on a fresh connection and reads up to `answers` responses; then, unless the
    connection is expected to stay open (`keep_alive`), waits for the server to close it."""
    sock = socket.create_connection((server.host, server.port), timeout=HANG_GUARD)
    try:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse before the client is done sending: its answer is what counts
        reader = sock.makefile("rb")
        responses = []
        try:
            while len(responses) < answers:
                r = read_response(reader)
                if r is None:
                    return Exchange(responses, True)
                responses.append(r)
            if keep_alive:
                return Exchange(responses, False)
            closed = reader.read(1) == b""
        except ConnectionResetError:
            closed = True
        return Exchange(responses, closed)
    finally:
        sock.close()


class HostileInputTest(ServerTestCase):

    def setUp(self):
        # An organization per test, so what one test sends never shows in another's lists.
        self.conn = ApiConnection(self.server)
        self.addCleanup(self.conn.close)
        self.mgmt = new_account_id(3)
        status, body = self.conn.call("CreateOrganization", {}, self.mgmt)
        self.assertEqual(status, 200, body)
        self.org_id = body["Organization"]["Id"]

    # --- assertions ----------------------------------------------------------------------------

    def assertServing(self):
        """A normal client, on a connection of its own, is served."""
        conn = ApiConnection(self.server)
        try:
            status, body = conn.call("DescribeOrganization", {}, self.mgmt)
        finally:
            conn.close()
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Organization"]["Id"], self.org_id)

    def assertAwsError(self, response, status, error_type):
        """`response` is (version, status, headers, body) or (status, parsed body)."""
        if len(response) == 4:
            _, got_status, headers, raw = response
            body = json.loads(raw)
            self.assertEqual(headers.get("x-amzn-errortype"), error_type, response)
            self.assertEqual(headers.get("content-type"), JSON_11, response)
        else:
            got_status, body = response
        self.assertEqual(got_status, status, response)
        self.assertEqual(body.get("__type"), error_type, response)
        self.assertIsInstance(body.get("Message"), str, response)
        return body

    def assertRefusedAndClosed(self, ex, status, error_type):
        """One AWS-shaped error, then the server closed the connection; or it closed at once."""
        if ex.responses:
            self.assertEqual(len(ex.responses), 1, ex)
            self.assertAwsError(ex.responses[0], status, error_type)
        self.assertTrue(ex.closed, ex)

    def call_raw(self, operation, body, account=None):
        """One call with a raw (bytes) body over a fresh connection; returns the response
        (version, status, headers, body)."""
        if isinstance(operation, str):
            operation = operation.encode()
        ex = exchange(self.server, request_bytes(operation, body, account or self.mgmt), keep_alive=True)
        self.assertEqual(len(ex.responses), 1, ex)
        return ex.responses[0]

    def handshakes_sent(self):
        out, token = [], None
        while True:
            status, body = self.conn.call("ListHandshakesForOrganization", {"NextToken": token} if token else {},
                                          self.mgmt)
            self.assertEqual(status, 200, body)
            out += body["Handshakes"]
            token = body.get("NextToken")
            if not token:
                return out

    # --- JSON ----------------------------------------------------------------------------------

    def test_truncated_json(self):
        body = json.dumps({"Target": {"Id": new_account_id(), "Type": "ACCOUNT"}, "Notes": "truncated",
                           "Tags": [{"Key": "k", "Value": "v"}]}).encode()
        # Every proper prefix but the empty one (an empty body is {}); one keep-alive connection.
        data = b"".join(request_bytes(b"InviteAccountToOrganization", body[:n], self.mgmt)
                        for n in range(1, len(body)))
        ex = exchange(self.server, data, answers=len(body) - 1, keep_alive=True)
        # All answered on the one connection: a malformed body is no reason to drop a well-framed one.
        self.assertEqual(len(ex.responses), len(body) - 1, ex)
        for n, response in enumerate(ex.responses, start=1):
            with self.subTest(prefix=body[:n]):
                self.assertAwsError(response, 400, "SerializationException")
        self.assertEqual(self.handshakes_sent(), [])

        # A body shorter than its Content-Length: the client gives up half-way, the server closes.
        ex = exchange(self.server, request_bytes(b"ListAccounts", b'{"MaxRes', self.mgmt, content_length=100),
                      half_close=True)
        self.assertEqual(ex.responses, [])
        self.assertTrue(ex.closed)
        self.assertServing()

    def test_invalid_json(self):
        bodies = [b"{", b"}", b"{]", b"[", b'{"a"}', b'{"a":}', b'{"a":1,}', b"{'a': 1}", b'{"a": 01}',
                  b'{"a": .5}', b'{"a": NaN}', b'{"a": Infinity}', b'{"a": undefined}', b'{"a": tru}',
                  b'{/* comment */}', b"{} {}", b"{} x", b'{"a": "unterminated}', b'{"a": "\\x41"}',
                  b'{"a": "\\u12"}', b'{"a": "tab\there"}', b"\x00", b"nul\x00", b'{"MaxResults": 1e999}',
                  b'{"MaxResults": ' + b"9" * 5000 + b"}", b"[]", b'"text"', b"42", b"null", b"true"]
        for body in bodies:
            with self.subTest(body=body[:40]):
                self.assertAwsError(self.call_raw("ListAccounts", body), 400, "SerializationException")
        self.assertServing()

    def test_nesting_100000_deep(self):
        deep_list = b"[" * 100_000 + b"]" * 100_000
        deep_object = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
        aws_bodies = [deep_list, deep_object, b'{"Unknown": ' + deep_list + b"}",
                      b'{"Target": ' + deep_object + b"}", b'{"Tags": [' + deep_list + b"]}"]
        for body in aws_bodies:
            with self.subTest(body=body[:30]):
                self.assertAwsError(self.call_raw("InviteAccountToOrganization", body), 400, "SerializationException")
                self.assertServing()
        # Brackets inside a string are text, not nesting.
        self.assertAwsError(self.call_raw("ListAccounts", b'{"NextToken": "' + b"[" * 100_000 + b'"}'), 400,
                            "InvalidInputException")

        # The control plane parses JSON too.
        account = new_account_id()
        for path, member in [(f"/_localorgs/accounts/{account}", b"Name"), (f"/_localorgs/accounts/{account}", b"Id"),
                             (f"/_localorgs/organizations/{self.org_id}/quotas", b"MaxAccounts"),
                             ("/_localorgs/clock", b"AdvanceSeconds"), ("/_localorgs/faults", b"Operation")]:
            for value in (deep_list, deep_object):
                with self.subTest(path=path, member=member, value=value[:10]):
                    method = "POST" if path in ("/_localorgs/clock", "/_localorgs/faults") else "PUT"
                    res = self.server.http(method, path, b'{"' + member + b'": ' + value + b"}",
                                           {"Content-Type": "application/json"})
                    self.assertEqual(res.status, 400, res)
                    self.assertEqual(set(res.json), {"Error", "Message"}, res)
                    self.assertServing()
        self.assertEqual(self.server.control("GET", f"/_localorgs/accounts/{account}").status, 404)

    def test_strings_just_under_and_over_the_body_limit(self):
        target = {"Id": new_account_id(), "Type": "ACCOUNT"}
        prefix = json.dumps({"Target": target})[:-1].encode() + b', "Notes": "'
        under = prefix + b"n" * (BODY_LIMIT - len(prefix) - 2) + b'"}'
        self.assertEqual(len(under), BODY_LIMIT)
        body = self.assertAwsError(self.call_raw("InviteAccountToOrganization", under), 400, "InvalidInputException")
        self.assertEqual(body.get("Reason"), "MAX_LENGTH_EXCEEDED", body)

        # The same size in a member the model does not have is ignored, as any unknown member.
        unknown = b'{"Padding": "' + b"p" * (BODY_LIMIT - 15) + b'"}'
        self.assertEqual(len(unknown), BODY_LIMIT)
        response = self.call_raw("DescribeOrganization", unknown)
        self.assertEqual(response[1], 200, response[3][:300])

        over = prefix + b"n" * (BODY_LIMIT - len(prefix) - 1) + b'"}'
        for operation, body in [(b"InviteAccountToOrganization", over), (b"ListAccounts", b" " * (8 * BODY_LIMIT))]:
            with self.subTest(operation=operation, size=len(body)):
                ex = exchange(self.server, request_bytes(operation, body, self.mgmt))
                self.assertRefusedAndClosed(ex, 413, "RequestEntityTooLargeException")
                self.assertServing()
        # Announced but never sent: refused on the announcement.
        ex = exchange(self.server, request_bytes(b"ListAccounts", b"", self.mgmt, content_length=10 * BODY_LIMIT))
        self.assertRefusedAndClosed(ex, 413, "RequestEntityTooLargeException")

        res = self.server.http("PUT", f"/_localorgs/accounts/{new_account_id()}",
                               b'{"Name": "' + b"n" * BODY_LIMIT + b'"}', {"Content-Type": "application/json"})
        self.assertEqual(res.status, 413, res)
        self.assertEqual(self.handshakes_sent(), [])
        self.assertServing()

    def test_invalid_utf8(self):
        bad = [b"\xff", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80",
               b"ok\xfe"]
        escaped = [b"\\ud800", b"\\udc00", b"\\ud800x", b"\\ud800\\u0041"]
        for seq in bad + escaped:
            cases = [("InviteAccountToOrganization",
                      b'{"Target": {"Id": "' + seq + b'", "Type": "ACCOUNT"}}'),
                     ("InviteAccountToOrganization",
                      b'{"Target": {"Id": "123456789012", "Type": "ACCOUNT"}, "Notes": "' + seq + b'"}'),
                     ("TagResource", b'{"ResourceId": "' + self.mgmt.encode() + b'", "Tags": [{"Key": "k", "Value": "'
                      + seq + b'"}]}'),
                     ("ListAccounts", b'{"Unknown": "' + seq + b'"}'),
                     ("ListAccounts", b'{"' + seq + b'": 1}')]
            for operation, body in cases:
                with self.subTest(operation=operation, body=body):
                    self.assertAwsError(self.call_raw(operation, body), 400, "SerializationException")
        # In a header: not an operation; in a control-plane body: refused.
        self.assertAwsError(self.call_raw(b"List\xffAccounts", b"{}"), 400, "UnknownOperationException")
        res = self.server.http("PUT", f"/_localorgs/accounts/{new_account_id()}", b'{"Name": "\xff"}',
                               {"Content-Type": "application/json"})
        self.assertEqual(res.status, 400, res)
        self.assertEqual(self.handshakes_sent(), [])
        status, body = self.conn.call("ListTagsForResource", {"ResourceId": self.mgmt}, self.mgmt)
        self.assertEqual((status, body), (200, {"Tags": []}))
        self.assertServing()

    def test_nul_bytes(self):
        # In a header, the request line or the target: not HTTP; refused and closed.
        target = TARGET.encode() + b"ListAccounts"
        auth = sigv4_header(self.mgmt).encode()
        requests = [
            b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target[:-3] + b"\x00nts\r\n"
            b"Content-Length: 2\r\n\r\n{}",
            b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target + b"\r\nAuthorization: "
            + auth[:40] + b"\x00" + auth[40:] + b"\r\nContent-Length: 2\r\n\r\n{}",
            b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target + b"\r\nX-Nul\x00: 1\r\n"
            b"Content-Length: 2\r\n\r\n{}",
            b"POST /\x00 HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target + b"\r\nContent-Length: 2\r\n\r\n{}",
            b"POST / HTTP/1.1\x00\r\nHost: localhost\r\nContent-Length: 2\r\n\r\n{}",
            b"\x00" * 64,
        ]
        for data in requests:
            with self.subTest(data=data):
                self.assertRefusedAndClosed(exchange(self.server, data), 400, "SerializationException")
                self.assertServing()

        # Unescaped in a JSON string: not JSON.
        self.assertAwsError(self.call_raw("ListAccounts", b'{"NextToken": "a\x00b"}'), 400, "SerializationException")
        # Escaped, NUL is a character like any other: Notes allow any, and it comes back intact.
        invitee = new_account_id()
        notes = "before\x00after\x00"
        status, body = self.conn.call("InviteAccountToOrganization",
                                      {"Target": {"Id": invitee, "Type": "ACCOUNT"}, "Notes": notes}, self.mgmt)
        self.assertEqual(status, 200, body)
        handshake = body["Handshake"]
        self.assertEqual([r["Value"] for r in handshake["Resources"] if r["Type"] == "NOTES"], [notes])
        status, body = self.conn.call("DescribeHandshake", {"HandshakeId": handshake["Id"]}, invitee)
        self.assertEqual((status, body), (200, {"Handshake": handshake}))
        status, body = self.conn.call("CancelHandshake", {"HandshakeId": handshake["Id"]}, self.mgmt)
        self.assertEqual(status, 200, body)
        # A tag key may not hold it (the model's pattern), and saying so is an ordinary error.
        body = self.assertAwsError(self.conn.call("TagResource", {"ResourceId": self.mgmt,
                                                                  "Tags": [{"Key": "k\x00", "Value": "v"}]},
                                                  self.mgmt), 400, "InvalidInputException")
        self.assertEqual(body.get("Reason"), "INVALID_PATTERN")
        self.assertServing()

    def test_wrong_json_type_in_every_member_of_every_operation(self):
        model = botocore.session.get_session().get_service_model("organizations")
        implemented = set()
        for operation in model.operation_names:
            status, body = self.conn.call(operation, {}, new_account_id())
            if body.get("__type") != "NotImplementedException":
                implemented.add(operation)
        self.assertLessEqual(IMPLEMENTED, implemented)

        cases = 0
        for operation in sorted(implemented):
            shape = model.operation_model(operation).input_shape
            if shape is None:
                continue
            base = valid_value(shape)
            for path, wrong in wrong_typed_members(shape):
                body = set_at(base, path, wrong)
                with self.subTest(operation=operation, path=path_text(path), value=wrong):
                    res = self.assertAwsError(self.conn.call(operation, body, self.mgmt), 400,
                                              "SerializationException")
                    self.assertIn(f"(member {path_text(path)})", res["Message"])
                cases += 1
        self.assertGreater(cases, 200)
        # None of it reached the service.
        self.assertEqual(self.handshakes_sent(), [])
        status, body = self.conn.call("ListTagsForResource", {"ResourceId": self.mgmt}, self.mgmt)
        self.assertEqual((status, body), (200, {"Tags": []}))
        self.assertServing()

    # --- HTTP ----------------------------------------------------------------------------------

    def test_header_floods(self):
        many = b"".join(b"X-Flood-%d: %d\r\n" % (i, i) for i in range(3000))
        huge = b"X-Huge: " + b"h" * (4 * HEADER_LIMIT) + b"\r\n"
        endless = b"X-Endless: " + b"e" * (BODY_LIMIT) + b"\r\n"
        for name, extra in [("many", many), ("huge", huge), ("endless", endless)]:
            with self.subTest(flood=name):
                ex = exchange(self.server, request_bytes(b"ListAccounts", b"{}", self.mgmt, extra_headers=extra))
                self.assertRefusedAndClosed(ex, 431, "RequestEntityTooLargeException")
                self.assertServing()
        # Many headers that stay within the limit are fine.
        fine = b"".join(b"X-F-%d: %d\r\n" % (i, i) for i in range(500))
        ex = exchange(self.server, request_bytes(b"DescribeOrganization", b"{}", self.mgmt, extra_headers=fine),
                      keep_alive=True)
        self.assertEqual(ex.responses[0][1], 200, ex)

    def test_http_1_0_is_answered_and_closed(self):
        for operation, body, status in [(b"DescribeOrganization", b"{}", 200), (b"ListAccounts", b"{", 400),
                                         (b"NoSuchOperation", b"{}", 400)]:
            with self.subTest(operation=operation):
                ex = exchange(self.server, request_bytes(operation, body, self.mgmt, version=b"HTTP/1.0"), answers=2)
                self.assertEqual(len(ex.responses), 1, ex)
                version, got, headers, raw = ex.responses[0]
                self.assertEqual((version, got), ("HTTP/1.0", status), ex)
                self.assertTrue(ex.closed, ex)
        ex = exchange(self.server, b"GET /_localorgs/health HTTP/1.0\r\n\r\n", answers=2)
        self.assertEqual([(r[0], r[1]) for r in ex.responses], [("HTTP/1.0", 200)], ex)
        self.assertTrue(ex.closed)

    def test_100_pipelined_requests_are_answered_in_order(self):
        res = self.server.control("PUT", f"/_localorgs/organizations/{self.org_id}/quotas", {"MaxAccounts": 100})
        self.assertEqual(res.status, 200, res)
        invitees = [new_account_id() for _ in range(25)]
        data, expected = b"", []
        for i in range(100):
            kind = i % 4
            if kind == 0:  # database work with a write
                target = invitees[i // 4]
                data += request_bytes(b"InviteAccountToOrganization",
                                      json.dumps({"Target": {"Id": target, "Type": "ACCOUNT"}}), self.mgmt)
                expected.append((200, lambda b, t=target: b["Handshake"]["Parties"][1]["Id"] == t))
            elif kind == 1:  # refused on the I/O thread, before any database work
                data += request_bytes(b"NoSuch%d" % i, b"{}", self.mgmt)
                expected.append((400, lambda b, i=i: f"NoSuch{i} " in b["Message"]))
            elif kind == 2:  # a read
                target = invitees[i // 4]
                data += request_bytes(b"DescribeAccount", json.dumps({"AccountId": target}), self.mgmt)
                # Not a member: the invitation is still open.
                expected.append((400, lambda b: b["__type"] == "AccountNotFoundException"))
            else:  # the control plane
                target = invitees[i // 4]
                data += b"GET /_localorgs/accounts/" + target.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
                expected.append((200, lambda b, t=target: b["Id"] == t))
        ex = exchange(self.server, data, answers=100, keep_alive=True)
        self.assertEqual(len(ex.responses), 100, ex)
        for i, ((status, check), response) in enumerate(zip(expected, ex.responses)):
            with self.subTest(i=i):
                self.assertEqual(response[1], status, response)
                self.assertTrue(check(json.loads(response[3])), response)
        self.assertEqual(len(self.handshakes_sent()), 25)

    def test_slow_clients_do_not_hold_up_others(self):
        # Clients that never finish their request: stalled in the headers, stalled in the body, and
        # one that keeps dripping bytes. Each holds a connection until the read timeout (30 s, not
        # waited for here; see tests/server/test_transport.cpp); meanwhile everyone else is served.
        stalled = []
        for data in (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Tar",
                     request_bytes(b"ListAccounts", b'{"MaxResults', self.mgmt, content_length=1000)):
            for _ in range(10):
                s = socket.create_connection((self.server.host, self.server.port), timeout=HANG_GUARD)
                self.addCleanup(s.close)
                s.sendall(data)
                stalled.append(s)
        dripper = socket.create_connection((self.server.host, self.server.port), timeout=HANG_GUARD)
        self.addCleanup(dripper.close)
        stop = threading.Event()

        def drip():
            try:
                for byte in b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"s" * 10_000:
                    if stop.wait(0.01):
                        return
                    dripper.send(bytes([byte]))
            except OSError:
                pass  # the server closed it: fine

        t = threading.Thread(target=drip, daemon=True)
        t.start()
        self.addCleanup(t.join, HANG_GUARD)
        self.addCleanup(stop.set)
        for _ in range(20):
            self.assertServing()
        # None of them got an answer: there was no complete request to answer.
        for s in stalled:
            s.setblocking(False)
            with self.assertRaises(BlockingIOError):
                s.recv(1)


class ConnectionFloodTest(unittest.TestCase):
    """Idle connections by the thousand: the cap answers 503, and clients are served once they go."""

    def flood(self, server, count):
        sockets = []
        self.addCleanup(lambda: [s.close() for s in sockets])
        for _ in range(count):
            sockets.append(socket.create_connection((server.host, server.port), timeout=HANG_GUARD))
        return sockets

    def normal_call(self, server, account):
        """(status, body) of one call on a new connection; None if the server closed it unanswered."""
        conn = ApiConnection(server, timeout=ANSWER_GUARD)
        try:
            return conn.call("DescribeOrganization", {}, account)
        except TimeoutError as e:
            raise AssertionError("the server neither answered nor closed the connection") from e
        except (OSError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def assertTurnedAway(self, result):
        if result is not None:
            status, body = result
            self.assertEqual(status, 503, body)
            self.assertEqual(body["__type"], "ServiceUnavailableException", body)

    def served_again(self, server, account):
        """Once the flood is gone, a client is served (the server may need a moment to see it go)."""
        deadline = time.monotonic() + HANG_GUARD
        while True:
            result = self.normal_call(server, account)
            if result is not None and result[0] != 503:
                return result
            self.assertLess(time.monotonic(), deadline, f"not served after the flood: {result}")
            time.sleep(0.05)

    def setUp(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        needed = IDLE_FLOOD + 300
        if soft < needed:
            harness.require(self, hard == resource.RLIM_INFINITY or hard >= needed,
                            f"this process may open only {hard} files; the flood needs {needed}")
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed if hard == resource.RLIM_INFINITY else hard, hard))
            self.addCleanup(resource.setrlimit, resource.RLIMIT_NOFILE, (soft, hard))

    def test_idle_connections_beyond_the_cap_get_503(self):
        server = Server()
        self.addCleanup(server.close)
        server.start()
        account = new_account_id()
        self.assertEqual(self.normal_call(server, account)[1]["__type"], "AWSOrganizationsNotInUseException")
        sockets = self.flood(server, IDLE_FLOOD)
        # Connections beyond the cap are answered 503 (or closed), never left hanging.
        for s in sockets[-20:]:
            s.settimeout(ANSWER_GUARD)
            head = s.recv(12)
            self.assertIn(head, (b"", b"HTTP/1.1 503"))
        self.assertTurnedAway(self.normal_call(server, account))
        for s in sockets:
            s.close()
        status, body = self.served_again(server, account)
        self.assertEqual((status, body["__type"]), (400, "AWSOrganizationsNotInUseException"))
        server.stop_cleanly()

    def test_cap_holds_below_a_low_descriptor_limit(self):
        # With fewer descriptors than the cap, the cap must still be what turns clients away: at
        # the descriptor limit accept() fails, and a client would wait unanswered in the backlog.
        server = Server(max_open_files=128)
        self.addCleanup(server.close)
        server.start()
        account = new_account_id()
        # The cap is 64 here (128 less what the process needs for itself); 140 connections exceed
        # both the cap and the descriptor limit.
        sockets = self.flood(server, 140)
        self.assertTurnedAway(self.normal_call(server, account))
        for s in sockets:
            s.close()
        status, body = self.served_again(server, account)
        self.assertEqual((status, body["__type"]), (400, "AWSOrganizationsNotInUseException"))
        server.stop_cleanly()


# --- the service model, for the wrong-type sweep ----------------------------------------------

def valid_value(shape):
    """A value of the right JSON type for `shape` (constraints aside: types are checked first)."""
    kind = shape.type_name
    if kind == "structure":
        return {name: valid_value(member) for name, member in shape.members.items()}
    if kind == "list":
        return [valid_value(shape.member)]
    if kind == "map":
        return {}
    return {"string": "x", "integer": 1, "long": 1, "boolean": True, "timestamp": 0,
            "double": 1.5, "float": 1.5}[kind]


WRONG = {
    "string": [5, 1.5, True, {}, []],
    "integer": ["1", 1.5, True, {}, []],
    "long": ["1", 1.5, True, {}, []],
    "boolean": ["true", 1, {}, []],
    "timestamp": [True, {}, []],
    "structure": ["x", 5, True, []],
    "list": ["x", 5, True, {}],
    "map": ["x", 5, True, []],
}


def wrong_typed_members(shape, path=()):
    """(path, wrong value) for every member and list element reachable from `shape`."""
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            for wrong in WRONG[member.type_name]:
                yield path + (name,), wrong
            yield from wrong_typed_members(member, path + (name,))
    elif shape.type_name == "list":
        for wrong in WRONG[shape.member.type_name] + [None]:
            yield path + (0,), wrong
        yield from wrong_typed_members(shape.member, path + (0,))


def set_at(base, path, value):
    body = copy.deepcopy(base)
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


def path_text(path):
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


if __name__ == "__main__":
    harness.main()
