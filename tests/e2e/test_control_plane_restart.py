"""The control plane (/_localorgs/*, /_localstack/health), the command line, and restarts."""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import (READY_LINE, Server, ServerTestCase, binary_path, clean_env,  # noqa: E402
                     new_account_id)

ClientError = botocore.exceptions.ClientError
# What the control plane shows of an account beyond its registry entry, for one that never joined,
# was created or closed (issue 14).
STANDING = {"JoinedMethod": None, "State": "ACTIVE", "RoleName": None, "GovCloudEnabled": False,
            "GovCloudTwinId": None, "PhoneVerified": True, "EulaAccepted": True, "PaymentInstrument": True}
ACCOUNT_KEYS = {"Id", "Email", "Name", "SellerOfRecord", "Partition", "EmailVerified", "OrganizationId", *STANDING}

CONFIG_ACCOUNT = {"Id": "111111111111", "Email": "prod@example.com", "Name": "Prod", "SellerOfRecord": "AWS_EMEA",
                  "Partition": "aws", "EmailVerified": False}
CONFIG = {"Accounts": [CONFIG_ACCOUNT]}


def defaults(account):
    return {"Id": account, "Email": f"account-{account}@example.com", "Name": f"Account {account}",
            "SellerOfRecord": "AWS_INC", "Partition": "aws", "EmailVerified": True, "OrganizationId": None, **STANDING}


