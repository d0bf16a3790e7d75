"""Request logs (issue 7 item 4): one line per answered request on stderr, as text or JSON, with
time, request id, caller, operation, status, error type and latency, and never a secret.

Each server gets a successful call, failing calls (a service error, an unknown operation), and
control-plane calls, all carrying secrets that must not appear: a secret access key, a
signature, an admin token, a query string and a request body with marker text.
"""

import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import Server, binary_path, clean_env, new_account_id  # noqa: E402

SECRET_KEY = "secret-key-MUST-NOT-BE-LOGGED"
SIGNATURE = "5197a7e5" * 8  # the signature in a raw call's Authorization header
ADMIN_TOKEN = "admin-token-MUST-NOT-BE-LOGGED"
BODY_MARKER = "body-MUST-NOT-BE-LOGGED"
QUERY_MARKER = "query-must-not-be-logged@example.com"
SECRETS = (SECRET_KEY, SIGNATURE, ADMIN_TOKEN, BODY_MARKER, QUERY_MARKER, "Authorization", "AWS4-HMAC-SHA256")

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
TEXT_LINE = re.compile(rf"^(?P<time>{TIME}) info  request_id=(?P<request_id>\S+) caller=(?P<caller>\S+) "
                       r'operation=(?P<operation>"(?:[^"\\]|\\.)*"|\S+) status=(?P<status>\d+) error=(?P<error>\S+) '
                       r"latency_us=(?P<latency_us>\d+)$")
JSON_KEYS = {"time", "level", "request_id", "caller", "operation", "status", "error", "latency_us"}


def client(server, account):
    """A boto3 client that signs with a secret the log must never show."""
    return boto3.session.Session(aws_access_key_id=account, aws_secret_access_key=SECRET_KEY,
                                 region_name="us-east-1").client(
        "organizations", endpoint_url=server.url, config=botocore.config.Config(retries={"total_max_attempts": 1}))


def parse_text(line):
    m = TEXT_LINE.match(line)
    if not m:
        return None
    r = m.groupdict()
    op = r["operation"]
    r["operation"] = re.sub(r"\\(.)", r"\1", op[1:-1]) if op.startswith('"') else op
    r["status"] = int(r["status"])
    r["latency_us"] = int(r["latency_us"])
    r["error"] = None if r["error"] == "-" else r["error"]
    return r


def parse_json(line, test):
    record = json.loads(line)  # every stderr line is a JSON object in this format
    test.assertIsInstance(record, dict, line)
    test.assertRegex(record["time"], rf"^{TIME}$")
    if "message" in record:
        test.assertEqual(set(record), {"time", "level", "message"}, line)
        return None
    test.assertEqual(set(record), JSON_KEYS, line)
    test.assertEqual(record["level"], "info")
    test.assertIsInstance(record["status"], int)
    test.assertIsInstance(record["latency_us"], int)
    return record


