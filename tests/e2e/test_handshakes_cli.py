"""Invitations through the real `aws` CLI, acting as two and three different accounts (issue 3).

The management account invites by account id and by email address; the invitee lists, describes,
accepts, declines; the sender cancels; a third account is refused everything; repeats and
impossible transitions, malformed and unknown ids, and duplicate invitations answer the service's
errors. Setup and bulk work go through boto3 (a CLI call costs about a second); every step the issue
names is made with the CLI.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import HTTP_TIMEOUT, REGIONS, ServerTestCase, fast_client, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError

HANDSHAKE_ID = re.compile(r"^h-[0-9a-f]{32}$")
FIFTEEN_DAYS = 15 * 24 * 3600
HANDSHAKE_KEYS = {"Id", "Arn", "Parties", "State", "RequestedTimestamp", "ExpirationTimestamp", "Action",
                  "Resources"}
ACCESS_DENIED = "You don't have permissions to access this resource."


def epoch_ms(t):
    """Epoch milliseconds of a CLI number or a boto3 datetime."""
    return round((t if isinstance(t, (int, float)) else t.timestamp()) * 1000)


def canonical(value):
    """Parties and Resources in a fixed order: clients must not depend on the order AWS sends."""
    if isinstance(value, dict):
        out = {k: canonical(v) for k, v in value.items()}
        for key in ("RequestedTimestamp", "ExpirationTimestamp", "JoinedTimestamp"):
            if key in out:
                out[key] = epoch_ms(out[key])
        for key in ("Parties", "Resources"):
            if key in out:
                out[key] = sorted(out[key], key=lambda x: (x.get("Type", ""), x.get("Id", x.get("Value", ""))))
        return out
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


class CliHandshakeCase(ServerTestCase):
    """One server; one organization whose management account has a chosen name and email."""

    MGMT_NAME = "Example Corp Management"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt = new_account_id(prefix=7)
        cls.mgmt_email = f"owner-{cls.mgmt}@example.com"
        res = s.control("PUT", f"/_localorgs/accounts/{cls.mgmt}", {"Email": cls.mgmt_email, "Name": cls.MGMT_NAME})
        if res.status != 200:
            raise AssertionError(f"registering the management account: {res!r}")
        cls.org = fast_client(s, cls.mgmt).create_organization()["Organization"]
        cls.org_id = cls.org["Id"]

    def client(self, account, **kw):
        return fast_client(self.server, account, **kw)

    def account_with_email(self, prefix=7):
        account = new_account_id(prefix)
        email = f"user-{account}@example.com"
        res = self.server.control("PUT", f"/_localorgs/accounts/{account}", {"Email": email})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["Email"], email)
        return account, email

    def assertInvitation(self, h, target_id, target_type, notes=None, state="OPEN"):
        """The handshake is exactly the INVITE the issue describes (timestamps compared as a difference)."""
        self.assertEqual(set(h), HANDSHAKE_KEYS, h)
        self.assertRegex(h["Id"], HANDSHAKE_ID)
        self.assertEqual(h["Arn"], f"arn:aws:organizations::{self.mgmt}:handshake/{self.org_id}/invite/{h['Id']}")
        self.assertEqual(h["Action"], "INVITE")
        self.assertEqual(h["State"], state)
        resources = [
            {"Type": "ORGANIZATION", "Value": self.org_id, "Resources": [
                {"Type": "MASTER_EMAIL", "Value": self.mgmt_email},
                {"Type": "MASTER_NAME", "Value": self.MGMT_NAME},
                {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"}]},
            {"Type": target_type, "Value": target_id},
        ]
        if notes is not None:
            resources.append({"Type": "NOTES", "Value": notes})
        expected = {"Parties": [{"Id": self.org_id, "Type": "ORGANIZATION"}, {"Id": target_id, "Type": target_type}],
                    "Resources": resources}
        self.assertEqual(canonical({k: h[k] for k in ("Parties", "Resources")}), canonical(expected))
        # boto3 gives datetimes, the CLI epoch seconds: exactly 15 days apart either way.
        self.assertEqual(epoch_ms(h["ExpirationTimestamp"]) - epoch_ms(h["RequestedTimestamp"]),
                         FIFTEEN_DAYS * 1000, h)

    def assertSameHandshake(self, a, b, **changes):
        """`b` is `a` with only the given fields changed."""
        self.assertEqual(canonical(b), canonical({**a, **changes}))

    def invite(self, target_id, target_type="ACCOUNT", **kw):
        """A boto3 invitation (setup); returns the handshake."""
        return self.client(self.mgmt).invite_account_to_organization(
            Target={"Id": target_id, "Type": target_type}, **kw)["Handshake"]

    def org_handshakes(self):
        pages = self.client(self.mgmt).get_paginator("list_handshakes_for_organization").paginate()
        return {h["Id"]: h["State"] for page in pages for h in page["Handshakes"]}

    def now(self):
        return self.server.control("GET", "/_localorgs/clock").json["Now"]


class InviteAndAcceptTest(CliHandshakeCase):

    def test_invite_by_account_list_describe_accept(self):
        invitee, third = new_account_id(7), new_account_id(7)
        before = self.now()
        r = self.cli(self.mgmt, "invite-account-to-organization", "--target", f"Id={invitee},Type=ACCOUNT",
                     "--notes", "Welcome to the team", "--tags", "Key=team,Value=blue", "Key=cost-center,Value=")
        self.assertEqual(r.returncode, 0, r)
        h = r.json["Handshake"]
        self.assertInvitation(h, invitee, "ACCOUNT", notes="Welcome to the team")
        self.assertLessEqual(before - 1, h["RequestedTimestamp"])
        self.assertLessEqual(h["RequestedTimestamp"], self.now() + 1)

        # The invitee, still standalone, lists and describes it; so does the sender.
        listed, described = self.cli_many([
            (invitee, "list-handshakes-for-account"),
            (invitee, "describe-handshake", "--handshake-id", h["Id"]),
        ])
        self.assertEqual(listed.returncode, 0, listed)
        self.assertEqual(canonical(listed.json["Handshakes"]), canonical([h]))
        self.assertNotIn("NextToken", listed.json)
        self.assertEqual(described.returncode, 0, described)
        self.assertSameHandshake(h, described.json["Handshake"])
        self.assertSameHandshake(h, self.client(self.mgmt).describe_handshake(HandshakeId=h["Id"])["Handshake"])
        with self.assertRaises(ClientError) as ctx:
            self.client(invitee).describe_organization()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")

        # Nobody but the parties may act, and each party only in its role. To anyone else the
        # handshake does not exist.
        attempts = [
            (third, "accept-handshake", "AcceptHandshake", "HandshakeNotFoundException"),
            (third, "decline-handshake", "DeclineHandshake", "HandshakeNotFoundException"),
            (third, "cancel-handshake", "CancelHandshake", "HandshakeNotFoundException"),
            (third, "describe-handshake", "DescribeHandshake", "HandshakeNotFoundException"),
            (invitee, "cancel-handshake", "CancelHandshake", "AccessDeniedException"),
            (self.mgmt, "accept-handshake", "AcceptHandshake", "AccessDeniedException"),
        ]
        results = self.cli_many([(who, cmd, "--handshake-id", h["Id"]) for who, cmd, _, _ in attempts])
        for (who, cmd, op, code), res in zip(attempts, results):
            with self.subTest(caller=who, command=cmd):
                message = self.assertCliError(res, code, op)
                if code == "AccessDeniedException":
                    self.assertEqual(message, ACCESS_DENIED)
        boto_attempts = [
            (invitee, "cancel_handshake", "AccessDeniedException"),
            (self.mgmt, "decline_handshake", "AccessDeniedException"),
            (self.mgmt, "accept_handshake", "AccessDeniedException"),
        ]
        for who, method, code in boto_attempts:
            with self.subTest(caller=who, method=method):
                with self.assertRaises(ClientError) as ctx:
                    getattr(self.client(who), method)(HandshakeId=h["Id"])
                self.assertClientError(ctx, code, message=ACCESS_DENIED)
        self.assertEqual(self.client(third).list_handshakes_for_account()["Handshakes"], [])
        self.assertSameHandshake(h, self.client(invitee).describe_handshake(HandshakeId=h["Id"])["Handshake"])

        # The invitee accepts.
        r = self.cli(invitee, "accept-handshake", "--handshake-id", h["Id"])
        self.assertEqual(r.returncode, 0, r)
        self.assertSameHandshake(h, r.json["Handshake"], State="ACCEPTED")

        accounts, tags, again = self.cli_many([
            (self.mgmt, "list-accounts"),
            (self.mgmt, "list-tags-for-resource", "--resource-id", invitee),
            (invitee, "accept-handshake", "--handshake-id", h["Id"]),
        ])
        self.assertEqual(accounts.returncode, 0, accounts)
        joined = [a for a in accounts.json["Accounts"] if a["Id"] == invitee]
        self.assertEqual(len(joined), 1, accounts.json)
        joined = joined[0]
        self.assertEqual(joined["JoinedMethod"], "INVITED")
        self.assertEqual(joined["Status"], "ACTIVE")
        self.assertEqual(joined["Arn"], f"arn:aws:organizations::{self.mgmt}:account/{self.org_id}/{invitee}")
        self.assertEqual(joined["Email"], f"account-{invitee}@example.com")
        self.assertGreaterEqual(joined["JoinedTimestamp"], h["RequestedTimestamp"])
        self.assertEqual(tags.returncode, 0, tags)
        self.assertCountEqual(tags.json["Tags"],
                              [{"Key": "team", "Value": "blue"}, {"Key": "cost-center", "Value": ""}])
        self.assertCliError(again, "HandshakeAlreadyInStateException", "AcceptHandshake")

        m, i = self.client(self.mgmt), self.client(invitee)
        for label, call, code in [
                ("decline", lambda: i.decline_handshake(HandshakeId=h["Id"]), "InvalidHandshakeTransitionException"),
                ("cancel", lambda: m.cancel_handshake(HandshakeId=h["Id"]), "InvalidHandshakeTransitionException")]:
            with self.subTest(after="ACCEPTED", call=label):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assertClientError(ctx, code)
        self.assertEqual(i.describe_organization()["Organization"], self.org)
        sent = {x["Id"]: x for x in m.list_handshakes_for_organization()["Handshakes"]}
        self.assertSameHandshake(h, sent[h["Id"]], State="ACCEPTED")
        self.assertEqual(canonical(i.list_handshakes_for_account()["Handshakes"]),
                         canonical([{**h, "State": "ACCEPTED"}]))
        self.assertEqual([p["Type"] for p in m.list_parents(ChildId=invitee)["Parents"]], ["ROOT"])

    def test_invite_by_email_list_describe_accept(self):
        invitee, email = self.account_with_email()
        third, _ = self.account_with_email()
        r = self.cli(self.mgmt, "invite-account-to-organization", "--target", f"Id={email},Type=EMAIL")
        self.assertEqual(r.returncode, 0, r)
        h = r.json["Handshake"]
        self.assertInvitation(h, email, "EMAIL")  # no NOTES resource without notes

        # Received by the account whose registered email it names, and by no other.
        listed = self.cli_ok(invitee, "list-handshakes-for-account")
        self.assertEqual(canonical(listed["Handshakes"]), canonical([h]))
        self.assertSameHandshake(h, self.client(invitee).describe_handshake(HandshakeId=h["Id"])["Handshake"])
        self.assertEqual(self.client(third).list_handshakes_for_account()["Handshakes"], [])
        with self.assertRaises(ClientError) as ctx:
            self.client(third).accept_handshake(HandshakeId=h["Id"])
        self.assertClientError(ctx, "HandshakeNotFoundException")  # to anyone else it does not exist

        r = self.cli(invitee, "accept-handshake", "--handshake-id", h["Id"])
        self.assertEqual(r.returncode, 0, r)
        self.assertSameHandshake(h, r.json["Handshake"], State="ACCEPTED")

        accounts = self.cli_ok(self.mgmt, "list-accounts")["Accounts"]
        joined = [a for a in accounts if a["Id"] == invitee]
        self.assertEqual(len(joined), 1, accounts)
        self.assertEqual((joined[0]["Email"], joined[0]["JoinedMethod"], joined[0]["Status"]),
                         (email, "INVITED", "ACTIVE"))
        self.assertEqual(self.client(self.mgmt).list_tags_for_resource(ResourceId=invitee)["Tags"], [])
        self.assertEqual(self.server.control("GET", f"/_localorgs/accounts/{invitee}").json["OrganizationId"],
                         self.org_id)


class DeclineCancelTest(CliHandshakeCase):

    def test_decline(self):
        invitee = new_account_id(7)
        h = self.invite(invitee, Notes="n")
        r = self.cli(invitee, "decline-handshake", "--handshake-id", h["Id"])
        self.assertEqual(r.returncode, 0, r)
        self.assertSameHandshake(h, r.json["Handshake"], State="DECLINED")
        again, accept = self.cli_many([
            (invitee, "decline-handshake", "--handshake-id", h["Id"]),
            (invitee, "accept-handshake", "--handshake-id", h["Id"]),
        ])
        self.assertCliError(again, "HandshakeAlreadyInStateException", "DeclineHandshake")
        self.assertCliError(accept, "InvalidHandshakeTransitionException", "AcceptHandshake")
        with self.assertRaises(ClientError) as ctx:
            self.client(self.mgmt).cancel_handshake(HandshakeId=h["Id"])
        self.assertClientError(ctx, "InvalidHandshakeTransitionException")
        with self.assertRaises(ClientError) as ctx:
            self.client(invitee).describe_organization()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")
        received = self.client(invitee).list_handshakes_for_account()["Handshakes"]
        self.assertEqual([(x["Id"], x["State"]) for x in received], [(h["Id"], "DECLINED")])
        self.assertEqual(self.org_handshakes()[h["Id"]], "DECLINED")
        self.assertNotIn(invitee, [a["Id"] for a in self.client(self.mgmt).list_accounts()["Accounts"]])

    def test_cancel(self):
        invitee, email = self.account_with_email()
        h = self.invite(email, "EMAIL")
        r = self.cli(self.mgmt, "cancel-handshake", "--handshake-id", h["Id"])
        self.assertEqual(r.returncode, 0, r)
        self.assertSameHandshake(h, r.json["Handshake"], State="CANCELED")
        again, decline = self.cli_many([
            (self.mgmt, "cancel-handshake", "--handshake-id", h["Id"]),
            (invitee, "decline-handshake", "--handshake-id", h["Id"]),
        ])
        self.assertCliError(again, "HandshakeAlreadyInStateException", "CancelHandshake")
        self.assertCliError(decline, "InvalidHandshakeTransitionException", "DeclineHandshake")
        with self.assertRaises(ClientError) as ctx:
            self.client(invitee).accept_handshake(HandshakeId=h["Id"])
        self.assertClientError(ctx, "InvalidHandshakeTransitionException")
        self.assertSameHandshake(h, self.client(invitee).describe_handshake(HandshakeId=h["Id"])["Handshake"],
                                 State="CANCELED")
        received = self.client(invitee).list_handshakes_for_account()["Handshakes"]
        self.assertEqual([(x["Id"], x["State"]) for x in received], [(h["Id"], "CANCELED")])
        self.assertEqual(self.server.control("GET", f"/_localorgs/accounts/{invitee}").json["OrganizationId"], None)


class IdsAndDuplicatesTest(CliHandshakeCase):

    def test_malformed_and_unknown_ids(self):
        invitee = new_account_id(7)
        unknown = "h-" + "0123456789abcdef" * 2
        malformed, missing = self.cli_many([
            (invitee, "accept-handshake", "--handshake-id", "h-NOT-valid"),
            (self.mgmt, "describe-handshake", "--handshake-id", unknown),
        ])
        self.assertCliError(malformed, "InvalidInputException", "AcceptHandshake")
        self.assertCliError(missing, "HandshakeNotFoundException", "DescribeHandshake")
        # Every operation, with the Reason the CLI does not print, through boto3.
        calls = [(invitee, "accept_handshake"), (invitee, "decline_handshake"), (self.mgmt, "cancel_handshake"),
                 (self.mgmt, "describe_handshake")]
        for who, method in calls:
            for hid in ("h-NOT-valid", "handshake", "h-abcdefg", "H-" + "a" * 32, "h-" + "a" * 31 + "!"):
                with self.subTest(method=method, id=hid):
                    with self.assertRaises(ClientError) as ctx:
                        getattr(self.client(who), method)(HandshakeId=hid)
                    self.assertClientError(ctx, "InvalidInputException", "INVALID_PATTERN")
            with self.subTest(method=method, id=unknown):
                with self.assertRaises(ClientError) as ctx:
                    getattr(self.client(who), method)(HandshakeId=unknown)
                self.assertClientError(ctx, "HandshakeNotFoundException")

    def test_duplicates(self):
        first, first_email = self.account_with_email()
        second, second_email = self.account_with_email()
        h1 = self.invite(first)
        h2 = self.invite(second_email, "EMAIL")
        before = self.org_handshakes()
        outbox = len(self.server.control("GET", "/_localorgs/outbox").json["Messages"])
        # ACCOUNT then EMAIL naming the same account, and EMAIL then ACCOUNT.
        results = self.cli_many([
            (self.mgmt, "invite-account-to-organization", "--target", f"Id={first_email},Type=EMAIL"),
            (self.mgmt, "invite-account-to-organization", "--target", f"Id={second},Type=ACCOUNT"),
        ])
        for r in results:
            with self.subTest(args=r.args[3:5]):
                self.assertCliError(r, "DuplicateHandshakeException", "InviteAccountToOrganization")
        m = self.client(self.mgmt)
        for target in ({"Id": first, "Type": "ACCOUNT"}, {"Id": second_email, "Type": "EMAIL"}):
            with self.subTest(target=target):
                with self.assertRaises(ClientError) as ctx:
                    m.invite_account_to_organization(Target=target)
                self.assertClientError(ctx, "DuplicateHandshakeException")
        self.assertEqual(self.org_handshakes(), before)
        self.assertEqual(len(self.server.control("GET", "/_localorgs/outbox").json["Messages"]), outbox)
        # Once the first invitation is closed, the account can be invited again, by either name.
        m.cancel_handshake(HandshakeId=h1["Id"])
        self.client(second).decline_handshake(HandshakeId=h2["Id"])
        again1 = self.invite(first_email, "EMAIL")
        again2 = self.invite(second)
        self.assertNotIn(again1["Id"], before)
        self.assertNotIn(again2["Id"], before)
        self.assertEqual((again1["State"], again2["State"]), ("OPEN", "OPEN"))


if __name__ == "__main__":
    harness.main()
