"""Races (issue 6): concurrent calls that contend for one handshake or one quota.

Every race sends its calls at once, each on a connection of its own opened beforehand, released
together by a barrier; the server must serialise them as if they had come one by one: exactly one
winner where one is possible, the AWS error for each loser, a final state that agrees with the
winner, and counters (the ones the database keeps by trigger) that agree with the rows.
"""

import os
import random
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import ApiConnection, ServerTestCase, new_account_id  # noqa: E402

SEED = int(os.environ.get("LOCALORGS_RACE_SEED") or random.SystemRandom().randrange(2**32))
HANG_GUARD = 60  # seconds; only a broken server ever gets near it


def error_of(result):
    """(__type, Reason) of an error answer, (200, None) for a success."""
    status, body = result
    if status == 200:
        return 200, None
    assert status == 400, result
    return body["__type"], body.get("Reason")


class RaceTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rng = random.Random(SEED)
        cls.orgs = []  # (management account, organization id) of every organization made here
        print(f"\n{cls.__name__}: LOCALORGS_RACE_SEED={SEED}", file=sys.stderr, flush=True)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()  # stops the server cleanly
        # The counters the triggers keep agree with the rows, whatever the races did.
        con = sqlite3.connect(cls.server.db, timeout=5)
        try:
            for mgmt, org_id in cls.orgs:
                member_count, open_invitations = con.execute(
                    "SELECT member_count, open_invitations FROM organizations WHERE id = ?", (org_id,)).fetchone()
                members = con.execute("SELECT COUNT(*) FROM accounts WHERE organization_id = ?",
                                      (org_id,)).fetchone()[0]
                open_rows = con.execute("SELECT COUNT(*) FROM handshakes WHERE organization_id = ?"
                                        " AND action = 'INVITE' AND state = 'OPEN'", (org_id,)).fetchone()[0]
                if (member_count, open_invitations) != (members, open_rows):
                    raise AssertionError(f"{org_id}: counters {member_count} members, {open_invitations} open;"
                                         f" rows {members} members, {open_rows} open")
        finally:
            con.close()

    # --- helpers -------------------------------------------------------------------------------

    def setUp(self):
        self.conn = ApiConnection(self.server)
        self.addCleanup(self.conn.close)

    def call(self, operation, body, account):
        return self.conn.call(operation, body, account)

    def ok(self, operation, body, account):
        status, answer = self.call(operation, body, account)
        self.assertEqual(status, 200, answer)
        return answer

    def make_org(self, **quotas):
        mgmt = new_account_id(6)
        org_id = self.ok("CreateOrganization", {}, mgmt)["Organization"]["Id"]
        type(self).orgs.append((mgmt, org_id))
        if quotas:
            self.set_quotas(org_id, **quotas)
        return mgmt, org_id

    def set_quotas(self, org_id, **quotas):
        res = self.server.control("PUT", f"/_localorgs/organizations/{org_id}/quotas", quotas)
        self.assertEqual(res.status, 200, res)

    def invite(self, mgmt, target, target_type="ACCOUNT"):
        return self.ok("InviteAccountToOrganization", {"Target": {"Id": target, "Type": target_type}},
                       mgmt)["Handshake"]

    def list_all(self, operation, key, account):
        out, token = [], None
        while True:
            page = self.ok(operation, {"NextToken": token} if token else {}, account)
            out += page[key]
            token = page.get("NextToken")
            if not token:
                return out

    def race(self, calls):
        return harness.race(self, self.server, calls, HANG_GUARD)

    # --- identical invitations -----------------------------------------------------------------

    def check_single_invitation(self, mgmt, org_id, target, results):
        outcomes = [error_of(r) for r in results]
        self.assertEqual(outcomes.count((200, None)), 1, outcomes)
        self.assertEqual(outcomes.count(("DuplicateHandshakeException", None)), len(results) - 1, outcomes)
        winner = next(body["Handshake"] for status, body in results if status == 200)
        listed = self.list_all("ListHandshakesForOrganization", "Handshakes", mgmt)
        self.assertEqual([h for h in listed if h["Id"] == winner["Id"]], [winner])
        self.assertEqual(self.list_all("ListHandshakesForAccount", "Handshakes", target), [winner])
        email = self.server.control("GET", f"/_localorgs/accounts/{target}").json["Email"]
        mail = self.server.control("GET", f"/_localorgs/outbox?to={email}").json["Messages"]
        self.assertEqual([m["HandshakeId"] for m in mail], [winner["Id"]])
        return winner

    def test_64_identical_invitations_make_one_handshake(self):
        mgmt, org_id = self.make_org(MaxAccounts=100)
        for _ in range(2):
            target = new_account_id(7)
            call = ("InviteAccountToOrganization", {"Target": {"Id": target, "Type": "ACCOUNT"}}, mgmt)
            self.check_single_invitation(mgmt, org_id, target, self.race([call] * 64))

        # Naming the invitee by account id or by email address is the same invitation.
        target = new_account_id(7)
        email = f"racer-{target}@example.com"
        res = self.server.control("PUT", f"/_localorgs/accounts/{target}", {"Email": email})
        self.assertEqual(res.status, 200, res)
        calls = [("InviteAccountToOrganization", {"Target": {"Id": target, "Type": "ACCOUNT"}}, mgmt),
                 ("InviteAccountToOrganization", {"Target": {"Id": email.upper(), "Type": "EMAIL"}}, mgmt)] * 32
        self.check_single_invitation(mgmt, org_id, target, self.race(calls))
        self.assertEqual(len(self.list_all("ListHandshakesForOrganization", "Handshakes", mgmt)), 3)

        # The 189 refusals left no trace in the quota: 1 member + 3 open invitations of 5 leaves one.
        self.set_quotas(org_id, MaxAccounts=5)
        self.invite(mgmt, new_account_id(7))
        status, body = self.call("InviteAccountToOrganization",
                                 {"Target": {"Id": new_account_id(7), "Type": "ACCOUNT"}}, mgmt)
        self.assertEqual(error_of((status, body)),
                         ("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED"), body)

    # --- one handshake, several moves -----------------------------------------------------------

    def test_accept_and_cancel_race_has_one_winner(self):
        mgmt, org_id = self.make_org(MaxAccounts=200)
        targets = [new_account_id(7) for _ in range(50)]
        handshakes = [self.invite(mgmt, t) for t in targets]
        calls, moves = [], []
        for h, target in zip(handshakes, targets):
            pair = [("AcceptHandshake", target), ("CancelHandshake", mgmt)]
            self.rng.shuffle(pair)  # either may be sent first
            for operation, account in pair:
                calls.append((operation, {"HandshakeId": h["Id"]}, account))
                moves.append((h["Id"], operation))
        results = dict(zip(moves, self.race(calls)))

        members = {a["Id"] for a in self.list_all("ListAccounts", "Accounts", mgmt)}
        won = {"AcceptHandshake": 0, "CancelHandshake": 0}
        for h, target in zip(handshakes, targets):
            with self.subTest(handshake=h["Id"]):
                accept = results[(h["Id"], "AcceptHandshake")]
                cancel = results[(h["Id"], "CancelHandshake")]
                outcomes = sorted([error_of(accept), error_of(cancel)], key=lambda o: o[0] != 200)
                self.assertEqual(outcomes, [(200, None), ("InvalidHandshakeTransitionException", None)],
                                 (accept, cancel))
                winner = accept if accept[0] == 200 else cancel
                won["AcceptHandshake" if winner is accept else "CancelHandshake"] += 1
                final = self.ok("DescribeHandshake", {"HandshakeId": h["Id"]}, mgmt)["Handshake"]
                self.assertEqual(final, winner[1]["Handshake"])
                self.assertEqual(final["State"], "ACCEPTED" if winner is accept else "CANCELED")
                self.assertEqual(target in members, winner is accept)
        self.assertEqual(sum(won.values()), 50)
        print(f"  accept/cancel: {won}", file=sys.stderr, flush=True)

    def test_every_move_at_once_on_one_handshake(self):
        mgmt, org_id = self.make_org(MaxAccounts=200)
        targets = [new_account_id(7) for _ in range(20)]
        handshakes = [self.invite(mgmt, t) for t in targets]
        calls, moves = [], []
        for h, target in zip(handshakes, targets):
            group = [("AcceptHandshake", target), ("AcceptHandshake", target), ("DeclineHandshake", target),
                     ("CancelHandshake", mgmt)]
            self.rng.shuffle(group)
            for operation, account in group:
                calls.append((operation, {"HandshakeId": h["Id"]}, account))
                moves.append((h["Id"], operation))
        results = list(zip(moves, self.race(calls)))

        members = {a["Id"] for a in self.list_all("ListAccounts", "Accounts", mgmt)}
        states = {"AcceptHandshake": "ACCEPTED", "DeclineHandshake": "DECLINED", "CancelHandshake": "CANCELED"}
        for h, target in zip(handshakes, targets):
            with self.subTest(handshake=h["Id"]):
                mine = [(op, r) for (hid, op), r in results if hid == h["Id"]]
                winners = [(op, r) for op, r in mine if r[0] == 200]
                self.assertEqual(len(winners), 1, mine)
                op, (_, body) = winners[0]
                final = self.ok("DescribeHandshake", {"HandshakeId": h["Id"]}, target)["Handshake"]
                self.assertEqual(final, body["Handshake"])
                self.assertEqual(final["State"], states[op])
                # The same move again is "already in that state"; any other is a wrong transition.
                for other, r in mine:
                    if r[0] == 200:
                        continue
                    expected = ("HandshakeAlreadyInStateException" if other == op
                                else "InvalidHandshakeTransitionException")
                    self.assertEqual(error_of(r), (expected, None), (other, r))
                self.assertEqual(target in members, op == "AcceptHandshake")

    # --- quotas ------------------------------------------------------------------------------

    def test_invitations_at_the_account_quota(self):
        mgmt, org_id = self.make_org(MaxAccounts=10)
        calls = [("InviteAccountToOrganization", {"Target": {"Id": new_account_id(7), "Type": "ACCOUNT"}}, mgmt)
                 for _ in range(64)]
        outcomes = [error_of(r) for r in self.race(calls)]
        # The management account is one of the 10.
        self.assertEqual(outcomes.count((200, None)), 9, outcomes)
        self.assertEqual(outcomes.count(("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")),
                         55, outcomes)
        handshakes = self.list_all("ListHandshakesForOrganization", "Handshakes", mgmt)
        self.assertEqual([h["State"] for h in handshakes], ["OPEN"] * 9)

        # Acceptance checks the quota again: with room for 4 more members, 4 of 9 get in.
        self.set_quotas(org_id, MaxAccounts=5)
        calls = [("AcceptHandshake", {"HandshakeId": h["Id"]}, h["Parties"][1]["Id"]) for h in handshakes]
        outcomes = [error_of(r) for r in self.race(calls)]
        self.assertEqual(outcomes.count((200, None)), 4, outcomes)
        self.assertEqual(outcomes.count(("HandshakeConstraintViolationException", "ACCOUNT_NUMBER_LIMIT_EXCEEDED")),
                         5, outcomes)
        members = {a["Id"] for a in self.list_all("ListAccounts", "Accounts", mgmt)}
        self.assertEqual(len(members), 5)
        states = {h["Parties"][1]["Id"]: h["State"]
                  for h in self.list_all("ListHandshakesForOrganization", "Handshakes", mgmt)}
        self.assertEqual({t for t, s in states.items() if s == "ACCEPTED"}, members - {mgmt})
        self.assertEqual(sorted(states.values()), ["ACCEPTED"] * 4 + ["OPEN"] * 5)

    def test_invitations_at_the_daily_invitation_quota(self):
        mgmt, org_id = self.make_org(MaxAccounts=1000, InvitationsPerDay=7)
        calls = [("InviteAccountToOrganization", {"Target": {"Id": new_account_id(7), "Type": "ACCOUNT"}}, mgmt)
                 for _ in range(64)]
        outcomes = [error_of(r) for r in self.race(calls)]
        self.assertEqual(outcomes.count((200, None)), 7, outcomes)
        self.assertEqual(outcomes.count(("HandshakeConstraintViolationException", "HANDSHAKE_RATE_LIMIT_EXCEEDED")),
                         57, outcomes)
        self.assertEqual(len(self.list_all("ListHandshakesForOrganization", "Handshakes", mgmt)), 7)


if __name__ == "__main__":
    harness.main()
