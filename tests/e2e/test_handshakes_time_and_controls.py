"""Time and test controls around invitations (issue 3 items 5, 7, 8 and the restart of item 9).

Expiry after 15 days and disappearance 30 days after closing, moved by `/_localorgs/clock`; the
outbox of what AWS would email; injected faults (one retried by the real AWS CLI); the quota
routes; and a restart in the middle of a lifecycle. Every test has a server of its own, because
the clock, the outbox and the faults are server-wide.
"""

import datetime
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import HTTP_TIMEOUT, REGIONS, Server, fast_client, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError

DAY = 24 * 3600
HCVE = "HandshakeConstraintViolationException"


class ControlsCase(unittest.TestCase):
    """A server for each test."""

    server_config = None

    def setUp(self):
        self.server = Server(config=self.server_config)
        self.addCleanup(self.server.close)
        self.server.start()

    def tearDown(self):
        if self.server.proc is not None:
            self.server.stop_cleanly()

    # --- helpers ------------------------------------------------------------------------------

    def client(self, account, **kw):
        return fast_client(self.server, account, **kw)

    def control_ok(self, method, path, body=None):
        res = self.server.control(method, path, body)
        self.assertEqual(res.status, 200, res)
        return res.json

    def account(self, **fields):
        account = new_account_id(9)
        fields.setdefault("Email", f"user-{account}@example.com")
        self.control_ok("PUT", f"/_localorgs/accounts/{account}", fields)
        return account

    def email(self, account):
        return self.control_ok("GET", f"/_localorgs/accounts/{account}")["Email"]

    def organization_of(self, account):
        return self.control_ok("GET", f"/_localorgs/accounts/{account}")["OrganizationId"]

    def make_org(self, **fields):
        mgmt = self.account(**fields)
        return mgmt, self.client(mgmt).create_organization()["Organization"]["Id"]

    def invite(self, mgmt, target, target_type="ACCOUNT", **kw):
        return self.client(mgmt).invite_account_to_organization(
            Target={"Id": target, "Type": target_type}, **kw)["Handshake"]

    def now(self):
        return self.control_ok("GET", "/_localorgs/clock")["Now"]

    def set_now(self, epoch):
        out = self.control_ok("POST", "/_localorgs/clock", {"Now": epoch})
        self.assertAlmostEqual(out["Now"], epoch, delta=2)
        return out

    def advance(self, seconds):
        return self.control_ok("POST", "/_localorgs/clock", {"AdvanceSeconds": seconds})

    def sent(self, mgmt):
        pages = self.client(mgmt).get_paginator("list_handshakes_for_organization").paginate()
        return {h["Id"]: h["State"] for page in pages for h in page["Handshakes"]}

    def received(self, account):
        pages = self.client(account).get_paginator("list_handshakes_for_account").paginate()
        return {h["Id"]: h["State"] for page in pages for h in page["Handshakes"]}

    def outbox(self, to=None):
        path = "/_localorgs/outbox" + (f"?to={urllib.parse.quote(to)}" if to is not None else "")
        return self.control_ok("GET", path)["Messages"]

    def assertRefused(self, call, code, reason=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        resp = ctx.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400, resp)
        self.assertEqual(resp.get("Reason"), reason, resp)
        return resp

    def assertState(self, handshake_id, state, *parties):
        for party in parties:
            with self.subTest(party=party, state=state):
                got = self.client(party).describe_handshake(HandshakeId=handshake_id)["Handshake"]
                self.assertEqual(got["State"], state)

    def assertGone(self, handshake_id, mgmt, invitee):
        for party in (mgmt, invitee):
            with self.subTest(party=party, gone=handshake_id):
                self.assertRefused(lambda: self.client(party).describe_handshake(HandshakeId=handshake_id),
                                   "HandshakeNotFoundException")
        self.assertNotIn(handshake_id, self.sent(mgmt))
        self.assertNotIn(handshake_id, self.received(invitee))
        for op in ("accept_handshake", "decline_handshake"):
            self.assertRefused(lambda: getattr(self.client(invitee), op)(HandshakeId=handshake_id),
                               "HandshakeNotFoundException")
        self.assertRefused(lambda: self.client(mgmt).cancel_handshake(HandshakeId=handshake_id),
                           "HandshakeNotFoundException")


