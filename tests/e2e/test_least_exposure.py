"""Least exposure: loopback by default, an admin token for the control plane, handshakes visible
to their parties only, and logs without secrets.
"""

import datetime
import json
import os
import socket
import sys
import unittest
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

import harness  # noqa: E402
from harness import HTTP_TIMEOUT, Server, ServerTestCase, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError

TOKEN = "adm1n-T0ken.for_tests~only"
NOT_FOUND = "We can't find a handshake with the HandshakeId that you specified."


class DefaultBindTest(unittest.TestCase):
    def test_listens_on_loopback_unless_told_otherwise(self):
        server = Server()
        self.addCleanup(server.close)
        server.start()
        # The ready line is made from the bound socket's own address.
        self.assertEqual(server.host, "127.0.0.1")
        self.assertEqual(server.http("GET", "/_localorgs/health").status, 200)
        # From another address of this machine nobody gets in.
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
            outside = probe.getsockname()[0]
        except OSError:
            outside = None
        finally:
            probe.close()
        if outside and not outside.startswith("127."):
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection((outside, server.port), timeout=HTTP_TIMEOUT).close()
        server.stop_cleanly()


class AdminTokenTest(ServerTestCase):
    server_args = ("--admin-token", TOKEN)

    ROUTES = [("GET", "/_localorgs/accounts", None, 200),
              ("GET", "/_localorgs/accounts/123456789012", None, 404),
              ("PUT", "/_localorgs/accounts/123456789013", {"Name": "Probe"}, 200),
              ("GET", "/_localorgs/clock", None, 200),
              ("POST", "/_localorgs/clock", {"AdvanceSeconds": 0}, 200),
              ("GET", "/_localorgs/outbox", None, 200),
              ("DELETE", "/_localorgs/outbox", None, 200),
              ("GET", "/_localorgs/faults", None, 200),
              ("POST", "/_localorgs/faults", {"Operation": "*", "Error": "ServiceException"}, 200),
              ("DELETE", "/_localorgs/faults", None, 200),
              ("POST", "/_localorgs/reset", None, 200),
              ("GET", "/_localorgs/organizations/o-abcdefghij/quotas", None, 404),
              ("GET", "/_localorgs/no-such-route", None, 404),
              ("GET", "/_localstack/anything-else", None, 404)]

    def call(self, method, path, body=None, authorization=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if authorization is not None:
            headers["Authorization"] = authorization
        payload = None if body is None else json.dumps(body)
        return self.server.http(method, path, payload, headers)

    def assertUnauthorized(self, res, invalid_token):
        self.assertEqual(res.status, 401, res)
        self.assertEqual(res.header("Content-Type"), "application/json", res)
        self.assertEqual(set(res.json), {"Error", "Message"}, res)
        self.assertEqual(res.json["Error"], "Unauthorized", res)
        challenge = res.header("WWW-Authenticate")
        self.assertTrue(challenge and challenge.startswith("Bearer"), res)
        self.assertEqual('error="invalid_token"' in challenge, invalid_token, res)
        self.assertNotIn(TOKEN, res.body.decode())

    def test_every_route_but_health_needs_the_token(self):
        wrong = ["Bearer nope", "Bearer " + TOKEN + "x", "Bearer " + TOKEN[:-1], "Basic " + TOKEN, TOKEN,
                 "Bearer", "Bearer  " + TOKEN.upper()]
        for method, path, body, status in self.ROUTES:
            with self.subTest(method=method, path=path):
                self.assertUnauthorized(self.call(method, path, body), invalid_token=False)
                for authorization in wrong:
                    self.assertUnauthorized(self.call(method, path, body, authorization), invalid_token=True)
                ok = self.call(method, path, body, "Bearer " + TOKEN)
                self.assertEqual(ok.status, status, ok)
        # The scheme is case-insensitive.
        self.assertEqual(self.call("GET", "/_localorgs/clock", authorization="bearer " + TOKEN).status, 200)

    def test_a_refused_call_changes_nothing(self):
        self.assertEqual(self.call("DELETE", "/_localorgs/faults", authorization="Bearer " + TOKEN).status, 200)
        self.assertEqual(self.call("POST", "/_localorgs/faults", {"Operation": "*", "Error": "ServiceException"},
                                   "Bearer wrong").status, 401)
        self.assertEqual(self.call("POST", "/_localorgs/clock", {"AdvanceSeconds": 86400}).status, 401)
        listed = self.call("GET", "/_localorgs/faults", authorization="Bearer " + TOKEN)
        self.assertEqual(listed.json, {"Faults": []})
        clock = self.call("GET", "/_localorgs/clock", authorization="Bearer " + TOKEN)
        self.assertEqual(clock.json["OffsetSeconds"], 0)

    def test_health_checks_stay_open(self):
        for path in ("/_localorgs/health", "/_localstack/health"):
            for method in ("GET", "HEAD"):
                with self.subTest(method=method, path=path):
                    self.assertEqual(self.server.http(method, path).status, 200)
        self.assertEqual(self.server.http("GET", "/_localorgs/health").json["status"], "running")

    def test_the_aws_api_does_not_need_it(self):
        account = new_account_id(6)
        self.assertEqual(self.client(account).create_organization()["Organization"]["MasterAccountId"], account)


class AdminTokenFromEnvironmentTest(unittest.TestCase):
    def test_environment_variable(self):
        server = Server(env={"LOCALORGS_ADMIN_TOKEN": TOKEN})
        self.addCleanup(server.close)
        server.start()
        self.assertEqual(server.http("GET", "/_localorgs/accounts").status, 401)
        self.assertEqual(server.http("GET", "/_localorgs/accounts", headers={"Authorization": "Bearer " + TOKEN}).status,
                         200)
        server.stop_cleanly()


class HandshakeProbingTest(ServerTestCase):
    """A third account probing an invitation between two others learns nothing."""

    def test_third_accounts_get_what_an_unknown_id_gets(self):
        mgmt, invitee, stranger, other = (new_account_id(6) for _ in range(4))
        self.server.control("PUT", f"/_localorgs/accounts/{mgmt}", {"Email": f"boss-{mgmt}@example.com",
                                                                     "Name": "Boss Corp"})
        org = self.client(mgmt).create_organization()["Organization"]
        self.client(other).create_organization()
        h = self.client(mgmt).invite_account_to_organization(
            Target={"Id": invitee, "Type": "ACCOUNT"}, Notes="Project Bluebird")["Handshake"]
        never = "h-" + "0" * 32
        private = [org["Id"], mgmt, invitee, h["Id"], f"boss-{mgmt}@example.com", "Bluebird", "Boss Corp"]

        def probe(when):
            for prober in (stranger, other):
                for op in ("describe_handshake", "accept_handshake", "decline_handshake", "cancel_handshake"):
                    with self.subTest(when=when, prober=prober, op=op):
                        answers = []
                        for handshake_id in (h["Id"], never):
                            with self.assertRaises(ClientError) as ctx:
                                getattr(self.client(prober), op)(HandshakeId=handshake_id)
                            answers.append(self.assertClientError(ctx, "HandshakeNotFoundException",
                                                                  message=NOT_FOUND))
                        real, unknown = answers
                        self.assertEqual({k: v for k, v in real.items() if k != "ResponseMetadata"},
                                         {k: v for k, v in unknown.items() if k != "ResponseMetadata"})
                        for secret in private:
                            self.assertNotIn(secret, str(real))
            # The CLI sees the same.
            r = self.cli(stranger, "accept-handshake", "--handshake-id", h["Id"])
            self.assertCliError(r, "HandshakeNotFoundException", "AcceptHandshake", NOT_FOUND)
            self.assertEqual(self.client(stranger).list_handshakes_for_account()["Handshakes"], [])
            self.assertNotIn(h["Id"], [x["Id"] for x in
                                       self.client(other).list_handshakes_for_organization()["Handshakes"]])

        probe("OPEN")
        self.assertEqual(self.client(invitee).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "OPEN")
        self.client(invitee).decline_handshake(HandshakeId=h["Id"])
        probe("DECLINED")  # no state error tells a stranger what became of it
        self.assertEqual(self.client(mgmt).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"],
                         "DECLINED")
        # A party in the wrong role is denied, not misled.
        with self.assertRaises(ClientError) as ctx:
            self.client(invitee).cancel_handshake(HandshakeId=h["Id"])
        self.assertClientError(ctx, "AccessDeniedException")


class LogsTest(unittest.TestCase):
    """At --log-level debug, with signatures verified and an admin token, nothing secret is logged."""

    KEY, SECRET, ACCOUNT = "AKIALOGTESTEXAMPLE01", "log-test/SECRET+key-000000000000000000001", new_account_id(6)
    WRONG_SECRET = "log-test/WRONG+secret-00000000000000000002"
    WRONG_TOKEN = "not-the-admin-token-7f3a"

    def test_no_secret_reaches_stdout_or_stderr(self):
        server = Server(config={"Credentials": [{"AccessKeyId": self.KEY, "SecretAccessKey": self.SECRET,
                                                 "AccountId": self.ACCOUNT}]},
                        args=["--verify-signatures", "--admin-token", TOKEN, "--log-level", "debug"])
        self.addCleanup(server.close)
        server.start()
        sent = []  # every Authorization header the clients sent

        def client(secret):
            session = boto3.session.Session(aws_access_key_id=self.KEY, aws_secret_access_key=secret,
                                            region_name="us-east-1")
            c = session.client("organizations", endpoint_url=server.url,
                               config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}))
            c.meta.events.register("before-send.organizations.*",
                                   lambda request, **kw: sent.append(request.headers["Authorization"]))
            return c

        good = client(self.SECRET)
        good.create_organization()
        good.describe_organization()
        good.list_accounts()
        with self.assertRaises(ClientError):
            client(self.WRONG_SECRET).describe_organization()
        with self.assertRaises(ClientError), mock.patch.object(
                botocore.auth, "get_current_datetime",
                return_value=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=1)):
            good.describe_organization()
        with self.assertRaises(ClientError):
            good.describe_handshake(HandshakeId="h-" + "1" * 32)  # refused by the model, logged at debug
        # A presigned call: the signature travels in the URL.
        request = AWSRequest(method="POST", url=server.url + "/",
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization"})
        botocore.auth.SigV4QueryAuth(Credentials(self.KEY, self.SECRET), "organizations", "us-east-1",
                                     expires=60).add_auth(request)
        presigned_signature = request.url.rsplit("X-Amz-Signature=", 1)[1]
        with urllib.request.urlopen(urllib.request.Request(request.url, data=b"", method="POST",
                                                           headers=dict(request.headers.items())),
                                    timeout=HTTP_TIMEOUT) as resp:
            self.assertEqual(resp.status, 200)
        # A malformed header, which the error message quotes back to its sender (not to the log).
        malformed = f"AWS4-HMAC-SHA256 Credential={self.KEY}/x, Signature={'ab' * 32}"
        res = server.api("DescribeOrganization", headers={"Authorization": malformed})
        self.assertEqual(res.json["__type"], "IncompleteSignatureException")
        # The control plane with the right token and a wrong one.
        self.assertEqual(server.http("GET", "/_localorgs/accounts", headers={"Authorization": "Bearer " + TOKEN}).status,
                         200)
        self.assertEqual(server.http("GET", "/_localorgs/accounts",
                                     headers={"Authorization": "Bearer " + self.WRONG_TOKEN}).status, 401)
        server.stop_cleanly()

        # The whole of both streams (the harness's stderr() keeps only the tail).
        with open(server._stderr_path, encoding="utf-8", errors="replace") as f:
            stderr = f.read()
        stdout = "\n".join(server.stdout_lines)
        # Debug logging really ran over these requests: the test would be empty otherwise.
        self.assertIn(" debug ", stderr)
        self.assertIn("DescribeOrganization", stderr)
        self.assertIn("authentication refused: InvalidSignatureException for access key " + self.KEY, stderr)
        self.assertIn("authentication refused: IncompleteSignatureException", stderr)

        headers = [h.decode() if isinstance(h, bytes) else h for h in sent]
        self.assertGreaterEqual(len(headers), 6)
        signatures = [h.rsplit("Signature=", 1)[1] for h in headers] + [presigned_signature, "ab" * 32]
        forbidden = {"secret": self.SECRET, "wrong secret": self.WRONG_SECRET, "admin token": TOKEN,
                     "wrong token": self.WRONG_TOKEN, "malformed header": malformed}
        forbidden.update({f"signature {i}": s for i, s in enumerate(signatures)})
        forbidden.update({f"Authorization header {i}": h for i, h in enumerate(headers)})
        for what, value in forbidden.items():
            with self.subTest(what=what):
                self.assertNotIn(value, stderr)
                self.assertNotIn(value, stdout)
        self.assertNotIn("Authorization", stderr)
        self.assertNotIn("Bearer", stderr)


if __name__ == "__main__":
    harness.main()