class ControlPlaneTest(ServerTestCase):
    server_config = CONFIG

    def assertControlError(self, res, status):
        self.assertEqual(res.status, status, res)
        self.assertEqual(res.header("Content-Type"), "application/json", res)
        self.assertIsInstance(res.json, dict, res)
        self.assertEqual(set(res.json), {"Error", "Message"}, res)
        self.assertTrue(res.json["Error"] and res.json["Message"], res)

    # --- health --------------------------------------------------------------------------------

    def test_health_routes(self):
        s = self.server
        res = s.http("GET", "/_localorgs/health")
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.header("Content-Type"), "application/json")
        self.assertEqual(res.json["status"], "running")
        self.assertIsInstance(res.json["version"], str)
        self.assertTrue(res.json["version"])
        self.assertIsInstance(res.json["uptime_seconds"], int)
        self.assertGreaterEqual(res.json["uptime_seconds"], 0)

        res = s.http("GET", "/_localstack/health")
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["services"]["organizations"], "running")

        for path in ("/_localstack/health", "/_localorgs/health"):
            with self.subTest(head=path):
                res = s.http("HEAD", path)
                self.assertEqual(res.status, 200, res)
                self.assertEqual(res.body, b"")
                self.assertEqual(res.header("Content-Type"), "application/json")

        # The health check works with a query string, as container health checks sometimes add one.
        self.assertEqual(s.http("GET", "/_localorgs/health?x=1").status, 200)

    def test_wrong_methods_and_unknown_routes(self):
        s = self.server
        cases = [
            ("POST", "/_localorgs/health", 405),
            ("DELETE", "/_localstack/health", 405),
            ("GET", "/_localorgs/reset", 405),
            ("DELETE", "/_localorgs/accounts", 405),
            ("POST", "/_localorgs/accounts/123456789012", 405),
            ("GET", "/_localorgs/no-such-route", 404),
            ("GET", "/_localorgs", 404),
        ]
        for method, path, status in cases:
            with self.subTest(method=method, path=path):
                self.assertControlError(s.http(method, path), status)

    # --- accounts ------------------------------------------------------------------------------

    def test_put_creates_and_updates_an_account(self):
        s, a = self.server, new_account_id()
        body = {"Email": f"ops-{a}@example.org", "Name": "Operations Ünït", "SellerOfRecord": "AWS_JAPAN",
                "Partition": "aws-us-gov", "EmailVerified": False}
        res = s.control("PUT", f"/_localorgs/accounts/{a}", body)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.header("Content-Type"), "application/json")
        self.assertEqual(res.json, {"Id": a, **body, "OrganizationId": None, **STANDING})
        self.assertEqual(s.control("GET", f"/_localorgs/accounts/{a}").json, res.json)

        # A partial update keeps the other fields.
        res = s.control("PUT", f"/_localorgs/accounts/{a}", {"Name": "Renamed", "EmailVerified": True})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json, {"Id": a, **body, "Name": "Renamed", "EmailVerified": True, "OrganizationId": None,
                                    **STANDING})

        listed = s.control("GET", "/_localorgs/accounts")
        self.assertEqual(listed.status, 200, listed)
        self.assertEqual(set(listed.json), {"Accounts"})
        mine = [x for x in listed.json["Accounts"] if x["Id"] == a]
        self.assertEqual(mine, [res.json])
        for x in listed.json["Accounts"]:
            self.assertEqual(set(x), ACCOUNT_KEYS, x)

        # An empty PUT registers an unknown account with the defaults.
        b = new_account_id()
        res = s.control("PUT", f"/_localorgs/accounts/{b}", {})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json, defaults(b))

        for seller in ("AWS_INC", "AWS_INDIA", "AWS_EMEA", "AWS_CANADA", "AWS_BRAZIL", "AWS_JAPAN",
                       "AWS_AUSTRALIA", "AWS_KOREA", "AWS_SOUTH_AFRICA"):
            with self.subTest(seller=seller):
                res = s.control("PUT", f"/_localorgs/accounts/{b}", {"SellerOfRecord": seller})
                self.assertEqual((res.status, res.json["SellerOfRecord"]), (200, seller), res)
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            with self.subTest(partition=partition):
                res = s.control("PUT", f"/_localorgs/accounts/{b}", {"Partition": partition})
                self.assertEqual((res.status, res.json["Partition"]), (200, partition), res)

    def test_put_refuses_invalid_values(self):
        s, a = self.server, new_account_id()
        s.control("PUT", f"/_localorgs/accounts/{a}", {"Name": "Before"})
        bad_bodies = [
            {"Email": "not-an-email"},
            {"Email": "a@b"},
            {"Email": "has space@example.com"},
            {"Email": "x" * 60 + "@example.com"},
            {"Name": ""},
            {"Name": "n" * 129},
            {"Name": 5},
            {"SellerOfRecord": "AWS_MARS"},
            {"Partition": "aws-mars"},
            {"EmailVerified": "yes"},
            {"Unknown": 1},
            {"Id": new_account_id()},
            "not json",
            "[]",
        ]
        for body in bad_bodies:
            with self.subTest(body=body):
                self.assertControlError(s.control("PUT", f"/_localorgs/accounts/{a}", body), 400)
        # Nothing of the refused bodies was applied.
        self.assertEqual(s.control("GET", f"/_localorgs/accounts/{a}").json, {**defaults(a), "Name": "Before"})

        # The path must name a 12-digit account.
        for path_id in ("12", "abcdefghijkl", "1234567890123"):
            with self.subTest(path_id=path_id):
                self.assertControlError(s.control("PUT", f"/_localorgs/accounts/{path_id}", {}), 400)
                self.assertControlError(s.control("GET", f"/_localorgs/accounts/{path_id}"), 400)

        # An email address names one account.
        b = new_account_id()
        taken = s.control("GET", f"/_localorgs/accounts/{a}").json["Email"]
        res = s.control("PUT", f"/_localorgs/accounts/{b}", {"Email": taken})
        self.assertControlError(res, 409)
        self.assertControlError(s.control("GET", f"/_localorgs/accounts/{b}"), 404)

    def test_get_unknown_account_is_404(self):
        res = self.server.control("GET", f"/_localorgs/accounts/{new_account_id()}")
        self.assertControlError(res, 404)

    def test_callers_are_registered_with_defaults(self):
        s, a = self.server, new_account_id()
        self.assertEqual(s.control("GET", f"/_localorgs/accounts/{a}").status, 404)
        org = self.client(a).create_organization()["Organization"]
        self.assertEqual(s.control("GET", f"/_localorgs/accounts/{a}").json,
                         {**defaults(a), "OrganizationId": org["Id"], "JoinedMethod": "CREATED"})

    def test_callers_are_registered_even_when_their_first_call_fails(self):
        # Design 4: an account is registered on first sight, whatever its call answers.
        s, a = self.server, new_account_id()
        with self.assertRaises(ClientError) as ctx:
            self.client(a).describe_organization()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")
        res = s.control("GET", f"/_localorgs/accounts/{a}")
        self.assertEqual(res.status, 200, f"a caller refused with an error was not registered: {res!r}")
        self.assertEqual(res.json, defaults(a))
        listed = [x["Id"] for x in s.control("GET", "/_localorgs/accounts").json["Accounts"]]
        self.assertIn(a, listed)

    def test_configured_accounts_are_registered_at_start(self):
        res = self.server.control("GET", "/_localorgs/accounts/111111111111")
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json, {**CONFIG_ACCOUNT, "OrganizationId": None, **STANDING})

    def test_put_email_and_name_show_in_the_organization(self):
        s, a = self.server, new_account_id()
        s.control("PUT", f"/_localorgs/accounts/{a}", {"Email": f"boss-{a}@example.com", "Name": "Boss"})
        org = self.client(a).create_organization()["Organization"]
        self.assertEqual(org["MasterAccountEmail"], f"boss-{a}@example.com")
        account = self.client(a).describe_account(AccountId=a)["Account"]
        self.assertEqual((account["Email"], account["Name"]), (f"boss-{a}@example.com", "Boss"))

        # Changing it later shows in what the CLI prints.
        res = s.control("PUT", f"/_localorgs/accounts/{a}", {"Email": f"new-{a}@example.com"})
        self.assertEqual(res.json["OrganizationId"], org["Id"], "a PUT must keep the membership")
        out = self.cli_ok(a, "describe-organization")
        self.assertEqual(out["Organization"], {**org, "MasterAccountEmail": f"new-{a}@example.com"})

    def test_partition_shows_in_arns(self):
        a = new_account_id()
        self.server.control("PUT", f"/_localorgs/accounts/{a}", {"Partition": "aws-cn"})
        org = self.client(a, region="cn-north-1").create_organization()["Organization"]
        self.assertTrue(org["Arn"].startswith(f"arn:aws-cn:organizations::{a}:organization/"), org)
        self.assertTrue(org["MasterAccountArn"].startswith(f"arn:aws-cn:organizations::{a}:account/"), org)


