"""Concurrent calls that race for the same rule, and a server killed without warning.

Every API call runs as one transaction on the one database thread, so racing calls are
decided one after the other: exactly one of them wins. An answered write is committed, so it
survives SIGKILL in both durability modes.
"""

import concurrent.futures
import os
import signal
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

from harness import Server, ServerTestCase, make_client, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError
WORKERS = 8


def race(calls):
    """Starts every call at once (a barrier) and returns ("ok", result) or ("error", code) per call."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return "ok", call()
        except ClientError as e:
            return "error", e.response["Error"]["Code"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [f.result() for f in [pool.submit(run, c) for c in calls]]


class RaceTest(ServerTestCase):
    def clients(self, account, n):
        # One client per thread: calls really arrive together, on separate connections.
        return [make_client(self.server.url, account) for _ in range(n)]

    def new_org(self):
        mgmt = new_account_id(5)
        self.client(mgmt).create_organization()
        return mgmt

    def test_the_same_invitation_sent_at_once_opens_one_handshake(self):
        mgmt, invitee = self.new_org(), new_account_id(5)
        results = race([lambda c=c: c.invite_account_to_organization(Target={"Id": invitee, "Type": "ACCOUNT"})
                        for c in self.clients(mgmt, WORKERS)])
        ok = [r for kind, r in results if kind == "ok"]
        self.assertEqual(len(ok), 1, results)
        self.assertEqual(sorted(r for kind, r in results if kind == "error"),
                         ["DuplicateHandshakeException"] * (WORKERS - 1), results)
        listed = self.client(mgmt).list_handshakes_for_organization()["Handshakes"]
        self.assertEqual([h["Id"] for h in listed], [ok[0]["Handshake"]["Id"]])
        mail = self.server.control("GET", "/_localorgs/outbox").json["Messages"]
        self.assertEqual([m["HandshakeId"] for m in mail if m["HandshakeId"] == ok[0]["Handshake"]["Id"]],
                         [ok[0]["Handshake"]["Id"]])

    def test_accept_and_cancel_at_once_one_wins(self):
        mgmt = self.new_org()
        for round_ in range(4):
            invitee = new_account_id(5)
            h = self.client(mgmt).invite_account_to_organization(
                Target={"Id": invitee, "Type": "ACCOUNT"})["Handshake"]["Id"]
            accepter = make_client(self.server.url, invitee)
            canceler = make_client(self.server.url, mgmt)
            results = race([lambda: accepter.accept_handshake(HandshakeId=h)["Handshake"]["State"],
                            lambda: canceler.cancel_handshake(HandshakeId=h)["Handshake"]["State"]])
            with self.subTest(round=round_, results=results):
                winners = [r for kind, r in results if kind == "ok"]
                self.assertEqual(len(winners), 1, results)
                loser = [r for kind, r in results if kind == "error"][0]
                self.assertIn(loser, ("InvalidHandshakeTransitionException", "HandshakeAlreadyInStateException"))
                final = self.client(mgmt).describe_handshake(HandshakeId=h)["Handshake"]["State"]
                self.assertEqual(final, winners[0])
                joined = self.server.control("GET", f"/_localorgs/accounts/{invitee}").json["OrganizationId"]
                self.assertEqual(joined is not None, final == "ACCEPTED")

    def test_invitations_racing_for_the_last_places_respect_the_quota(self):
        mgmt = self.new_org()
        org = self.client(mgmt).describe_organization()["Organization"]["Id"]
        self.assertEqual(self.server.control("PUT", f"/_localorgs/organizations/{org}/quotas",
                                             {"MaxAccounts": 3}).status, 200)
        targets = [new_account_id(5) for _ in range(WORKERS)]
        results = race([lambda c=c, t=t: c.invite_account_to_organization(Target={"Id": t, "Type": "ACCOUNT"})
                        for c, t in zip(self.clients(mgmt, WORKERS), targets)])
        # The management account and two open invitations fill the three places.
        self.assertEqual(sum(kind == "ok" for kind, _ in results), 2, results)
        self.assertEqual([r for kind, r in results if kind == "error"],
                         ["HandshakeConstraintViolationException"] * (WORKERS - 2), results)
        self.assertEqual(len(self.client(mgmt).list_handshakes_for_organization()["Handshakes"]), 2)


class CrashTest(unittest.TestCase):
    def killed_and_restarted(self, durability):
        server = Server(args=["--durability", durability])
        self.addCleanup(server.close)
        server.start()
        mgmt, invitee = new_account_id(5), new_account_id(5)
        org = server.client(mgmt).create_organization()["Organization"]
        h = server.client(mgmt).invite_account_to_organization(Target={"Id": invitee, "Type": "ACCOUNT"})["Handshake"]
        server.client(mgmt).tag_resource(ResourceId=mgmt, Tags=[{"Key": "k", "Value": "v"}])
        # No warning, no shutdown, no checkpoint: whatever was answered must be on disk.
        self.assertEqual(server.stop(signal.SIGKILL), -signal.SIGKILL)
        server.start()
        self.assertEqual(server.client(mgmt).describe_organization()["Organization"], org)
        self.assertEqual(server.client(invitee).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "OPEN")
        self.assertEqual(server.client(mgmt).list_tags_for_resource(ResourceId=mgmt)["Tags"],
                         [{"Key": "k", "Value": "v"}])
        # And the database is usable: the invitation is accepted after the crash.
        server.client(invitee).accept_handshake(HandshakeId=h["Id"])
        self.assertEqual(server.client(invitee).describe_organization()["Organization"]["Id"], org["Id"])
        server.stop_cleanly()

    def test_answered_writes_survive_sigkill_with_durability_normal(self):
        self.killed_and_restarted("normal")

    def test_answered_writes_survive_sigkill_with_durability_full(self):
        self.killed_and_restarted("full")


if __name__ == "__main__":
    unittest.main()
