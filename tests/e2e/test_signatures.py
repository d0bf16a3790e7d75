"""--verify-signatures with the real aws CLI and boto3: SigV4 checked against the config's secrets.

A right secret works end to end (invite, accept, describe); a wrong one, an unknown key, a clock
off by more than 15 minutes, no credentials at all and a malformed Authorization header each get
the 403 error AWS gives. Presigned requests (botocore's SigV4QueryAuth, sent with urllib) work
and are refused once tampered with or expired.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

import harness  # noqa: E402
from harness import (HTTP_TIMEOUT, ServerTestCase, binary_path, clean_env, cli_error_line,  # noqa: E402
                     cli_service_error_rc, new_account_id)

ClientError = botocore.exceptions.ClientError

MGMT_KEY, MGMT_SECRET, MGMT = "AKIAMGMTEXAMPLE0001", "mgmt/Secret+Key/For/Tests0000000000000001", new_account_id(7)
INVITEE_KEY, INVITEE_SECRET, INVITEE = "AKIAINVITEEEXAMPLE01", "invitee-secret-key-for-tests-0000000000002", new_account_id(7)

MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.")
UNRECOGNIZED = "The security token included in the request is invalid."
STAMP = r"\d{8}T\d{6}Z"
EXPIRED = re.compile(rf"^Signature expired: ({STAMP}) is now earlier than ({STAMP}) \(({STAMP}) - 15 min\.\)$")
NOT_YET = re.compile(rf"^Signature not yet current: ({STAMP}) is still later than ({STAMP}) \(({STAMP}) \+ 15 min\.\)$")
TARGET = "AWSOrganizationsV20161128."


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def stamp(dt):
    return dt.strftime("%Y%m%dT%H%M%SZ")


class SignatureTest(ServerTestCase):
    server_args = ("--verify-signatures",)
    server_config = {"Credentials": [
        {"AccessKeyId": MGMT_KEY, "SecretAccessKey": MGMT_SECRET, "AccountId": MGMT},
        {"AccessKeyId": INVITEE_KEY, "SecretAccessKey": INVITEE_SECRET, "AccountId": INVITEE},
    ]}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.boto(MGMT_KEY, MGMT_SECRET).create_organization()["Organization"]

    # --- helpers ---------------------------------------------------------------------------

    @classmethod
    def boto(cls, key, secret, region="eu-west-1", **config):
        session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
        return session.client("organizations", endpoint_url=cls.server.url, config=botocore.config.Config(
            retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=HTTP_TIMEOUT,
            read_timeout=HTTP_TIMEOUT, **config))

    def signed_cli(self, key, secret, *args):
        return self.server.cli(key, *args, env={"AWS_SECRET_ACCESS_KEY": secret})

    def assertAuthError(self, call, code, message=None):
        """`call` fails with HTTP 403 and `code`; returns the message."""
        with self.assertRaises(ClientError) as ctx:
            call()
        resp = ctx.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 403, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype"), code, resp)
        self.assertNotIn("Reason", resp)
        if message is not None:
            self.assertEqual(resp["Error"]["Message"], message)
        return resp["Error"]["Message"]

    def assertRawAuthError(self, res, code, message=None):
        # AWS's common errors list a malformed signature as 400, the refusals of a credential as 403.
        self.assertEqual(res.status, 400 if code == "IncompleteSignatureException" else 403, res)
        self.assertEqual(res.header("X-Amzn-ErrorType"), code, res)
        self.assertEqual(res.header("Content-Type"), "application/x-amz-json-1.1", res)
        self.assertEqual(set(res.json), {"__type", "Message"}, res)
        self.assertEqual(res.json["__type"], code, res)
        if message is not None:
            self.assertEqual(res.json["Message"], message, res)
        return res.json["Message"]

    def presign(self, operation, key=MGMT_KEY, secret=MGMT_SECRET, expires=60, at=None, auth_class=None):
        """A POST to / signed in its query string by botocore; returns (url, headers)."""
        request = AWSRequest(method="POST", url=self.server.url + "/",
                             headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET + operation})
        signer = (auth_class or botocore.auth.SigV4QueryAuth)(Credentials(key, secret), "organizations",
                                                              "us-east-1", expires=expires)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=at or utcnow()):
            signer.add_auth(request)
        return request.url, dict(request.headers.items())

    def send(self, url, headers, body=b""):
        """POSTs with urllib; returns (status, headers, parsed JSON body)."""
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as resp:
                return resp.status, resp.headers, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, json.loads(e.read())

    # --- tests -----------------------------------------------------------------------------

    def test_right_secret_works_with_the_cli_and_boto3(self):
        # The key's AccountId is the caller: the organization was created by MGMT.
        self.assertEqual(self.org["MasterAccountId"], MGMT)
        invited = self.signed_cli(MGMT_KEY, MGMT_SECRET, "invite-account-to-organization",
                                  "--target", f"Id={INVITEE},Type=ACCOUNT")
        self.assertEqual(invited.returncode, 0, invited)
        handshake = invited.json["Handshake"]
        invitee = self.boto(INVITEE_KEY, INVITEE_SECRET, region="ap-southeast-2")
        listed = invitee.list_handshakes_for_account()["Handshakes"]
        self.assertIn(handshake["Id"], [h["Id"] for h in listed])
        self.assertEqual(invitee.describe_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"], "OPEN")
        self.assertEqual(invitee.accept_handshake(HandshakeId=handshake["Id"])["Handshake"]["State"], "ACCEPTED")
        described = self.signed_cli(INVITEE_KEY, INVITEE_SECRET, "describe-organization")
        self.assertEqual(described.returncode, 0, described)
        self.assertEqual(described.json["Organization"]["Id"], self.org["Id"])
        # A payload declared unsigned (X-Amz-Content-SHA256: UNSIGNED-PAYLOAD, as SDKs send over
        # HTTPS with payload signing off) is accepted too; botocore signs that header's value.
        client = self.boto(MGMT_KEY, MGMT_SECRET)

        def unsigned_payload(request, **kwargs):
            request.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"

        client.meta.events.register("before-sign.organizations.*", unsigned_payload)
        seen = {}
        client.meta.events.register("before-send.organizations.*",
                                    lambda request, **kw: seen.update(request.headers.items()))
        self.assertEqual(client.describe_organization()["Organization"]["Id"], self.org["Id"])
        declared = seen.get("X-Amz-Content-SHA256")
        self.assertEqual(declared.decode() if isinstance(declared, bytes) else declared, "UNSIGNED-PAYLOAD")
        self.assertIn(b"x-amz-content-sha256", seen["Authorization"] if isinstance(seen["Authorization"], bytes)
                      else seen["Authorization"].encode())

    def test_wrong_secret(self):
        r = self.signed_cli(MGMT_KEY, MGMT_SECRET + "x", "describe-organization")
        self.assertEqual(r.returncode, cli_service_error_rc(), r)
        self.assertIn(cli_error_line("InvalidSignatureException", "DescribeOrganization") + MISMATCH, r.stderr)
        self.assertEqual(r.stdout.strip(), "")
        self.assertAuthError(lambda: self.boto(MGMT_KEY, INVITEE_SECRET).list_accounts(),
                             "InvalidSignatureException", MISMATCH)

    def test_unknown_access_key(self):
        r = self.signed_cli("AKIANOBODYEXAMPLE000", MGMT_SECRET, "describe-organization")
        self.assertEqual(r.returncode, cli_service_error_rc(), r)
        self.assertIn(cli_error_line("UnrecognizedClientException", "DescribeOrganization") + UNRECOGNIZED, r.stderr)
        # With verification a 12-digit key is not an account by itself: it is unknown like any other.
        self.assertAuthError(lambda: self.boto(MGMT, "dummy").describe_organization(),
                             "UnrecognizedClientException", UNRECOGNIZED)
        self.assertAuthError(lambda: self.boto(new_account_id(7), "dummy").create_organization(),
                             "UnrecognizedClientException", UNRECOGNIZED)

    def test_request_time_off_by_more_than_15_minutes(self):
        client = self.boto(MGMT_KEY, MGMT_SECRET)
        for minutes, pattern in ((-20, EXPIRED), (20, NOT_YET)):
            with self.subTest(minutes=minutes):
                signed_at = utcnow() + datetime.timedelta(minutes=minutes)
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=signed_at):
                    message = self.assertAuthError(client.describe_organization, "InvalidSignatureException")
                m = pattern.match(message)
                self.assertTrue(m, message)
                self.assertEqual(m.group(1), stamp(signed_at))
                # The server's "now" in the message is the real time, within a few seconds.
                server_now = datetime.datetime.strptime(m.group(3), "%Y%m%dT%H%M%SZ")
                self.assertLess(abs((server_now - utcnow()).total_seconds()), 60, message)
        # 10 minutes off is within AWS's tolerance.
        with mock.patch.object(botocore.auth, "get_current_datetime",
                               return_value=utcnow() - datetime.timedelta(minutes=10)):
            self.assertEqual(client.describe_organization()["Organization"]["Id"], self.org["Id"])

    def test_the_emulator_clock_does_not_move_the_signature_window(self):
        moved = self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": 30 * 86400})
        self.assertEqual(moved.status, 200, moved)
        try:
            # Clients sign with the real time: 30 emulated days later their calls still pass.
            self.assertEqual(self.boto(MGMT_KEY, MGMT_SECRET).describe_organization()["Organization"]["Id"],
                             self.org["Id"])
        finally:
            self.assertEqual(self.server.control("POST", "/_localorgs/clock", {"Reset": True}).status, 200)

    def test_no_credentials(self):
        unsigned = self.boto("unused", "unused", signature_version=botocore.UNSIGNED)
        self.assertAuthError(unsigned.describe_organization, "MissingAuthenticationTokenException",
                             "Missing Authentication Token")
        r = self.server.cli(MGMT_KEY, "describe-organization", "--no-sign-request")
        self.assertEqual(r.returncode, cli_service_error_rc(), r)
        self.assertIn(cli_error_line("MissingAuthenticationTokenException", "DescribeOrganization")
                      + "Missing Authentication Token", r.stderr)
        self.assertRawAuthError(self.server.api("DescribeOrganization"), "MissingAuthenticationTokenException",
                                "Missing Authentication Token")

    def test_malformed_authorization(self):
        res = self.server.api("DescribeOrganization", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=" + MGMT_KEY, "X-Amz-Date": stamp(utcnow())})
        message = self.assertRawAuthError(res, "IncompleteSignatureException")
        self.assertTrue(message.startswith("Authorization header requires 'Signature' parameter. "
                                           "Authorization header requires 'SignedHeaders' parameter."), message)
        res = self.server.api("DescribeOrganization", headers={
            "Authorization": f"AWS4-HMAC-SHA256 Credential={MGMT_KEY}/20260101/us-east-1, SignedHeaders=host, "
                             "Signature=00", "X-Amz-Date": stamp(utcnow())})
        self.assertTrue(self.assertRawAuthError(res, "IncompleteSignatureException").startswith(
            "Credential must have exactly 5 slash-delimited elements"))
        # The fake signature the tests without verification send is refused (here for its date).
        res = self.server.api("DescribeOrganization", account=MGMT_KEY, headers={"X-Amz-Date": "20260101T000000Z"})
        self.assertTrue(self.assertRawAuthError(res, "InvalidSignatureException").startswith("Signature "), res)

    def test_presigned_request(self):
        url, headers = self.presign("DescribeOrganization")
        self.assertIn("X-Amz-Signature=", url)
        self.assertNotIn("Authorization", headers)
        status, _, body = self.send(url, headers)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["Organization"]["Id"], self.org["Id"])
        self.assertEqual(body["Organization"]["MasterAccountId"], MGMT)

        # Tampered with: another operation, a longer life, another signature, a body it did not sign.
        tampered = [
            (url, {**headers, "X-Amz-Target": TARGET + "DeleteOrganization"}, b""),
            (url.replace("X-Amz-Expires=60", "X-Amz-Expires=600"), headers, b""),
            (re.sub(r"X-Amz-Signature=([0-9a-f])", lambda m: "X-Amz-Signature=" + "01"[m.group(1) == "0"], url),
             headers, b""),
            (url, headers, b"{}"),
        ]
        for i, (u, h, b) in enumerate(tampered):
            with self.subTest(case=i):
                status, resp_headers, body = self.send(u, h, b)
                self.assertEqual((status, body.get("__type")), (403, "InvalidSignatureException"), body)
                self.assertEqual(body["Message"], MISMATCH)
                self.assertEqual(resp_headers["X-Amzn-ErrorType"], "InvalidSignatureException")
        # Still alive: nothing above deleted anything.
        self.assertEqual(self.send(url, headers)[0], 200)

    def test_presigned_request_over_unsigned_payload(self):
        # As S3-style presigners sign: the body is not covered, so any body goes.
        handshakes = self.boto(MGMT_KEY, MGMT_SECRET).list_handshakes_for_organization()["Handshakes"]
        url, headers = self.presign("ListHandshakesForOrganization", auth_class=botocore.auth.S3SigV4QueryAuth)
        status, _, body = self.send(url, headers, json.dumps({"MaxResults": 1}).encode())
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["Handshakes"]), min(1, len(handshakes)))

    def test_expired_presigned_request(self):
        signed_at = utcnow() - datetime.timedelta(minutes=5)
        url, headers = self.presign("DescribeOrganization", expires=60, at=signed_at)
        status, _, body = self.send(url, headers)
        self.assertEqual((status, body["__type"]), (403, "InvalidSignatureException"), body)
        self.assertTrue(re.match(rf"^Signature expired: {stamp(signed_at)} is now earlier than {STAMP} "
                                 rf"\({STAMP} - 1 min\.\)$", body["Message"]), body)
        # The same request with a life of 10 minutes is still good.
        url, headers = self.presign("DescribeOrganization", expires=600, at=signed_at)
        self.assertEqual(self.send(url, headers)[0], 200)
        # A presigned key that is not configured is unknown.
        url, headers = self.presign("DescribeOrganization", key="AKIANOBODYEXAMPLE000")
        status, _, body = self.send(url, headers)
        self.assertEqual((status, body["__type"], body["Message"]), (403, "UnrecognizedClientException", UNRECOGNIZED))


class StartupTest(unittest.TestCase):
    def test_a_key_without_its_secret_is_refused_at_start(self):
        with tempfile.TemporaryDirectory(prefix="localorgs-e2e-") as d:
            config = os.path.join(d, "config.json")
            with open(config, "w", encoding="utf-8") as f:
                json.dump({"Credentials": [{"AccessKeyId": "AKIANOSECRET", "AccountId": "111111111111"}]}, f)
            r = subprocess.run([binary_path(), "--port", "0", "--db", ":memory:", "--config", config,
                                "--verify-signatures"], capture_output=True, text=True, timeout=30,
                               stdin=subprocess.DEVNULL, env=clean_env())
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("Credentials[0] (AKIANOSECRET)", r.stderr)
        self.assertIn("SecretAccessKey", r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    harness.main()
