"""Crash safety (issue 6): what the server acknowledged survives SIGKILL, and nothing is half done.

Each test runs 32 concurrent clients that invite accounts into four organizations and have the
invitees accept with their own access keys, recording every acknowledged answer. It kills the
server with SIGKILL at seeded random moments over several rounds, restarts it on the same database
file, and checks after every restart:
- every acknowledged handshake is there with identical content (DescribeHandshake by both parties,
  ListHandshakesForOrganization, ListHandshakesForAccount), in its last acknowledged state, or in
  the next one when that transition was in flight as the server died;
- every acknowledged acceptance has its member (ListAccounts, DescribeAccount, DescribeOrganization
  by the member);
- nothing is half done: an ACCEPTED invitation always has its member, and every member but the
  management account has an ACCEPTED invitation. Checked through the API, and directly in a copy
  of the database files taken while the server lies dead (integrity_check, the counters triggers
  keep, one outbox message per invitation).
Both durability modes run: a process crash, unlike a power loss, must lose nothing in either.
LOCALORGS_CRASH_SEED replays a run; the seed is printed on stderr.
"""

import concurrent.futures
import http.client
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import ApiConnection, Server, new_account_id  # noqa: E402

SEED = int(os.environ.get("LOCALORGS_CRASH_SEED") or random.SystemRandom().randrange(2**32))
CLIENTS = 32
ORGANIZATIONS = 4
ROUNDS = 5
# Answers a round must have before the kill timer starts, so every kill lands under load even on a
# busy machine; the kill then comes at a random moment within MAX_KILL_DELAY seconds.
WARM_UP_ANSWERS = 40
MAX_KILL_DELAY = 0.4
HANG_GUARD = 60  # seconds; only a broken server or client ever gets near it

# What a client sees when the server dies under it.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


class Invitation:
    """One handshake as the clients learned it."""

    def __init__(self, org, target, invited):
        self.org = org
        self.target = target
        self.id = invited["Id"]
        self.invited = invited  # the InviteAccountToOrganization answer
        self.accepted = None  # the AcceptHandshake answer, or the state observed after a restart
        self.accept_in_doubt = False  # an AcceptHandshake was sent and not answered
        self.described = None  # the state in which the invitee's side was last checked


class Organization:
    def __init__(self, mgmt, org_id):
        self.mgmt = mgmt
        self.id = org_id


class Ledger:
    def __init__(self):
        self._lock = threading.Lock()
        self.invitations = []
        self.answers = 0  # acknowledged answers of the running round

    def add(self, invitation):
        with self._lock:
            self.invitations.append(invitation)
            self.answers += 1

    def count_answer(self):
        with self._lock:
            self.answers += 1

    def of(self, org):
        return [i for i in self.invitations if i.org is org]


def without_state(handshake):
    return {k: v for k, v in handshake.items() if k != "State"}


def account_party(handshake):
    ids = [p["Id"] for p in handshake["Parties"] if p["Type"] == "ACCOUNT"]
    assert len(ids) == 1, handshake
    return ids[0]


class CrashSafetyTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        print(f"\n{cls.__name__}: LOCALORGS_CRASH_SEED={SEED}", file=sys.stderr, flush=True)

    def test_durability_normal(self):
        self.crash_rounds("normal", random.Random(f"{SEED}-normal"))

    def test_durability_full(self):
        self.crash_rounds("full", random.Random(f"{SEED}-full"))

    # --- the rounds ----------------------------------------------------------------------------

    def crash_rounds(self, durability, rng):
        server = Server(args=["--durability", durability])
        self.addCleanup(server.close)
        server.start()
        orgs = [self.make_org(server) for _ in range(ORGANIZATIONS)]
        ledger = Ledger()
        stats = []
        for round_no in range(ROUNDS):
            backlog = [i for i in ledger.invitations if i.accepted is None]
            rng.shuffle(backlog)
            answers = self.run_until_killed(server, orgs, ledger, backlog, rng)
            self.check_database_copy(server, orgs, ledger)
            server.start()
            resolved = self.check_through_api(server, orgs, ledger, describe_all=False)
            stats.append(f"{answers} answers, {resolved} in doubt")
        self.check_through_api(server, orgs, ledger, describe_all=True)
        server.stop_cleanly()
        self.check_database(server.db, orgs, ledger)

        accepted = sum(1 for i in ledger.invitations if i.accepted is not None)
        print(f"  --durability {durability}: {len(ledger.invitations)} invitations, {accepted} accepted;"
              f" rounds: {'; '.join(stats)}", file=sys.stderr, flush=True)
        # The test did real work: acceptances on both sides of kills.
        self.assertGreater(accepted, ROUNDS * 10)

    def make_org(self, server):
        mgmt = new_account_id(4)
        conn = ApiConnection(server)
        try:
            status, body = conn.call("CreateOrganization", {}, mgmt)
        finally:
            conn.close()
        self.assertEqual(status, 200, body)
        org = Organization(mgmt, body["Organization"]["Id"])
        res = server.control("PUT", f"/_localorgs/organizations/{org.id}/quotas",
                             {"MaxAccounts": 1_000_000, "InvitationsPerDay": 1_000_000})
        self.assertEqual(res.status, 200, res)
        return org

    def run_until_killed(self, server, orgs, ledger, backlog, rng):
        """Runs the clients, kills the server with SIGKILL at a random moment, waits for the clients."""
        killed = threading.Event()
        failures = []
        backlog_lock = threading.Lock()
        ledger.answers = 0

        def next_from_backlog():
            with backlog_lock:
                return backlog.pop() if backlog else None

        def client(org):
            conn = ApiConnection(server)
            try:
                while True:
                    invitation = next_from_backlog()
                    if invitation is None:
                        target = new_account_id(5)
                        try:
                            status, body = conn.call("InviteAccountToOrganization",
                                                     {"Target": {"Id": target, "Type": "ACCOUNT"},
                                                      "Notes": f"welcome {target}"}, org.mgmt)
                        except CONNECTION_ERRORS as e:
                            if not killed.is_set():
                                failures.append(f"invitation failed while the server was up: {e!r}")
                            return
                        if status != 200:
                            failures.append(f"invitation of {target}: {status} {body}")
                            return
                        invitation = Invitation(org, target, body["Handshake"])
                        ledger.add(invitation)
                    invitation.accept_in_doubt = True
                    try:
                        status, body = conn.call("AcceptHandshake", {"HandshakeId": invitation.id},
                                                 invitation.target)
                    except CONNECTION_ERRORS as e:
                        if not killed.is_set():
                            failures.append(f"acceptance failed while the server was up: {e!r}")
                        return
                    if status != 200:
                        failures.append(f"acceptance of {invitation.id}: {status} {body}")
                        return
                    invitation.accepted = body["Handshake"]
                    invitation.accept_in_doubt = False
                    ledger.count_answer()
            finally:
                conn.close()

        threads = [threading.Thread(target=client, args=(orgs[n % len(orgs)],), daemon=True)
                   for n in range(CLIENTS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + HANG_GUARD
        while ledger.answers < WARM_UP_ANSWERS and not failures and time.monotonic() < deadline:
            time.sleep(0.01)
        if not failures:
            time.sleep(rng.uniform(0, MAX_KILL_DELAY))
        killed.set()
        rc = server.stop(signal.SIGKILL)
        for t in threads:
            t.join(HANG_GUARD)
            self.assertFalse(t.is_alive(), "a client hung after the server was killed")
        self.assertEqual(failures, [])
        self.assertEqual(rc, -signal.SIGKILL, server.stderr())
        self.assertGreaterEqual(ledger.answers, WARM_UP_ANSWERS)
        return ledger.answers

    # --- checks through the API ----------------------------------------------------------------

    def check_through_api(self, server, orgs, ledger, describe_all):
        """Checks everything listed; returns how many acceptances in doubt it resolved."""
        local = threading.local()

        def call(operation, body, account):
            if not hasattr(local, "conn"):
                local.conn = ApiConnection(server)
                connections.append(local.conn)
            status, answer = local.conn.call(operation, body, account)
            self.assertEqual(status, 200, f"{operation} {body} as {account}: {answer}")
            return answer

        def list_all(operation, key, account, body=None):
            out, token = [], None
            while True:
                page = call(operation, {**(body or {}), **({"NextToken": token} if token else {})}, account)
                out += page[key]
                token = page.get("NextToken")
                if not token:
                    return out

        connections = []
        resolved = 0
        to_describe = []
        try:
            for org in orgs:
                listed = list_all("ListHandshakesForOrganization", "Handshakes", org.mgmt)
                handshakes = {h["Id"]: h for h in listed}
                self.assertEqual(len(handshakes), len(listed), "a handshake listed twice")
                members = {a["Id"] for a in list_all("ListAccounts", "Accounts", org.mgmt)}
                self.assertIn(org.mgmt, members)

                for invitation in ledger.of(org):
                    h = handshakes.get(invitation.id)
                    self.assertIsNotNone(h, f"acknowledged handshake {invitation.id} is gone")
                    self.check_handshake(invitation, h)
                    if invitation.accept_in_doubt:
                        resolved += 1
                        invitation.accept_in_doubt = False
                        if h["State"] == "ACCEPTED":
                            invitation.accepted = h
                    if describe_all or invitation.described != h["State"]:
                        to_describe.append((org, invitation, h))

                # Nothing half done: an accepted invitation has its member, an open one has not, and
                # nobody is a member without an accepted invitation.
                accepted = set()
                for h in listed:
                    target = account_party(h)
                    if h["State"] == "ACCEPTED":
                        self.assertIn(target, members, h)
                        accepted.add(target)
                    else:
                        self.assertEqual(h["State"], "OPEN", h)
                        self.assertNotIn(target, members, h)
                self.assertEqual(members - {org.mgmt}, accepted)

            def describe(item):
                org, invitation, h = item
                self.assertEqual(call("DescribeHandshake", {"HandshakeId": h["Id"]}, org.mgmt)["Handshake"], h)
                if invitation.described == h["State"]:
                    return  # the invitee's side of this state was seen after an earlier restart
                self.assertEqual(call("DescribeHandshake", {"HandshakeId": h["Id"]}, invitation.target)["Handshake"],
                                 h)
                received = call("ListHandshakesForAccount", {}, invitation.target)["Handshakes"]
                self.assertEqual(received, [h])
                if h["State"] == "ACCEPTED":
                    member = call("DescribeAccount", {"AccountId": invitation.target}, org.mgmt)["Account"]
                    self.assertEqual((member["Id"], member["Status"], member["JoinedMethod"]),
                                     (invitation.target, "ACTIVE", "INVITED"), member)
                    self.assertGreaterEqual(member["JoinedTimestamp"], h["RequestedTimestamp"])
                    self.assertEqual(call("DescribeOrganization", {}, invitation.target)["Organization"]["Id"],
                                     org.id)
                invitation.described = h["State"]

            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                for f in [pool.submit(describe, item) for item in to_describe]:
                    f.result(HANG_GUARD)
        finally:
            for conn in connections:
                conn.close()
        return resolved

    def check_handshake(self, invitation, h):
        if invitation.accepted is not None:
            self.assertEqual(h, invitation.accepted, "an acknowledged acceptance changed or was lost")
            return
        self.assertEqual(without_state(h), without_state(invitation.invited),
                         "an acknowledged invitation changed")
        states = ("OPEN", "ACCEPTED") if invitation.accept_in_doubt else ("OPEN",)
        self.assertIn(h["State"], states, h)

    # --- checks in the database file ----------------------------------------------------------

    def check_database_copy(self, server, orgs, ledger):
        """Checks a copy of the dead server's files, so the server still recovers the originals."""
        with tempfile.TemporaryDirectory(prefix="localorgs-crash-copy-") as d:
            copy = os.path.join(d, "copy.db")
            for suffix in ("", "-wal"):
                if os.path.exists(server.db + suffix):
                    shutil.copyfile(server.db + suffix, copy + suffix)
            self.check_database(copy, orgs, ledger)

    def check_database(self, path, orgs, ledger):
        con = sqlite3.connect(path, timeout=5)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
            for org in orgs:
                mgmt, member_count, open_count = con.execute(
                    "SELECT management_account_id, member_count, open_invitations FROM organizations WHERE id = ?",
                    (org.id,)).fetchone()
                self.assertEqual(mgmt, org.mgmt)
                members = {r[0] for r in con.execute("SELECT id FROM accounts WHERE organization_id = ?", (org.id,))}
                self.assertIn(org.mgmt, members)
                self.assertEqual(member_count, len(members), "member counter out of step")
                rows = {r[0]: r[1:] for r in con.execute(
                    "SELECT id, state, recipient_account_id, requested_ms, expiration_ms FROM handshakes"
                    " WHERE organization_id = ? AND action = 'INVITE'", (org.id,))}
                accepted = {r[1] for r in rows.values() if r[0] == "ACCEPTED"}
                self.assertEqual(members - {org.mgmt}, accepted, "a member without its accepted invitation")
                self.assertEqual({r[0] for r in rows.values()} - {"OPEN", "ACCEPTED"}, set())
                self.assertEqual(open_count, sum(1 for r in rows.values() if r[0] == "OPEN"),
                                 "open-invitation counter out of step")
                sent = con.execute("SELECT COALESCE(SUM(sent), 0) FROM invite_minutes WHERE organization_id = ?",
                                   (org.id,)).fetchone()[0]
                self.assertEqual(sent, len(rows), "invitations-per-minute counter out of step")
                unmailed = con.execute(
                    "SELECT COUNT(*) FROM handshakes h WHERE organization_id = ? AND action = 'INVITE'"
                    " AND (SELECT COUNT(*) FROM outbox o WHERE o.handshake_id = h.id) <> 1", (org.id,)).fetchone()[0]
                self.assertEqual(unmailed, 0, "an invitation without exactly one email")

                for invitation in ledger.of(org):
                    row = rows.get(invitation.id)
                    self.assertIsNotNone(row, f"acknowledged handshake {invitation.id} is not in the file")
                    state, recipient, requested_ms, expiration_ms = row
                    self.assertEqual(recipient, invitation.target)
                    self.assertEqual(requested_ms, round(invitation.invited["RequestedTimestamp"] * 1000))
                    self.assertEqual(expiration_ms, round(invitation.invited["ExpirationTimestamp"] * 1000))
                    if invitation.accepted is not None:
                        self.assertEqual(state, "ACCEPTED", invitation.id)
                    elif not invitation.accept_in_doubt:
                        self.assertEqual(state, "OPEN", invitation.id)
        finally:
            con.close()


if __name__ == "__main__":
    harness.main()