class ResetTest(ServerTestCase):
    server_config = CONFIG

    def test_reset_wipes_state_and_reseeds_the_configuration(self):
        s = self.server
        config_client = self.client("111111111111")
        config_org = config_client.create_organization()["Organization"]
        config_client.tag_resource(ResourceId="111111111111", Tags=[{"Key": "k", "Value": "v"}])
        s.control("PUT", "/_localorgs/accounts/111111111111", {"Name": "Changed at run time"})
        other = new_account_id()
        self.client(other).create_organization()

        res = s.control("POST", "/_localorgs/reset")
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json, {})

        listed = s.control("GET", "/_localorgs/accounts").json["Accounts"]
        self.assertEqual(listed, [{**CONFIG_ACCOUNT, "OrganizationId": None, **STANDING}])
        self.assertEqual(s.control("GET", f"/_localorgs/accounts/{other}").status, 404)
        for account in ("111111111111", other):
            with self.subTest(account=account):
                with self.assertRaises(ClientError) as ctx:
                    self.client(account).describe_organization()
                self.assertClientError(ctx, "AWSOrganizationsNotInUseException")

        # A fresh start: a new organization, no tags left over.
        again = config_client.create_organization()["Organization"]
        self.assertNotEqual(again["Id"], config_org["Id"])
        self.assertEqual(again["MasterAccountEmail"], "prod@example.com")
        self.assertEqual(config_client.list_tags_for_resource(ResourceId="111111111111")["Tags"], [])

        # Resetting twice is fine.
        self.assertEqual(s.control("POST", "/_localorgs/reset").status, 200)
        self.assertEqual(s.control("POST", "/_localorgs/reset").status, 200)


