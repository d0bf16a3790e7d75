"""The admin command line (issue 7 item 5): the real `localorgs` binary's commands against a real
server, with what they did checked through the control plane and the real AWS clients.

Every test has a server of its own, because the clock, the outbox and the faults are server-wide.
"""

import http.server
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import (READY_LINE, Server, binary_path, clean_env, cli_error_line,  # noqa: E402
                     cli_service_error_rc, fast_client, new_account_id)

ClientError = botocore.exceptions.ClientError

ADMIN_TIMEOUT = 30  # seconds for one admin command (each is one HTTP exchange)
DAY = 24 * 3600


def localorgs(*args, env=None):
    """Runs the binary with `args` and a clean environment (plus `env`); returns CompletedProcess."""
    return subprocess.run([binary_path(), *args], capture_output=True, text=True, timeout=ADMIN_TIMEOUT,
                          stdin=subprocess.DEVNULL, env=clean_env(env))


def parse_table(text):
    """Rows of a table as dicts keyed by the header; columns are cut where the header's words start."""
    lines = text.splitlines()
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=  ))\S", header)]
    names = [header[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
    return [{name: line[a:b].strip() for name, a, b in zip(names, starts, starts[1:] + [None])}
            for line in lines[1:]]


def closed_port():
    """A port nothing listens on: the kernel picks a free one, and it is released again."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AdminCase(unittest.TestCase):
    server_config = None

    def setUp(self):
        self.server = Server(config=self.server_config)
        self.addCleanup(self.server.close)
        self.server.start()

    def tearDown(self):
        if self.server.proc is not None:
            self.server.stop_cleanly()

    def admin(self, *args, env=None):
        """`localorgs ARGS --endpoint URL` against this test's server."""
        return localorgs(*args, "--endpoint", self.server.url, env=env)

    def admin_ok(self, *args, env=None):
        r = self.admin(*args, env=env)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.stderr, "", r)
        return r.stdout

    def assertRefusedByServer(self, r, *needles):
        """Exit code 1, nothing on stdout, one line on stderr naming `needles`."""
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(r.stdout, "", r)
        self.assertTrue(r.stderr.startswith("localorgs: "), r)
        self.assertEqual(r.stderr.count("\n"), 1, r)
        for needle in needles:
            self.assertIn(needle, r.stderr)

    def assertUsageError(self, r, *needles):
        self.assertEqual(r.returncode, 2, r)
        self.assertEqual(r.stdout, "", r)
        for needle in needles:
            self.assertIn(needle, r.stderr)

    def control(self, method, path, body=None):
        res = self.server.control(method, path, body)
        self.assertEqual(res.status, 200, res)
        return res.json

    def client(self, account):
        return fast_client(self.server, account)

    def make_org(self):
        mgmt = new_account_id(7)
        self.admin_ok("accounts", "put", mgmt, "--email", f"mgmt-{mgmt}@example.com", "--name", "Acme Management")
        return mgmt, self.client(mgmt).create_organization()["Organization"]["Id"]

    def invite(self, mgmt, target, target_type="ACCOUNT"):
        return self.client(mgmt).invite_account_to_organization(Target={"Id": target, "Type": target_type})["Handshake"]


class AccountsTest(AdminCase):

    def test_put_list_and_get(self):
        account = new_account_id(7)
        out = self.admin_ok("accounts", "put", account, "--email", f"ops-{account}@example.com", "--name", "Ops Team",
                            "--seller-of-record", "AWS_INDIA", "--partition", "aws", "--email-verified", "false")
        expected = {"Id": account, "Email": f"ops-{account}@example.com", "Name": "Ops Team",
                    "SellerOfRecord": "AWS_INDIA", "Partition": "aws", "EmailVerified": False, "OrganizationId": None,
                    "JoinedMethod": None, "State": "ACTIVE", "RoleName": None, "GovCloudEnabled": False,
                    "GovCloudTwinId": None, "PhoneVerified": True, "EulaAccepted": True, "PaymentInstrument": True}
        self.assertEqual(self.control("GET", f"/_localorgs/accounts/{account}"), expected)
        self.assertIn("Seller of record  AWS_INDIA\n", out)
        self.assertIn("Email verified    false\n", out)

        # Only what is given changes.
        self.admin_ok("accounts", "put", account, "--name=Operations")
        expected["Name"] = "Operations"
        self.assertEqual(self.control("GET", f"/_localorgs/accounts/{account}"), expected)
        # A new account starts from the defaults.
        fresh = new_account_id(7)
        self.admin_ok("accounts", "put", fresh)
        self.assertEqual(self.control("GET", f"/_localorgs/accounts/{fresh}")["Email"],
                         f"account-{fresh}@example.com")

        # The table shows every account, the organization once there is one.
        org_id = self.client(account).create_organization()["Organization"]["Id"]
        rows = {row["ID"]: row for row in parse_table(self.admin_ok("accounts", "list"))}
        self.assertEqual(rows[account], {"ID": account, "EMAIL": f"ops-{account}@example.com", "NAME": "Operations",
                                         "SELLER OF RECORD": "AWS_INDIA", "PARTITION": "aws",
                                         "EMAIL VERIFIED": "false", "ORGANIZATION": org_id, "JOINED": "CREATED",
                                         "STATE": "ACTIVE"})
        self.assertEqual(rows[fresh]["ORGANIZATION"], "-")
        self.assertEqual(self.admin_ok("accounts"), self.admin_ok("accounts", "list"))

        # --json is the control plane's own answer.
        self.assertEqual(json.loads(self.admin_ok("accounts", "list", "--json")),
                         self.control("GET", "/_localorgs/accounts"))
        self.assertEqual(json.loads(self.admin_ok("accounts", "get", account, "--json")),
                         {**expected, "OrganizationId": org_id, "JoinedMethod": "CREATED"})
        self.assertIn(f"Organization      {org_id}\n", self.admin_ok("accounts", "get", account))

    def test_refusals_of_the_server_exit_1_and_change_nothing(self):
        account, other = new_account_id(7), new_account_id(7)
        self.admin_ok("accounts", "put", account, "--email", f"a-{account}@example.com")
        before = self.control("GET", f"/_localorgs/accounts/{account}")
        self.assertRefusedByServer(self.admin("accounts", "put", account, "--seller-of-record", "AWS_MARS"),
                                   "InvalidRequest", "SellerOfRecord", "AWS_MARS", "(HTTP 400)")
        self.assertRefusedByServer(self.admin("accounts", "put", other, "--email", f"a-{account}@example.com"),
                                   "(HTTP 409)")
        self.assertRefusedByServer(self.admin("accounts", "put", "12", "--name", "x"), "12-digit")
        self.assertEqual(self.control("GET", f"/_localorgs/accounts/{account}"), before)
        missing = new_account_id(7)
        self.assertRefusedByServer(self.admin("accounts", "get", missing), f"NotFound: No account {missing}",
                                   "(HTTP 404)")
        # Wrong usage is refused before anything is sent.
        self.assertUsageError(self.admin("accounts", "put", account, "--email-verified", "maybe"),
                              "--email-verified", "maybe")
        self.assertUsageError(self.admin("accounts", "get"), "needs ID")
        self.assertEqual(self.control("GET", f"/_localorgs/accounts/{account}"), before)


class ClockTest(AdminCase):

    def test_advance_15_days_expires_an_invitation(self):
        mgmt, _ = self.make_org()
        invitee = new_account_id(7)
        handshake = self.invite(mgmt, invitee)
        self.assertEqual(handshake["State"], "OPEN")
        self.assertIn("Offset  none: the real time\n", self.admin_ok("clock"))

        out = self.admin_ok("clock", "advance", "15d")
        self.assertIn("Offset  15d ahead of the real time\n", out)
        self.assertRegex(out, r"^Now     \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \(epoch [0-9.]+\)\n")
        self.assertEqual(self.control("GET", "/_localorgs/clock")["OffsetSeconds"], 15 * DAY)

        # Both parties now see the invitation expired, through the AWS CLI and boto3.
        r = self.server.cli(mgmt, "describe-handshake", "--handshake-id", handshake["Id"])
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.json["Handshake"]["State"], "EXPIRED")
        received = self.client(invitee).list_handshakes_for_account()["Handshakes"]
        self.assertEqual([(h["Id"], h["State"]) for h in received], [(handshake["Id"], "EXPIRED")])
        with self.assertRaises(ClientError) as ctx:
            self.client(invitee).accept_handshake(HandshakeId=handshake["Id"])
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidHandshakeTransitionException")

        moved = json.loads(self.admin_ok("clock", "advance", "1d12h", "--json"))
        self.assertEqual(moved["OffsetSeconds"], 16.5 * DAY)
        self.assertEqual(moved, {"Now": moved["Now"], "OffsetSeconds": 16.5 * DAY})
        self.assertEqual(json.loads(self.admin_ok("clock", "advance", "-12h", "--json"))["OffsetSeconds"], 16 * DAY)

    def test_set_and_reset(self):
        target = 1893456000  # 2030-01-01T00:00:00Z
        for text in ("2030-01-01T00:00:00Z", "2030-01-01", "2030-01-01T02:00:00+02:00", str(target)):
            with self.subTest(time=text):
                now = json.loads(self.admin_ok("clock", "set", text, "--json"))["Now"]
                self.assertAlmostEqual(now, target, delta=2)
        self.assertIn("Now     2030-01-01T00:00:0", self.admin_ok("clock"))
        mgmt, _ = self.make_org()
        handshake = self.invite(mgmt, new_account_id(7))
        self.assertAlmostEqual(handshake["RequestedTimestamp"].timestamp(), target, delta=10)

        self.assertIn("Offset  none: the real time\n", self.admin_ok("clock", "reset"))
        self.assertEqual(self.control("GET", "/_localorgs/clock")["OffsetSeconds"], 0)

    def test_bad_durations_and_times_are_refused_and_move_nothing(self):
        for bad in ("15", "15x", "1.5d", "12h1d", "soon", ""):
            with self.subTest(duration=bad):
                r = self.admin("clock", "advance", bad)
                self.assertUsageError(r, f"'{bad}' is not a duration", "30s, 15m, 2h, 15d, 1d12h")
        for bad in ("tomorrow", "2026-02-30", "1969-12-31"):
            with self.subTest(time=bad):
                self.assertUsageError(self.admin("clock", "set", bad), f"'{bad}' is not a time")
        self.assertUsageError(self.admin("clock", "rewind"), "unknown command 'clock rewind'")
        self.assertEqual(self.control("GET", "/_localorgs/clock")["OffsetSeconds"], 0)