class ExpiryTest(ControlsCase):

    def test_open_invitations_expire_after_15_days_and_free_their_place(self):
        mgmt, org_id = self.make_org()
        by_account, by_email = self.account(), self.account()
        others = [self.account() for _ in range(7)]
        h_account = self.invite(mgmt, by_account)
        h_email = self.invite(mgmt, self.email(by_email), "EMAIL")
        for a in others:
            self.invite(mgmt, a)  # management + 9 OPEN invitations: the quota of 10 is reached
        self.assertRefused(lambda: self.invite(mgmt, self.account()), HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")

        expiration = h_account["ExpirationTimestamp"].timestamp()
        self.assertEqual(round((expiration - h_account["RequestedTimestamp"].timestamp()) * 1000), 15 * DAY * 1000)
        # A few seconds before expiry: still OPEN, still counted.
        self.set_now(expiration - 5)
        self.assertState(h_account["Id"], "OPEN", mgmt, by_account)
        self.assertRefused(lambda: self.invite(mgmt, self.account()), HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        # At expiry: EXPIRED for both parties, in describe and in both lists.
        clock = self.advance(10)
        self.assertGreater(clock["OffsetSeconds"], 15 * DAY - 60)
        self.assertState(h_account["Id"], "EXPIRED", mgmt, by_account)
        self.assertState(h_email["Id"], "EXPIRED", mgmt, by_email)
        self.assertEqual(set(self.sent(mgmt).values()), {"EXPIRED"})
        self.assertEqual(len(self.sent(mgmt)), 9)
        self.assertEqual(self.received(by_account), {h_account["Id"]: "EXPIRED"})
        self.assertEqual(self.received(by_email), {h_email["Id"]: "EXPIRED"})
        # No move out of EXPIRED.
        for who, op in ((by_account, "accept_handshake"), (by_account, "decline_handshake"),
                        (mgmt, "cancel_handshake")):
            with self.subTest(op=op):
                self.assertRefused(lambda: getattr(self.client(who), op)(HandshakeId=h_account["Id"]),
                                   "InvalidHandshakeTransitionException")
        self.assertRefused(lambda: self.client(by_email).accept_handshake(HandshakeId=h_email["Id"]),
                           "InvalidHandshakeTransitionException")
        self.assertIsNone(self.organization_of(by_account))
        # The places are free again, and the same accounts may be invited again (no duplicate).
        again = self.invite(mgmt, by_account)
        self.invite(mgmt, self.email(by_email), "EMAIL")
        for _ in range(7):
            self.invite(mgmt, self.account())
        self.assertRefused(lambda: self.invite(mgmt, self.account()), HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        self.client(by_account).accept_handshake(HandshakeId=again["Id"])
        self.assertEqual(self.organization_of(by_account), org_id)

    def test_closed_handshakes_disappear_30_days_after_closing(self):
        mgmt, _ = self.make_org()
        declined, canceled, accepted, expired = (self.account() for _ in range(4))
        h_declined = self.invite(mgmt, declined)
        h_canceled = self.invite(mgmt, self.email(canceled), "EMAIL")
        h_accepted = self.invite(mgmt, accepted)
        h_expired = self.invite(mgmt, expired)
        before_close = self.now()
        self.client(declined).decline_handshake(HandshakeId=h_declined["Id"])
        self.client(mgmt).cancel_handshake(HandshakeId=h_canceled["Id"])
        self.client(accepted).accept_handshake(HandshakeId=h_accepted["Id"])
        after_close = self.now()
        closed = [(h_declined, declined, "DECLINED"), (h_canceled, canceled, "CANCELED"),
                  (h_accepted, accepted, "ACCEPTED")]

        # The unanswered one expires after 15 days; nothing has disappeared yet.
        self.advance(15 * DAY + 10)
        self.assertState(h_expired["Id"], "EXPIRED", mgmt, expired)
        self.assertEqual(len(self.sent(mgmt)), 4)

        # Just before 30 days after closing, the closed ones are all still there.
        self.set_now(before_close + 30 * DAY - 60)
        for h, invitee, state in closed:
            self.assertState(h["Id"], state, mgmt, invitee)
            self.assertEqual(self.received(invitee), {h["Id"]: state})
        self.assertEqual(len(self.sent(mgmt)), 4)

        # Just after, they are gone everywhere; the expired one closed later and stays.
        self.set_now(after_close + 30 * DAY + 60)
        for h, invitee, _ in closed:
            self.assertGone(h["Id"], mgmt, invitee)
        self.assertEqual(self.sent(mgmt), {h_expired["Id"]: "EXPIRED"})
        self.assertState(h_expired["Id"], "EXPIRED", mgmt, expired)
        # Membership is not a handshake: the account that accepted is still a member.
        self.assertIn(accepted, [a["Id"] for a in self.client(mgmt).list_accounts()["Accounts"]])

        # The expired one disappears 30 days after its expiry.
        expiration = h_expired["ExpirationTimestamp"].timestamp()
        self.set_now(expiration + 30 * DAY - 60)
        self.assertState(h_expired["Id"], "EXPIRED", mgmt, expired)
        self.set_now(expiration + 30 * DAY + 60)
        self.assertGone(h_expired["Id"], mgmt, expired)
        self.assertEqual(self.sent(mgmt), {})

    def test_clock_routes(self):
        start = self.control_ok("GET", "/_localorgs/clock")
        self.assertEqual(start["OffsetSeconds"], 0)
        self.assertAlmostEqual(start["Now"], datetime.datetime.now(datetime.timezone.utc).timestamp(), delta=5)
        moved = self.advance(DAY)
        self.assertEqual(moved["OffsetSeconds"], DAY)
        self.assertAlmostEqual(moved["Now"], start["Now"] + DAY, delta=5)
        # The API answers in the moved time.
        mgmt, _ = self.make_org()
        h = self.invite(mgmt, self.account())
        self.assertAlmostEqual(h["RequestedTimestamp"].timestamp(), moved["Now"], delta=5)
        target = 2_000_000_000
        self.assertAlmostEqual(self.set_now(target)["Now"], target, delta=2)
        reset = self.control_ok("POST", "/_localorgs/clock", {"Reset": True})
        self.assertEqual(reset["OffsetSeconds"], 0)
        for bad in ({}, {"AdvanceSeconds": "soon"}, {"AdvanceSeconds": 1, "Reset": True}, {"Now": -1},
                    {"Bogus": 1}):
            with self.subTest(body=bad):
                res = self.server.control("POST", "/_localorgs/clock", bad)
                self.assertEqual(res.status, 400, res)
                self.assertIn("Error", res.json)
        self.assertEqual(self.control_ok("GET", "/_localorgs/clock")["OffsetSeconds"], 0)


class OutboxTest(ControlsCase):

    def test_one_message_per_invitation(self):
        mgmt, org_id = self.make_org(Name="Acme Management")
        mgmt_email = self.email(mgmt)
        invitee = self.account(Email="Invitee.Person@example.com")
        outsider = "someone+new@example.net"  # no account has this address; "+" is URL-encoded in ?to=

        h1 = self.invite(mgmt, invitee, Notes="Please join the Acme organization")
        h2 = self.invite(mgmt, outsider, "EMAIL")
        # A refused invitation sends nothing.
        self.assertRefused(lambda: self.invite(mgmt, invitee), "DuplicateHandshakeException")

        mail = self.outbox(to="Invitee.Person@example.com")
        self.assertEqual(len(mail), 1, mail)
        m = mail[0]
        self.assertEqual(set(m), {"Id", "To", "Subject", "Body", "HandshakeId", "SentTimestamp"})
        self.assertEqual(m["To"], "Invitee.Person@example.com")  # the target account's registered email
        self.assertEqual(m["HandshakeId"], h1["Id"])
        self.assertAlmostEqual(m["SentTimestamp"], h1["RequestedTimestamp"].timestamp(), delta=1)
        text = m["Subject"] + "\n" + m["Body"]
        for needle in (org_id, "Acme Management", mgmt_email, "Please join the Acme organization", h1["Id"]):
            self.assertIn(needle, text)
        expiration = h1["ExpirationTimestamp"]
        self.assertTrue(str(int(expiration.timestamp())) in text or expiration.strftime("%Y-%m-%d") in text,
                        f"the expiry of {expiration} is not in {text!r}")

        to_outsider = self.outbox(to=outsider)
        self.assertEqual([(x["To"], x["HandshakeId"]) for x in to_outsider], [(outsider, h2["Id"])])
        for needle in (org_id, "Acme Management", mgmt_email, h2["Id"]):
            self.assertIn(needle, to_outsider[0]["Subject"] + "\n" + to_outsider[0]["Body"])
        self.assertEqual(self.outbox(to="nobody@example.org"), [])

        # Inviting again after a cancel sends a second message.
        self.client(mgmt).cancel_handshake(HandshakeId=h1["Id"])
        h3 = self.invite(mgmt, self.email(invitee), "EMAIL")
        mail = self.outbox(to="Invitee.Person@example.com")
        self.assertEqual([x["HandshakeId"] for x in mail], [h1["Id"], h3["Id"]])
        self.assertEqual(len({x["Id"] for x in mail}), 2)
        everything = self.outbox()
        self.assertEqual([x["HandshakeId"] for x in everything], [h1["Id"], h2["Id"], h3["Id"]])

        self.assertEqual(self.control_ok("DELETE", "/_localorgs/outbox"), {})
        self.assertEqual(self.outbox(), [])
        self.assertEqual(self.outbox(to=outsider), [])
        # Handshakes are not touched by emptying the outbox.
        self.assertEqual(self.sent(mgmt), {h1["Id"]: "CANCELED", h2["Id"]: "OPEN", h3["Id"]: "OPEN"})


class FaultsTest(ControlsCase):

    def add_fault(self, **fault):
        out = self.control_ok("POST", "/_localorgs/faults", fault)
        self.assertTrue(out["FaultId"])
        return out["FaultId"]

    def faults(self):
        return self.control_ok("GET", "/_localorgs/faults")["Faults"]

    def test_concurrent_modification_changes_nothing(self):
        mgmt, _ = self.make_org()
        invitee = self.account()
        fault_id = self.add_fault(Operation="InviteAccountToOrganization", Error="ConcurrentModificationException")
        listed = self.faults()
        self.assertEqual(len(listed), 1, listed)
        self.assertEqual((listed[0]["FaultId"], listed[0]["Operation"], listed[0]["Error"], listed[0]["Count"]),
                         (fault_id, "InviteAccountToOrganization", "ConcurrentModificationException", 1))
        self.assertRefused(lambda: self.invite(mgmt, invitee, Tags=[{"Key": "k", "Value": "v"}]),
                           "ConcurrentModificationException")
        self.assertEqual(self.sent(mgmt), {})
        self.assertEqual(self.received(invitee), {})
        self.assertEqual(self.outbox(), [])
        self.assertEqual(self.faults(), [])
        # The following call succeeds (and is not a duplicate of anything).
        h = self.invite(mgmt, invitee)
        self.assertEqual(self.sent(mgmt), {h["Id"]: "OPEN"})
        self.assertEqual(len(self.outbox()), 1)

    def test_too_many_requests_is_retried_by_the_aws_cli(self):
        mgmt, _ = self.make_org()
        invitee, other = self.account(), self.account()
        # Without retries the throttling error reaches the caller ...
        self.add_fault(Operation="InviteAccountToOrganization", Error="TooManyRequestsException", Count=1)
        self.assertRefused(lambda: self.invite(mgmt, other), "TooManyRequestsException")
        self.assertEqual(self.sent(mgmt), {})
        # ... while the AWS CLI in its default retry mode tries again and succeeds.
        self.add_fault(Operation="InviteAccountToOrganization", Error="TooManyRequestsException", Count=1)
        r = self.server.cli(mgmt, "invite-account-to-organization", "--target", f"Id={invitee},Type=ACCOUNT",
                            env={"AWS_MAX_ATTEMPTS": None, "AWS_RETRY_MODE": None})
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.json["Handshake"]["State"], "OPEN")
        self.assertEqual(self.sent(mgmt), {r.json["Handshake"]["Id"]: "OPEN"})
        self.assertEqual(self.faults(), [])

    def test_scoping_counting_and_clearing(self):
        mgmt, _ = self.make_org()
        first, second = self.account(), self.account()
        h1, h2 = self.invite(mgmt, first), self.invite(mgmt, second)
        # Only the named caller, for Count calls; nothing changes meanwhile.
        self.add_fault(Operation="AcceptHandshake", Error="ConcurrentModificationException", AccountId=second,
                       Count=2)
        self.assertEqual(self.client(first).accept_handshake(HandshakeId=h1["Id"])["Handshake"]["State"], "ACCEPTED")
        for _ in range(2):
            self.assertRefused(lambda: self.client(second).accept_handshake(HandshakeId=h2["Id"]),
                               "ConcurrentModificationException")
            self.assertEqual(self.sent(mgmt)[h2["Id"]], "OPEN")
            self.assertIsNone(self.organization_of(second))
        self.assertEqual(self.client(second).accept_handshake(HandshakeId=h2["Id"])["Handshake"]["State"], "ACCEPTED")

        # Any operation, with a Reason and a Message of the test's choosing.
        self.add_fault(Operation="*", Error="ConstraintViolationException", Reason="ACCOUNT_NUMBER_LIMIT_EXCEEDED",
                       Message="injected", Count=5)
        self.add_fault(Operation="ListAccounts", Error="ServiceException")
        resp = self.assertRefused(lambda: self.client(mgmt).list_accounts(), "ConstraintViolationException",
                                  "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        self.assertEqual(resp["Error"]["Message"], "injected")
        self.assertEqual([f["Count"] for f in self.faults()], [4, 1])
        self.assertEqual(self.control_ok("DELETE", "/_localorgs/faults"), {})
        self.assertEqual(self.faults(), [])
        self.assertEqual(len(self.client(mgmt).list_accounts()["Accounts"]), 3)

        for bad in ({"Operation": "InviteAccountToOrganization"}, {"Error": "ConcurrentModificationException"},
                    {"Operation": "NoSuchOperation", "Error": "ConcurrentModificationException"},
                    {"Operation": "InviteAccountToOrganization", "Error": "NoSuchException"},
                    {"Operation": "InviteAccountToOrganization", "Error": "ServiceException", "AccountId": "12"},
                    {"Operation": "InviteAccountToOrganization", "Error": "ServiceException", "Count": 0}):
            with self.subTest(body=bad):
                res = self.server.control("POST", "/_localorgs/faults", bad)
                self.assertEqual(res.status, 400, res)
        self.assertEqual(self.faults(), [])


class QuotasTest(ControlsCase):

    def test_quota_routes(self):
        mgmt, org_id = self.make_org()
        path = f"/_localorgs/organizations/{org_id}/quotas"
        self.assertEqual(self.control_ok("GET", path),
                         {"MaxAccounts": 10, "InvitationsPerDay": None, "InitializationSeconds": 0, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})
        # InvitationsPerDay: an explicit daily limit.
        self.assertEqual(self.control_ok("PUT", path, {"InvitationsPerDay": 3}),
                         {"MaxAccounts": 10, "InvitationsPerDay": 3, "InitializationSeconds": 0, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})
        self.assertEqual(self.control_ok("GET", path)["InvitationsPerDay"], 3)
        invitees = [self.account() for _ in range(4)]
        handshakes = [self.invite(mgmt, a) for a in invitees[:3]]
        self.assertRefused(lambda: self.invite(mgmt, invitees[3]), HCVE, "HANDSHAKE_RATE_LIMIT_EXCEEDED")
        self.assertEqual(self.control_ok("PUT", path, {"InvitationsPerDay": None})["InvitationsPerDay"], None)
        handshakes.append(self.invite(mgmt, invitees[3]))

        # MaxAccounts: lowered under what is there, it refuses invitations, and acceptances re-check it.
        self.assertEqual(self.control_ok("PUT", path, {"MaxAccounts": 2})["MaxAccounts"], 2)
        self.assertRefused(lambda: self.invite(mgmt, self.account()), HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        self.client(invitees[0]).accept_handshake(HandshakeId=handshakes[0]["Id"])  # 2 members now
        self.assertRefused(lambda: self.client(invitees[1]).accept_handshake(HandshakeId=handshakes[1]["Id"]),
                           HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        self.assertEqual(self.sent(mgmt)[handshakes[1]["Id"]], "OPEN")
        self.assertIsNone(self.organization_of(invitees[1]))
        self.control_ok("PUT", path, {"MaxAccounts": 10})
        self.client(invitees[1]).accept_handshake(HandshakeId=handshakes[1]["Id"])

        # InitializationSeconds: a window counted from CreateOrganization.
        self.assertEqual(self.control_ok("PUT", path, {"InitializationSeconds": 7200}),
                         {"MaxAccounts": 10, "InvitationsPerDay": None, "InitializationSeconds": 7200, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})
        self.assertRefused(lambda: self.invite(mgmt, self.account()), "FinalizingOrganizationException")
        self.advance(7201)
        self.invite(mgmt, self.account())

        # Other organizations keep their own quotas.
        _, other_org = self.make_org()
        self.assertEqual(self.control_ok("GET", f"/_localorgs/organizations/{other_org}/quotas"),
                         {"MaxAccounts": 10, "InvitationsPerDay": None, "InitializationSeconds": 0, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})
        for method in ("GET", "PUT"):
            with self.subTest(unknown_org=method):
                res = self.server.control(method, "/_localorgs/organizations/o-doesnotexist/quotas",
                                          {"MaxAccounts": 5} if method == "PUT" else None)
                self.assertEqual(res.status, 404, res)
        for bad in ({"MaxAccounts": 0}, {"MaxAccounts": "ten"}, {"InitializationSeconds": -1},
                    {"InvitationsPerDay": -1}, {"Bogus": 1}):
            with self.subTest(body=bad):
                res = self.server.control("PUT", path, bad)
                self.assertEqual(res.status, 400, res)
        self.assertEqual(self.control_ok("GET", path),
                         {"MaxAccounts": 10, "InvitationsPerDay": None, "InitializationSeconds": 7200, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})


class RestartTest(ControlsCase):

    def test_restart_in_the_middle_of_a_lifecycle(self):
        s = self.server
        mgmt, org_id = self.make_org(Name="Before Restart")
        self.control_ok("PUT", f"/_localorgs/organizations/{org_id}/quotas", {"MaxAccounts": 12})
        self.advance(7200)
        by_account, by_email = self.account(), self.account()
        h1 = self.invite(mgmt, by_account, Notes="survives", Tags=[{"Key": "team", "Value": "blue"}])
        h2 = self.invite(mgmt, self.email(by_email), "EMAIL")
        described = {h["Id"]: self.client(mgmt).describe_handshake(HandshakeId=h["Id"])["Handshake"]
                     for h in (h1, h2)}
        received = self.client(by_account).list_handshakes_for_account()["Handshakes"]

        s.stop_cleanly()  # SIGTERM, exit code 0
        s.start()

        clock = self.control_ok("GET", "/_localorgs/clock")
        self.assertAlmostEqual(clock["OffsetSeconds"], 7200, delta=0.01)
        for hid, before in described.items():
            self.assertEqual(self.client(mgmt).describe_handshake(HandshakeId=hid)["Handshake"], before)
        self.assertEqual(self.client(by_account).list_handshakes_for_account()["Handshakes"], received)
        self.assertEqual(self.control_ok("GET", f"/_localorgs/organizations/{org_id}/quotas")["MaxAccounts"], 12)
        self.assertRefused(lambda: self.invite(mgmt, by_account), "DuplicateHandshakeException")

        # The lifecycle goes on: accept one, decline the other.
        accepted = self.client(by_account).accept_handshake(HandshakeId=h1["Id"])["Handshake"]
        self.assertEqual(accepted, {**described[h1["Id"]], "State": "ACCEPTED"})
        self.assertEqual(self.client(mgmt).list_tags_for_resource(ResourceId=by_account)["Tags"],
                         [{"Key": "team", "Value": "blue"}])
        self.assertEqual(self.client(by_email).decline_handshake(HandshakeId=h2["Id"])["Handshake"]["State"],
                         "DECLINED")
        self.assertEqual(self.organization_of(by_account), org_id)

        # A new invitation ages in the restored clock, and its expiry survives another restart.
        h3 = self.invite(mgmt, self.account())
        self.assertAlmostEqual(h3["RequestedTimestamp"].timestamp(), self.now(), delta=5)
        self.advance(15 * DAY + 1)
        s.stop_cleanly()
        s.start()
        self.assertAlmostEqual(self.control_ok("GET", "/_localorgs/clock")["OffsetSeconds"], 7200 + 15 * DAY + 1,
                               delta=0.01)
        self.assertEqual(self.sent(mgmt), {h1["Id"]: "ACCEPTED", h2["Id"]: "DECLINED", h3["Id"]: "EXPIRED"})


if __name__ == "__main__":
    harness.main()