class RequestLogTest(unittest.TestCase):

    def run_server(self, args=(), env=None):
        server = Server(args=args, env=env)
        self.addCleanup(server.close)
        server.start()
        return server

    def exercise(self, server):
        """Calls of every kind; returns {request_id or key: (expected fields)}."""
        expected = {}
        mgmt, loner = new_account_id(8), new_account_id(8)

        ok = client(server, mgmt)
        created = ok.create_organization()
        expected[created["ResponseMetadata"]["RequestId"]] = (mgmt, "CreateOrganization", 200, None)
        invited = ok.invite_account_to_organization(Target={"Id": loner, "Type": "ACCOUNT"}, Notes=BODY_MARKER)
        expected[invited["ResponseMetadata"]["RequestId"]] = (mgmt, "InviteAccountToOrganization", 200, None)

        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            client(server, loner).describe_organization()
        expected[ctx.exception.response["ResponseMetadata"]["RequestId"]] = (
            loner, "DescribeOrganization", 400, "AWSOrganizationsNotInUseException")

        unknown = server.api("NoSuchOperation", {"Notes": BODY_MARKER}, headers={
            "Authorization": f"AWS4-HMAC-SHA256 Credential={loner}/20260101/us-east-1/organizations/aws4_request, "
                             f"SignedHeaders=host, Signature={SIGNATURE}"})
        self.assertEqual(unknown.status, 400, unknown)
        expected[unknown.header("x-amzn-RequestId")] = (loner, "-", 400, "UnknownOperationException")

        bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        self.assertEqual(server.http("GET", "/_localorgs/health", headers=bearer).status, 200)
        expected["GET /_localorgs/health"] = ("-", "GET /_localorgs/health", 200, None)
        unknown_account = new_account_id(9)
        missing = server.http("GET", f"/_localorgs/accounts/{unknown_account}", headers=bearer)
        self.assertEqual(missing.status, 404, missing)
        expected["GET /_localorgs/accounts/"] = ("-", f"GET /_localorgs/accounts/{unknown_account}", 404,
                                                 missing.json["Error"])
        # A path with the characters a line must escape (text quotes it, JSON escapes it).
        odd = '/_localorgs/"odd"\\path'
        self.assertEqual(server.http("GET", odd).status, 404)
        expected["GET odd"] = ("-", f"GET {odd}", 404, "NotFound")
        self.assertEqual(server.http("GET", f"/_localorgs/outbox?to={QUERY_MARKER}").status, 200)
        expected["GET /_localorgs/outbox"] = ("-", "GET /_localorgs/outbox", 200, None)
        return expected

    def stderr_lines(self, server):
        with open(server._stderr_path, encoding="utf-8") as f:
            return f.read().splitlines()

    def check(self, records, expected, raw_lines):
        text = "\n".join(raw_lines)
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        by_id = {r["request_id"]: r for r in records if r["request_id"] != "-"}
        control = [r for r in records if r["request_id"] == "-"]
        for key, (caller, operation, status, error) in expected.items():
            with self.subTest(request=key):
                if key.startswith(("GET ", "POST ")):
                    found = [r for r in control if r["operation"] == operation]
                    self.assertEqual(len(found), 1, control)
                    r = found[0]
                else:
                    self.assertIn(key, by_id, records)
                    r = by_id[key]
                self.assertEqual((r["caller"], r["operation"], r["status"], r["error"]),
                                 (caller, operation, status, error), r)
                self.assertGreater(r["latency_us"], 0, r)
                self.assertLess(r["latency_us"], 60_000_000, r)
        # One line per request: nothing else was asked of this server.
        self.assertEqual(len(records), len(expected), records)

    def test_text_lines(self):
        server = self.run_server()
        expected = self.exercise(server)
        server.stop_cleanly()
        lines = self.stderr_lines(server)
        records = [r for r in map(parse_text, lines) if r is not None]
        unparsed = [line for line in lines if "request_id=" in line and parse_text(line) is None]
        self.assertEqual(unparsed, [])
        self.check(records, expected, lines)

    def test_json_lines(self):
        # The flag's environment variable, which is what a container sets.
        server = self.run_server(env={"LOCALORGS_LOG_FORMAT": "json"})
        expected = self.exercise(server)
        server.stop_cleanly()
        lines = self.stderr_lines(server)
        self.assertTrue(lines)
        records = [r for r in (parse_json(line, self) for line in lines) if r is not None]
        for r in records:
            if r["error"] is None:
                continue
            self.assertIsInstance(r["error"], str)
        self.check(records, expected, lines)
        # Lines that are not about a request are JSON too.
        messages = [json.loads(line)["message"] for line in lines if "message" in json.loads(line)]
        self.assertIn("stopped cleanly", messages)

    def test_warn_level_silences_request_lines(self):
        server = self.run_server(args=["--log-level", "warn", "--log-format", "json"])
        self.exercise(server)
        server.stop_cleanly()
        self.assertEqual(self.stderr_lines(server), [])

    def test_wrong_format_is_refused(self):
        for args, env, named in ((["--log-format", "yaml"], {}, "--log-format"),
                                 ([], {"LOCALORGS_LOG_FORMAT": "xml"}, "LOCALORGS_LOG_FORMAT")):
            with self.subTest(args=args, env=env):
                p = subprocess.run([binary_path(), "--port", "0", "--db", ":memory:", *args], capture_output=True,
                                   text=True, timeout=30, stdin=subprocess.DEVNULL, env=clean_env(env))
                self.assertEqual(p.returncode, 2, p)
                self.assertIn(named, p.stderr)
                self.assertIn("text or json", p.stderr)


if __name__ == "__main__":
    harness.main()