class RestartTest(unittest.TestCase):
    """State survives SIGTERM/SIGINT and a restart on the same --db file."""

    def setUp(self):
        self.server = Server(config=CONFIG)
        self.addCleanup(self.server.close)
        self.server.start()

    def snapshot(self, accounts):
        s = self.server
        out = {"control": s.control("GET", "/_localorgs/accounts").json}
        for a in accounts:
            c = s.client(a)
            root_id = c.list_roots()["Roots"][0]["Id"]
            out[a] = {
                "organization": c.describe_organization()["Organization"],
                "accounts": c.list_accounts()["Accounts"],
                "roots": c.list_roots()["Roots"],
                "children": c.list_children(ParentId=root_id, ChildType="ACCOUNT")["Children"],
                "account_tags": c.list_tags_for_resource(ResourceId=a)["Tags"],
                "root_tags": c.list_tags_for_resource(ResourceId=root_id)["Tags"],
            }
        return out

    def test_everything_is_identical_after_a_restart(self):
        s = self.server
        a, b = "111111111111", new_account_id()
        s.control("PUT", f"/_localorgs/accounts/{b}", {"Email": f"b-{b}@example.com", "Name": "Bee",
                                                       "SellerOfRecord": "AWS_KOREA", "EmailVerified": False})
        ca, cb = s.client(a), s.client(b)
        ca.create_organization()
        cb.create_organization(FeatureSet="CONSOLIDATED_BILLING")
        root_a = ca.list_roots()["Roots"][0]["Id"]
        ca.tag_resource(ResourceId=a, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "Größe", "Value": "日本語"},
                                            {"Key": "empty", "Value": ""}])
        ca.tag_resource(ResourceId=root_a, Tags=[{"Key": "owner", "Value": "platform"}])
        cb.tag_resource(ResourceId=b, Tags=[{"Key": f"k{i:02}", "Value": str(i)} for i in range(50)])
        ca.untag_resource(ResourceId=a, TagKeys=["env"])
        standalone = new_account_id()
        with self.assertRaises(ClientError):
            s.client(standalone).describe_organization()

        before = self.snapshot([a, b])
        cli_before = s.cli(a, "describe-organization")
        self.assertEqual(cli_before.returncode, 0, cli_before)

        s.stop_cleanly(signal.SIGTERM)
        s.start()
        self.assertEqual(self.snapshot([a, b]), before)
        cli_after = s.cli(a, "describe-organization")
        self.assertEqual(cli_after.returncode, 0, cli_after)
        self.assertEqual(cli_after.stdout, cli_before.stdout)

        # SIGINT shuts down just as cleanly.
        s.stop_cleanly(signal.SIGINT)
        s.start()
        self.assertEqual(self.snapshot([a, b]), before)

        # The restarted server keeps working and does not reuse identifiers.
        with self.assertRaises(ClientError) as ctx:
            s.client(a).create_organization()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AlreadyInOrganizationException")
        c_new = s.client(standalone)
        new_org = c_new.create_organization()["Organization"]
        self.assertNotIn(new_org["Id"], {before[a]["organization"]["Id"], before[b]["organization"]["Id"]})
        s.client(a).delete_organization()
        s.restart()
        with self.assertRaises(ClientError) as ctx:
            s.client(a).describe_organization()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")
        self.assertEqual(s.client(standalone).describe_organization()["Organization"], new_org)

    def test_memory_database_starts_empty_every_time(self):
        mem = Server(db=":memory:")
        try:
            mem.start()
            a = new_account_id()
            c = mem.client(a)
            c.create_organization()
            self.assertEqual([x["Id"] for x in c.list_accounts()["Accounts"]], [a])
            self.assertEqual(mem.control("GET", f"/_localorgs/accounts/{a}").status, 200)
            mem.restart()
            self.assertEqual(mem.control("GET", f"/_localorgs/accounts/{a}").status, 404)
            with self.assertRaises(ClientError) as ctx:
                mem.client(a).describe_organization()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")
            self.assertEqual(os.listdir(mem.dir), [n for n in os.listdir(mem.dir) if n.startswith("stderr.")],
                             "a :memory: server wrote files")
        finally:
            mem.close()


class ShutdownTest(unittest.TestCase):
    """SIGTERM ends the server promptly (within harness.STOP_TIMEOUT) whatever clients do.

    A container runtime sends SIGKILL a few seconds after SIGTERM (Docker: 10 s), so a shutdown
    that waits for a stalled client's read timeout does not close the database cleanly.
    """

    def stop_with_clients(self, open_clients):
        s = Server()
        self.addCleanup(s.close)
        s.start()
        sockets = open_clients(s)
        for sock in sockets:
            self.addCleanup(sock.close)
        c = s.client(new_account_id())
        c.create_organization()  # the server is still answering with those clients connected
        s.stop_cleanly()  # raises unless the exit code is 0 within STOP_TIMEOUT

    def test_idle_and_keep_alive_connections(self):
        def clients(s):
            idle = socket.create_connection((s.host, s.port), timeout=5)
            kept = socket.create_connection((s.host, s.port), timeout=5)
            kept.sendall(b"GET /_localorgs/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            self.assertTrue(kept.recv(65536).startswith(b"HTTP/1.1 200"))
            return [idle, kept]
        self.stop_with_clients(clients)

    def test_client_stalled_in_the_middle_of_a_body(self):
        def clients(s):
            stalled = socket.create_connection((s.host, s.port), timeout=5)
            stalled.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
                            b"X-Amz-Target: AWSOrganizationsV20161128.ListAccounts\r\n"
                            b"Content-Length: 100\r\n\r\n{")
            return [stalled]
        self.stop_with_clients(clients)

    def test_client_stalled_in_the_middle_of_the_headers(self):
        def clients(s):
            stalled = socket.create_connection((s.host, s.port), timeout=5)
            stalled.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Ty")
            return [stalled]
        self.stop_with_clients(clients)