class OutboxTest(AdminCase):

    def test_list_filter_and_clear(self):
        mgmt, org_id = self.make_org()
        invitee = new_account_id(7)
        self.admin_ok("accounts", "put", invitee, "--email", f"invitee-{invitee}@example.com")
        outsider = "someone+new@example.net"  # the '+' must reach the server as a '+'
        h1 = self.invite(mgmt, invitee)
        h2 = self.invite(mgmt, outsider, "EMAIL")

        rows = parse_table(self.admin_ok("outbox"))
        self.assertEqual([(r["TO"], r["HANDSHAKE"]) for r in rows],
                         [(f"invitee-{invitee}@example.com", h1["Id"]), (outsider, h2["Id"])])
        for row in rows:
            self.assertRegex(row["SENT"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
            self.assertIn("Acme Management", row["SUBJECT"])
            self.assertTrue(row["SUBJECT"].endswith(org_id), row)

        self.assertEqual([(r["TO"], r["HANDSHAKE"]) for r in parse_table(self.admin_ok("outbox", "--to", outsider))],
                         [(outsider, h2["Id"])])
        self.assertEqual(self.admin_ok("outbox", "--to", "nobody@example.org"), "No messages.\n")
        as_json = json.loads(self.admin_ok("outbox", "--json", "--to", outsider))
        self.assertEqual([m["HandshakeId"] for m in as_json["Messages"]], [h2["Id"]])
        self.assertEqual(set(as_json["Messages"][0]), {"Id", "To", "Subject", "Body", "HandshakeId", "SentTimestamp"})

        self.assertEqual(self.admin_ok("outbox", "clear"), "Outbox emptied.\n")
        self.assertEqual(self.control("GET", "/_localorgs/outbox"), {"Messages": []})
        self.assertEqual(self.admin_ok("outbox"), "No messages.\n")
        self.assertEqual(json.loads(self.admin_ok("outbox", "clear", "--json")), {})


class FaultsTest(AdminCase):

    def test_add_list_fire_and_clear(self):
        mgmt, _ = self.make_org()
        invitee = new_account_id(7)
        out = self.admin_ok("faults", "add", "--operation", "InviteAccountToOrganization", "--error",
                            "ConcurrentModificationException", "--count", "2", "--account", mgmt,
                            "--message", "injected by the admin CLI")
        fault_id = re.fullmatch(r"Added fault (\S+)\.\n", out)[1]
        self.assertEqual(parse_table(self.admin_ok("faults", "list")),
                         [{"ID": fault_id, "OPERATION": "InviteAccountToOrganization",
                           "ERROR": "ConcurrentModificationException", "REASON": "-", "ACCOUNT": mgmt,
                           "CALLS LEFT": "2", "MESSAGE": "injected by the admin CLI"}])

        # The AWS CLI's call fails with that error, and nothing is sent.
        r = self.server.cli(mgmt, "invite-account-to-organization", "--target", f"Id={invitee},Type=ACCOUNT")
        self.assertEqual(r.returncode, cli_service_error_rc(), r)
        self.assertIn(cli_error_line("ConcurrentModificationException", "InviteAccountToOrganization")
                      + "injected by the admin CLI", r.stderr)
        self.assertEqual(self.client(mgmt).list_handshakes_for_organization()["Handshakes"], [])
        self.assertEqual([f["Count"] for f in json.loads(self.admin_ok("faults", "--json"))["Faults"]], [1])

        self.assertEqual(self.admin_ok("faults", "clear"), "Faults cleared.\n")
        self.assertEqual(self.admin_ok("faults"), "No faults.\n")
        self.assertEqual(self.control("GET", "/_localorgs/faults"), {"Faults": []})
        self.assertEqual(self.invite(mgmt, invitee)["State"], "OPEN")

        # Any operation, with a Reason, as JSON.
        added = json.loads(self.admin_ok("faults", "add", "--operation=*", "--error=ConstraintViolationException",
                                         "--reason", "ACCOUNT_NUMBER_LIMIT_EXCEEDED", "--json"))
        self.assertEqual(set(added), {"FaultId"})
        with self.assertRaises(ClientError) as ctx:
            self.client(mgmt).list_accounts()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ConstraintViolationException")
        self.assertEqual(ctx.exception.response["Reason"], "ACCOUNT_NUMBER_LIMIT_EXCEEDED")

    def test_wrong_faults_are_refused(self):
        self.assertRefusedByServer(self.admin("faults", "add", "--operation", "NoSuchOperation", "--error",
                                              "ServiceException"), "Unknown operation 'NoSuchOperation'")
        self.assertRefusedByServer(self.admin("faults", "add", "--operation", "ListAccounts", "--error",
                                              "NoSuchException"), "NoSuchException")
        self.assertRefusedByServer(self.admin("faults", "add", "--operation", "ListAccounts", "--error",
                                              "ServiceException", "--count", "0"), "Count")
        self.assertUsageError(self.admin("faults", "add", "--operation", "ListAccounts"), "faults add needs --error")
        self.assertUsageError(self.admin("faults", "add", "--operation", "ListAccounts", "--error",
                                         "ServiceException", "--count", "many"), "--count", "many")
        self.assertEqual(self.control("GET", "/_localorgs/faults"), {"Faults": []})


class ResetTest(AdminCase):
    server_config = {"Accounts": [{"Id": "111111111111", "Email": "seeded@example.com", "Name": "Seeded"}]}

    def test_reset_wipes_state_and_reseeds(self):
        self.admin_ok("accounts", "put", "111111111111", "--name", "Renamed")
        mgmt, _ = self.make_org()
        self.admin_ok("clock", "advance", "2h")
        self.admin_ok("faults", "add", "--operation", "ListRoots", "--error", "ServiceException")

        self.assertTrue(self.admin_ok("reset").startswith("Reset: "))
        accounts = self.control("GET", "/_localorgs/accounts")["Accounts"]
        self.assertEqual([(a["Id"], a["Name"]) for a in accounts], [("111111111111", "Seeded")])
        self.assertEqual(self.control("GET", "/_localorgs/clock")["OffsetSeconds"], 0)
        self.assertEqual(self.admin_ok("faults"), "No faults.\n")
        with self.assertRaises(ClientError) as ctx:
            self.client(mgmt).describe_organization()
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")
        self.assertEqual(json.loads(self.admin_ok("reset", "--json")), {})


class CommandLineTest(unittest.TestCase):
    """Help, version, usage errors and the server's own command line."""

    def test_help_lists_flags_and_commands(self):
        texts = []
        for args in (["--help"], ["-h"], ["help"], ["serve", "--help"]):
            with self.subTest(args=args):
                r = localorgs(*args)
                self.assertEqual(r.returncode, 0, r)
                self.assertEqual(r.stderr, "", r)
                for needle in ("--host", "--port", "--db", "--config", "--default-account", "--log-level",
                               "localorgs serve", "accounts [list]", "accounts get ID",
                               "accounts put ID [--email E] [--name N] [--seller-of-record S]",
                               "clock advance DURATION", "clock set EPOCH|ISO8601", "clock reset",
                               "outbox [list] [--to ADDRESS]", "outbox clear",
                               "faults add --operation OP --error TYPE", "faults [list]", "faults clear", "reset",
                               "--endpoint URL", "LOCALORGS_ENDPOINT", "--admin-token T", "--json"):
                    self.assertIn(needle, r.stdout)
                texts.append(r.stdout)
        self.assertEqual(len(set(texts)), 1, "every way of asking prints the same text")

        r = localorgs("accounts", "put", "--help")
        self.assertEqual(r.returncode, 0, r)
        self.assertTrue(r.stdout.startswith("usage: localorgs accounts put ID"), r)
        self.assertIn("--email-verified B", r.stdout)
        r = localorgs("help", "clock")
        self.assertEqual(r.returncode, 0, r)
        for line in ("clock [show]", "clock advance DURATION", "clock set EPOCH|ISO8601", "clock reset"):
            self.assertIn(line, r.stdout)

    def test_version_is_the_one_the_server_reports(self):
        s = Server()
        self.addCleanup(s.close)
        s.start()
        version = s.http("GET", "/_localorgs/health").json["version"]
        s.stop_cleanly()
        for args in (["--version"], ["serve", "--version"]):
            with self.subTest(args=args):
                r = localorgs(*args)
                self.assertEqual(r.returncode, 0, r)
                self.assertEqual(r.stdout, f"localorgs {version}\n")

    def test_unknown_flags_and_commands_exit_2(self):
        # The third column is what points the user on: the command's usage for an admin command,
        # --help for a server command line not made of known flags, nothing more for a wrong value
        # (its message says what is expected; tests/e2e/test_startup_errors.py).
        cases = [
            (["--bogus"], "unknown flag --bogus", "localorgs --help"),
            (["serve", "--bogus"], "unknown flag --bogus", "localorgs --help"),
            (["serve", "--port", "notaport"], "--port: expected an integer", None),
            (["accounts", "list", "--bogus"], "unknown flag --bogus for 'accounts list'", "usage"),
            (["clock", "advance", "15d", "--port", "1"], "unknown flag --port for 'clock advance'", "usage"),
            (["frobnicate"], "unknown command 'frobnicate'", "usage"),
            (["accounts", "lst"], "unknown command 'accounts lst'", "usage"),
            (["clock", "--endpoint", "https://127.0.0.1:4566"], "only http://", "usage"),
        ]
        for args, message, guide in cases:
            with self.subTest(args=args):
                # A port of nobody: should anything be sent or served despite the error, it shows.
                r = localorgs(*args, env={"LOCALORGS_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
                                          "LOCALORGS_PORT": "0", "LOCALORGS_DB": ":memory:"})
                self.assertEqual(r.returncode, 2, r)
                self.assertEqual(r.stdout, "", r)
                self.assertIn(message, r.stderr)
                if guide:
                    self.assertIn(guide, r.stderr.lower() if guide == "usage" else r.stderr)
                else:
                    self.assertNotIn("usage", r.stderr.lower())
                    self.assertNotIn("--help", r.stderr)

    def test_a_config_file_with_a_wrong_key_or_value_is_refused_naming_it(self):
        # What follows the file's path in the message.
        cases = {
            "unknown top-level key": ({"Acounts": []}, ": unknown key 'Acounts'"),
            "unknown account key": ({"Accounts": [{"Id": "111111111111", "Colour": "red"}]},
                                    ".Accounts[0]: unknown key 'Colour'"),
            "wrong seller": ({"Accounts": [{"Id": "111111111111", "SellerOfRecord": "AWS_MARS"}]},
                             ".Accounts[0].SellerOfRecord: unknown seller 'AWS_MARS'"),
            "wrong quota": ({"Quotas": {"MaxAccounts": 0}}, ".Quotas.MaxAccounts: expected an integer from 1 to 1000000000"),
            "wrong type": ({"DirectTransfer": "yes"}, ".DirectTransfer: expected true or false"),
        }
        with tempfile.TemporaryDirectory(prefix="localorgs-e2e-admin-") as d:
            path = os.path.join(d, "config.json")
            for name, (config, message) in cases.items():
                for serve in ([], ["serve"]):
                    with self.subTest(config=name, serve=serve):
                        with open(path, "w", encoding="utf-8") as f:
                            json.dump(config, f)
                        r = localorgs(*serve, "--port", "0", "--db", ":memory:", "--config", path)
                        self.assertEqual(r.returncode, 2, r)
                        self.assertFalse(READY_LINE.match(r.stdout.strip()), r)
                        self.assertIn(f"localorgs: {path}{message}\n", r.stderr)

    def test_an_unreachable_server_is_one_line_and_exit_1(self):
        url = f"http://127.0.0.1:{closed_port()}"
        for args in (["clock"], ["accounts", "list", "--json"], ["reset"]):
            with self.subTest(args=args):
                r = localorgs(*args, env={"LOCALORGS_ENDPOINT": url})
                self.assertEqual(r.returncode, 1, r)
                self.assertEqual(r.stdout, "", r)
                self.assertTrue(r.stderr.startswith(f"localorgs: connecting to {url} failed: Connection refused"), r)
                self.assertEqual(r.stderr.count("\n"), 1, r)


class ServeCommandTest(unittest.TestCase):

    def test_serve_starts_the_server_and_commands_find_it_through_the_environment(self):
        class ServeServer(Server):
            def command(self):
                cmd = super().command()
                return [cmd[0], "serve", *cmd[1:]]

        s = ServeServer()
        self.addCleanup(s.close)
        s.start()
        env = {"LOCALORGS_ENDPOINT": s.url}
        account = new_account_id(7)
        r = localorgs("accounts", "put", account, "--name", "Served", env=env)
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(s.http("GET", f"/_localorgs/accounts/{account}").json["Name"], "Served")
        # A token is sent as a bearer token; a server that checks none answers as usual.
        r = localorgs("accounts", "get", account, "--json", env={**env, "LOCALORGS_ADMIN_TOKEN": "secret"})
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(json.loads(r.stdout)["Name"], "Served")
        s.stop_cleanly()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request with the class's `answer` and remembers what it was sent."""
    seen = []
    answer = (200, b"{}")

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        type(self).seen.append((self.command, self.path, self.headers, self.rfile.read(length)))
        status, body = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _handle

    def log_message(self, *args):
        pass


class AdminTokenTest(unittest.TestCase):
    """What reaches the wire, seen by a stand-in for a server that checks an admin token."""

    def setUp(self):
        _Recorder.seen = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.httpd.server_close)
        self.addCleanup(self.httpd.shutdown)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def test_token_from_flag_or_environment_as_bearer(self):
        _Recorder.answer = (200, json.dumps({"Now": 1767225600, "OffsetSeconds": 0}).encode())
        runs = [((), {}, None),
                ((), {"LOCALORGS_ADMIN_TOKEN": "from-env"}, "Bearer from-env"),
                (("--admin-token", "from-flag"), {"LOCALORGS_ADMIN_TOKEN": "from-env"}, "Bearer from-flag")]
        for args, env, expected in runs:
            with self.subTest(args=args, env=env):
                _Recorder.seen = []
                r = localorgs("clock", "advance", "2h", *args, env={"LOCALORGS_ENDPOINT": self.url, **env})
                self.assertEqual(r.returncode, 0, r)
                self.assertIn("2026-01-01T00:00:00Z", r.stdout)
                [(method, path, headers, body)] = _Recorder.seen
                self.assertEqual((method, path, json.loads(body)), ("POST", "/_localorgs/clock",
                                                                    {"AdvanceSeconds": 7200}))
                self.assertEqual(headers.get("Content-Type"), "application/json")
                self.assertEqual(headers.get("Authorization"), expected)

    def test_a_refused_token_is_one_line_and_exit_1(self):
        _Recorder.answer = (401, json.dumps({"Error": "Unauthorized",
                                             "Message": "A valid admin token is required"}).encode())
        r = localorgs("accounts", "list", "--endpoint", self.url, "--admin-token", "wrong")
        self.assertEqual(r.returncode, 1, r)
        self.assertEqual(r.stdout, "", r)
        self.assertEqual(r.stderr, "localorgs: Unauthorized: A valid admin token is required (HTTP 401)\n")


if __name__ == "__main__":
    harness.main()