def run_binary(args, env=None, timeout=10):
    return subprocess.run([binary_path(), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=clean_env(env))


class CommandLineTest(unittest.TestCase):

    def test_ready_line_names_the_bound_port(self):
        s = Server()
        try:
            s.start()
            self.assertEqual(len(s.stdout_lines), 1, s.stdout_lines)
            line = s.stdout_lines[0]
            self.assertRegex(line, r"^localorgs listening on http://127\.0\.0\.1:[1-9][0-9]{0,4}$")
            self.assertEqual(line, f"localorgs listening on {s.url}")
            self.assertLessEqual(s.port, 65535)
            with socket.create_connection((s.host, s.port), timeout=5):
                pass
            self.assertEqual(s.http("GET", "/_localorgs/health").json["status"], "running")
            # A second server on port 0 gets a port of its own.
            t = Server()
            try:
                t.start()
                self.assertNotEqual(t.port, s.port)
                t.stop_cleanly()
            finally:
                t.close()
            s.stop_cleanly()
        finally:
            s.close()

    def test_invalid_command_lines_exit_2_with_a_message(self):
        # A command line not made of known flags points at --help; a wrong value says what it
        # expects instead, and neither prints the whole usage text (tests/e2e/test_startup_errors.py).
        cases = [
            (["--bogus"], "--bogus", True),
            (["--port", "notaport"], "port", False),
            (["--port", "70000"], "port", False),
            (["--default-account", "12"], "default-account", False),
            (["--log-level", "loud"], "log-level", False),
            (["--port"], "port", True),
            (["stray"], "stray", True),
        ]
        for args, mention, points_at_help in cases:
            with self.subTest(args=args):
                r = run_binary(args)
                self.assertEqual(r.returncode, 2, r)
                self.assertIn(mention, r.stderr)
                self.assertEqual("localorgs --help" in r.stderr, points_at_help, r.stderr)
                self.assertNotIn("usage:", r.stderr)
                self.assertEqual(r.stdout, "", "nothing may be printed as if it were the ready line")

    def test_invalid_environment_variable_exits_2(self):
        r = run_binary(["--db", ":memory:"], env={"LOCALORGS_PORT": "nope"})
        self.assertEqual(r.returncode, 2, r)
        self.assertIn("LOCALORGS_PORT", r.stderr)

    def test_help_and_version(self):
        r = run_binary(["--help"])
        self.assertEqual(r.returncode, 0, r)
        for flag in ("--host", "--port", "--db", "--config", "--default-account", "--log-level"):
            self.assertIn(flag, r.stdout)
        r = run_binary(["--version"])
        self.assertEqual(r.returncode, 0, r)
        self.assertTrue(r.stdout.startswith("localorgs "), r)

    def test_invalid_config_files_are_refused(self):
        cases = {
            "missing": None,
            "not-json": "{not json",
            "unknown-key": json.dumps({"Bogus": 1}),
            "bad-default": json.dumps({"DefaultAccount": "12"}),
            "bad-account-id": json.dumps({"Accounts": [{"Id": "abc"}]}),
            "bad-seller": json.dumps({"Accounts": [{"Id": "111111111111", "SellerOfRecord": "AWS_MARS"}]}),
            "bad-credential": json.dumps({"Credentials": [{"AccessKeyId": "AKIAX", "AccountId": "1"}]}),
            "duplicate-email": json.dumps({"Accounts": [{"Id": "111111111111", "Email": "same@example.com"},
                                                        {"Id": "222222222222", "Email": "same@example.com"}]}),
        }
        with tempfile.TemporaryDirectory(prefix="localorgs-e2e-config-") as d:
            for name, text in cases.items():
                with self.subTest(config=name):
                    path = os.path.join(d, name + ".json")
                    if text is not None:
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(text)
                    r = run_binary(["--port", "0", "--db", ":memory:", "--config", path])
                    self.assertNotEqual(r.returncode, 0, r)
                    self.assertFalse(READY_LINE.match(r.stdout.strip()), r)
                    self.assertTrue(r.stderr.strip(), r)
                    if name != "duplicate-email":
                        self.assertEqual(r.returncode, 2, r)
                        self.assertIn(path, r.stderr)

    def test_default_account_from_flag_and_environment(self):
        for kind in ("flag", "env", "flag-beats-config"):
            with self.subTest(kind=kind):
                if kind == "flag":
                    s = Server(args=["--default-account", "888888888888"])
                elif kind == "env":
                    s = Server(env={"LOCALORGS_DEFAULT_ACCOUNT": "888888888888"})
                else:
                    s = Server(config={"DefaultAccount": "777777777777"}, args=["--default-account", "888888888888"])
                try:
                    s.start()
                    res = s.api("CreateOrganization", b"{}")  # no credentials: the default account
                    self.assertEqual(res.status, 200, res)
                    self.assertEqual(res.json["Organization"]["MasterAccountId"], "888888888888")
                    s.stop_cleanly()
                finally:
                    s.close()


if __name__ == "__main__":
    harness.main()
