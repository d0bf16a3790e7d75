"""Every refusal of the invitation flow, and the membership changes around it, through boto3 (issue 3).

Each test builds its own organization(s) from fresh account ids, so the tests of one class share a
server without seeing each other. Tests that move the clock or need a configuration get a server
of their own. Errors are checked by `Error.Code` and the top-level `Reason` boto3 exposes.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import HTTP_TIMEOUT, REGIONS, Server, ServerTestCase, fast_client, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError
ParamValidationError = botocore.exceptions.ParamValidationError

SELLER = "ORGANIZATION_FROM_DIFFERENT_SELLER_OF_RECORD"
ALREADY = "ALREADY_IN_AN_ORGANIZATION"
HCVE = "HandshakeConstraintViolationException"


class HandshakeMixin:
    """Helpers over `self.server`; mixed into ServerTestCase (shared server) or a per-test server."""

    def client(self, account, **kw):
        return fast_client(self.server, account, **kw)

    def put_account(self, account, **fields):
        res = self.server.control("PUT", f"/_localorgs/accounts/{account}", fields)
        self.assertEqual(res.status, 200, res)
        return res.json

    def account(self, prefix=8, **fields):
        """A fresh registered account with an email of its own (plus any control-plane fields)."""
        account = new_account_id(prefix)
        self.put_account(account, Email=f"user-{account}@example.com", **fields)
        return account

    def email(self, account):
        return self.server.control("GET", f"/_localorgs/accounts/{account}").json["Email"]

    def organization_of(self, account):
        return self.server.control("GET", f"/_localorgs/accounts/{account}").json["OrganizationId"]

    def make_org(self, prefix=8, **fields):
        """A fresh management account (registered with `fields`) and its organization: (account, org id)."""
        mgmt = self.account(prefix, **fields)
        org = self.client(mgmt).create_organization()["Organization"]
        return mgmt, org["Id"]

    def quotas(self, org_id, **changes):
        if changes:
            res = self.server.control("PUT", f"/_localorgs/organizations/{org_id}/quotas", changes)
        else:
            res = self.server.control("GET", f"/_localorgs/organizations/{org_id}/quotas")
        self.assertEqual(res.status, 200, res)
        return res.json

    def invite(self, mgmt, target, target_type="ACCOUNT", **kw):
        return self.client(mgmt).invite_account_to_organization(
            Target={"Id": target, "Type": target_type}, **kw)["Handshake"]

    def join(self, mgmt, account):
        """Invites `account` and has it accept; returns the accepted handshake."""
        h = self.invite(mgmt, account)
        return self.client(account).accept_handshake(HandshakeId=h["Id"])["Handshake"]

    def sent(self, mgmt):
        """{handshake id: state} of everything the organization of `mgmt` lists."""
        pages = self.client(mgmt).get_paginator("list_handshakes_for_organization").paginate()
        return {h["Id"]: h["State"] for page in pages for h in page["Handshakes"]}

    def received(self, account):
        pages = self.client(account).get_paginator("list_handshakes_for_account").paginate()
        return {h["Id"]: h["State"] for page in pages for h in page["Handshakes"]}

    def outbox(self):
        res = self.server.control("GET", "/_localorgs/outbox")
        self.assertEqual(res.status, 200, res)
        return res.json["Messages"]

    def assertRefused(self, call, code, reason=None):
        """`call()` raises the service error `code` (with `Reason` when given); returns the response."""
        with self.assertRaises(ClientError) as ctx:
            call()
        resp = ctx.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400, resp)
        self.assertEqual(resp.get("Reason"), reason, resp)
        self.assertTrue(resp["Error"]["Message"], resp)
        return resp

    def assertInviteRefused(self, mgmt, target, target_type, code, reason=None, **kw):
        """The invitation is refused and nothing is sent: no handshake anywhere, no message."""
        sent_before, outbox_before = self.sent(mgmt), len(self.outbox())
        is_account = target_type == "ACCOUNT" and len(target) == 12 and target.isdigit()
        received_before = self.received(target) if is_account else None
        self.assertRefused(lambda: self.invite(mgmt, target, target_type, **kw), code, reason)
        self.assertEqual(self.sent(mgmt), sent_before)
        self.assertEqual(len(self.outbox()), outbox_before)
        if received_before is not None:
            self.assertEqual(self.received(target), received_before)


class SharedServerCase(HandshakeMixin, ServerTestCase):
    pass


class OwnServerCase(HandshakeMixin, unittest.TestCase):
    """A server for each test (tests that move the clock, or need a configuration)."""

    server_config = None

    def setUp(self):
        self.server = Server(config=self.server_config)
        self.addCleanup(self.server.close)
        self.server.start()

    def tearDown(self):
        self.server.stop_cleanly()


class InviteRefusalsTest(SharedServerCase):

    def test_already_in_the_organization(self):
        mgmt, _ = self.make_org()
        member = self.account()
        self.join(mgmt, member)
        for target, kind in ((member, "ACCOUNT"), (self.email(member), "EMAIL"),
                             (mgmt, "ACCOUNT"), (self.email(mgmt), "EMAIL")):
            with self.subTest(target=target, type=kind):
                self.assertInviteRefused(mgmt, target, kind, HCVE, ALREADY)

    def test_wrong_targets(self):
        mgmt, org_id = self.make_org()
        _, other_org = self.make_org()
        cases = [
            (other_org, "ORGANIZATION", "INVALID_PARTY_TYPE_TARGET"),
            (org_id, "ORGANIZATION", "INVALID_PARTY_TYPE_TARGET"),
            ("12", "ACCOUNT", "INVALID_PARTY_TYPE_TARGET"),
            ("1234567890123", "ACCOUNT", "INVALID_PARTY_TYPE_TARGET"),
            ("12345678901a", "ACCOUNT", "INVALID_PARTY_TYPE_TARGET"),
            ("someone@example.com", "ACCOUNT", "INVALID_PARTY_TYPE_TARGET"),
            ("not-an-address", "EMAIL", "INVALID_EMAIL_ADDRESS_TARGET"),
            ("a@b", "EMAIL", "INVALID_EMAIL_ADDRESS_TARGET"),
            ("two words@example.com", "EMAIL", "INVALID_EMAIL_ADDRESS_TARGET"),
            ("a@@example.com", "EMAIL", "INVALID_EMAIL_ADDRESS_TARGET"),
        ]
        for target, kind, reason in cases:
            with self.subTest(target=target, type=kind):
                self.assertInviteRefused(mgmt, target, kind, "InvalidInputException", reason)

    def test_notes_and_feature_set(self):
        mgmt, _ = self.make_org()
        invitee = self.account()
        notes = "ñ" + "x" * 1023
        h = self.invite(mgmt, invitee, Notes=notes)
        self.assertIn({"Type": "NOTES", "Value": notes}, h["Resources"])
        # A consolidated-billing organization says so in its invitations.
        cb_mgmt = self.account()
        cb_org = self.client(cb_mgmt).create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]
        h = self.invite(cb_mgmt, self.account())
        org_resource = [r for r in h["Resources"] if r["Type"] == "ORGANIZATION"]
        self.assertEqual(len(org_resource), 1, h)
        self.assertEqual(org_resource[0]["Value"], cb_org["Id"])
        self.assertIn({"Type": "ORGANIZATION_FEATURE_SET", "Value": "CONSOLIDATED_BILLING"},
                      org_resource[0]["Resources"])
        self.assertInviteRefused(mgmt, self.account(), "ACCOUNT", "InvalidInputException",
                                 "MAX_LENGTH_EXCEEDED", Notes="x" * 1025)

    def test_tag_errors_send_nothing(self):
        mgmt, _ = self.make_org()
        invitee = self.account()
        fifty = [{"Key": f"k{i:02}", "Value": str(i)} for i in range(50)]
        cases = [
            ([{"Key": "aws:owner", "Value": "x"}], "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER"),
            ([{"Key": "ok", "Value": "1"}, {"Key": "aws:createdBy", "Value": "x"}], "InvalidInputException",
             "INVALID_SYSTEM_TAGS_PARAMETER"),
            ([{"Key": "team", "Value": "a"}, {"Key": "team", "Value": "b"}], "InvalidInputException",
             "DUPLICATE_TAG_KEY"),
            (fifty + [{"Key": "k50", "Value": "50"}], "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED"),
        ]
        for tags, code, reason in cases:
            for target, kind in ((invitee, "ACCOUNT"), (self.email(invitee), "EMAIL")):
                with self.subTest(reason=reason, type=kind):
                    self.assertInviteRefused(mgmt, target, kind, code, reason, Tags=tags)
        self.assertEqual(self.received(invitee), {})
        self.assertEqual(self.sent(mgmt), {})
        # Fifty is the limit, not a refusal; they are attached on acceptance.
        h = self.invite(mgmt, invitee, Tags=fifty)
        self.client(invitee).accept_handshake(HandshakeId=h["Id"])
        tags = self.client(mgmt).get_paginator("list_tags_for_resource").paginate(ResourceId=invitee)
        self.assertCountEqual([t for page in tags for t in page["Tags"]], fifty)

    def test_account_number_limit_counts_members_and_open_invitations(self):
        mgmt, org_id = self.make_org()
        self.assertEqual(self.quotas(org_id)["MaxAccounts"], 10)
        member = self.account()
        self.join(mgmt, member)  # management + 1 member
        pending = [self.account() for _ in range(8)]
        handshakes = [self.invite(mgmt, a) for a in pending]  # + 8 OPEN invitations = 10
        late = self.account()
        for target, kind in ((late, "ACCOUNT"), (self.email(late), "EMAIL")):
            with self.subTest(type=kind):
                self.assertInviteRefused(mgmt, target, kind, HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        # Cancelling frees a place...
        self.client(mgmt).cancel_handshake(HandshakeId=handshakes[0]["Id"])
        self.invite(mgmt, late)
        self.assertInviteRefused(mgmt, self.account(), "ACCOUNT", HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        # ... so does declining; accepting keeps the place taken.
        self.client(pending[1]).decline_handshake(HandshakeId=handshakes[1]["Id"])
        self.client(pending[2]).accept_handshake(HandshakeId=handshakes[2]["Id"])
        self.invite(mgmt, self.email(self.account()), "EMAIL")
        self.assertInviteRefused(mgmt, self.account(), "ACCOUNT", HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")
        # Removing a member frees a place as well.
        self.client(mgmt).remove_account_from_organization(AccountId=member)
        self.invite(mgmt, self.account())
        self.assertInviteRefused(mgmt, self.account(), "ACCOUNT", HCVE, "ACCOUNT_NUMBER_LIMIT_EXCEEDED")

    def test_seller_of_record_and_partition(self):
        mgmt, org_id = self.make_org()  # AWS_INC, aws
        for label, fields in (("india", {"SellerOfRecord": "AWS_INDIA"}), ("china", {"Partition": "aws-cn"})):
            with self.subTest(label):
                other = self.account(**fields)
                # ACCOUNT targets are checked at invitation ...
                self.assertInviteRefused(mgmt, other, "ACCOUNT", HCVE, SELLER)
                # ... EMAIL targets when the invitee accepts.
                h = self.invite(mgmt, self.email(other), "EMAIL")
                self.assertEqual(self.received(other), {h["Id"]: "OPEN"})
                self.assertRefused(lambda: self.client(other).accept_handshake(HandshakeId=h["Id"]), HCVE, SELLER)
                self.assertEqual(self.client(other).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"],
                                 "OPEN")
                self.assertIsNone(self.organization_of(other))
                self.client(other).decline_handshake(HandshakeId=h["Id"])
        # Either way round: an AWS India organization refuses everyone else ...
        india_mgmt, india_org = self.make_org(SellerOfRecord="AWS_INDIA")
        self.assertInviteRefused(india_mgmt, self.account(), "ACCOUNT", HCVE, SELLER)
        emea = self.account(SellerOfRecord="AWS_EMEA")
        h = self.invite(india_mgmt, self.email(emea), "EMAIL")
        self.assertRefused(lambda: self.client(emea).accept_handshake(HandshakeId=h["Id"]), HCVE, SELLER)
        # ... and takes AWS India accounts.
        indian = self.account(SellerOfRecord="AWS_INDIA")
        self.join(india_mgmt, indian)
        self.assertEqual(self.organization_of(indian), india_org)
        # Other sellers mix freely.
        self.join(mgmt, emea)
        self.join(mgmt, self.account(SellerOfRecord="AWS_JAPAN"))
        self.assertEqual(self.organization_of(emea), org_id)

    def test_management_email_not_verified(self):
        mgmt, _ = self.make_org()
        invitee = self.account()
        self.put_account(mgmt, EmailVerified=False)
        for target, kind in ((invitee, "ACCOUNT"), (self.email(invitee), "EMAIL")):
            with self.subTest(type=kind):
                self.assertInviteRefused(mgmt, target, kind, "AccountOwnerNotVerifiedException")
        self.put_account(mgmt, EmailVerified=True)
        self.assertEqual(self.invite(mgmt, invitee)["State"], "OPEN")

    def test_only_the_management_account_invites(self):
        mgmt, _ = self.make_org()
        member = self.account()
        self.join(mgmt, member)
        self.assertRefused(lambda: self.invite(member, self.account()), "AccessDeniedException")
        standalone = self.account()
        self.assertRefused(lambda: self.invite(standalone, self.account()), "AWSOrganizationsNotInUseException")


class ListsTest(SharedServerCase):

    def test_filters(self):
        mgmt, _ = self.make_org()
        invitee = self.account()
        h1 = self.invite(mgmt, invitee)
        other_mgmt, _ = self.make_org()
        h2 = self.invite(other_mgmt, self.email(invitee), "EMAIL")
        m, i = self.client(mgmt), self.client(invitee)
        unknown_parent = "h-" + "ab" * 16
        for label, lister, expected in (("organization", m.list_handshakes_for_organization, [h1["Id"]]),
                                        ("account", i.list_handshakes_for_account, [h1["Id"], h2["Id"]])):
            with self.subTest(label):
                self.assertEqual([x["Id"] for x in lister()["Handshakes"]], expected)
                self.assertEqual([x["Id"] for x in lister(Filter={"ActionType": "INVITE"})["Handshakes"]], expected)
                for action in ("ENABLE_ALL_FEATURES", "APPROVE_ALL_FEATURES"):
                    self.assertEqual(lister(Filter={"ActionType": action})["Handshakes"], [])
                self.assertEqual(lister(Filter={"ParentHandshakeId": unknown_parent})["Handshakes"], [])
                self.assertEqual(lister(Filter={"ParentHandshakeId": h1["Id"]})["Handshakes"], [])
                self.assertRefused(lambda: lister(Filter={"ActionType": "INVITE", "ParentHandshakeId": h1["Id"]}),
                                   "InvalidInputException", "MAX_LIMIT_EXCEEDED_FILTER")
                self.assertRefused(lambda: lister(NextToken="not-a-token"), "InvalidInputException",
                                   "INVALID_NEXT_TOKEN")

    def test_organization_list_is_for_the_management_account(self):
        mgmt, _ = self.make_org()
        member = self.account()
        self.join(mgmt, member)
        self.assertRefused(lambda: self.client(member).list_handshakes_for_organization(), "AccessDeniedException")
        self.assertRefused(lambda: self.client(self.account()).list_handshakes_for_organization(),
                           "AWSOrganizationsNotInUseException")
        # The member still lists what it received.
        self.assertEqual(list(self.received(member).values()), ["ACCEPTED"])

    def assertSendOrder(self, listed_ids, sent):
        """`listed_ids` holds every handshake of `sent` (handshakes in the order they were sent) exactly
        once, in that order. Two sent within the same millisecond may come in either order."""
        self.assertEqual(len(listed_ids), len(set(listed_ids)), "a handshake was listed twice")
        self.assertCountEqual(listed_ids, [h["Id"] for h in sent])
        ms = {h["Id"]: round(h["RequestedTimestamp"].timestamp() * 1000) for h in sent}
        self.assertEqual([ms[i] for i in listed_ids], [ms[h["Id"]] for h in sent])
        if len(set(ms.values())) == len(sent):
            self.assertEqual(listed_ids, [h["Id"] for h in sent])

    def test_pagination_for_organization(self):
        mgmt, org_id = self.make_org()
        self.quotas(org_id, MaxAccounts=40)  # also lifts the daily invitations to max(20, 40)
        sent = []
        for n in range(26):
            target = self.account()
            h = self.invite(mgmt, target) if n % 2 else self.invite(mgmt, self.email(target), "EMAIL")
            sent.append(h)
            if n % 5 == 0:
                self.client(target).decline_handshake(HandshakeId=h["Id"])
        c = self.client(mgmt)
        # The paginator, with pages of 7: all 26 exactly once, in the order they were sent.
        pages = list(c.get_paginator("list_handshakes_for_organization").paginate(PaginationConfig={"PageSize": 7}))
        self.assertEqual([len(p["Handshakes"]) for p in pages], [7, 7, 7, 5])
        order = [h["Id"] for p in pages for h in p["Handshakes"]]
        self.assertSendOrder(order, sent)
        self.assertNotIn("NextToken", pages[-1])
        # By hand, MaxResults at its limit of 20; the order is stable and tokens are replayable.
        first = c.list_handshakes_for_organization(MaxResults=20)
        self.assertEqual([h["Id"] for h in first["Handshakes"]], order[:20])
        second = c.list_handshakes_for_organization(MaxResults=20, NextToken=first["NextToken"])
        self.assertEqual([h["Id"] for h in second["Handshakes"]], order[20:])
        self.assertNotIn("NextToken", second)
        again = c.list_handshakes_for_organization(MaxResults=20, NextToken=first["NextToken"])
        self.assertEqual(again["Handshakes"], second["Handshakes"])
        self.assertRefused(lambda: c.list_handshakes_for_organization(MaxResults=21), "InvalidInputException",
                           "MAX_VALUE_EXCEEDED")
        with self.assertRaises(ParamValidationError):
            c.list_handshakes_for_organization(MaxResults=0)  # botocore refuses it before sending
        # The CLI's automatic pagination, with pages of 6 and with the server's default page size.
        for extra in (["--page-size", "6"], []):
            with self.subTest(cli=extra):
                out = self.cli_ok(mgmt, "list-handshakes-for-organization", *extra)
                self.assertEqual([h["Id"] for h in out["Handshakes"]], order)
                self.assertNotIn("NextToken", out)

    def test_pagination_for_account(self):
        invitee = self.account()
        email = self.email(invitee)
        sent = []
        for n in range(22):
            mgmt, _ = self.make_org()
            sent.append(self.invite(mgmt, invitee if n % 2 else email, "ACCOUNT" if n % 2 else "EMAIL"))
        pages = list(self.client(invitee).get_paginator("list_handshakes_for_account").paginate(
            PaginationConfig={"PageSize": 5}))
        self.assertEqual([len(p["Handshakes"]) for p in pages], [5, 5, 5, 5, 2])
        order = [h["Id"] for p in pages for h in p["Handshakes"]]
        self.assertSendOrder(order, sent)
        out = self.cli_ok(invitee, "list-handshakes-for-account", "--page-size", "4")
        self.assertEqual([h["Id"] for h in out["Handshakes"]], order)
        # A token of one list is not a token of another.
        token = pages[0]["NextToken"]
        self.assertRefused(lambda: self.client(self.account()).list_handshakes_for_account(NextToken=token),
                           "InvalidInputException", "INVALID_NEXT_TOKEN")


class MembershipTest(SharedServerCase):

    def test_direct_transfer_between_organizations(self):
        a_mgmt, a_org = self.make_org()
        b_mgmt, b_org = self.make_org()
        member = self.account()
        self.join(a_mgmt, member)
        self.client(a_mgmt).tag_resource(ResourceId=member, Tags=[{"Key": "from", "Value": "a"}])
        # B may invite a member of A; the member sees it and moves on accepting.
        h = self.invite(b_mgmt, member, Tags=[{"Key": "to", "Value": "b"}])
        self.assertEqual(self.received(member)[h["Id"]], "OPEN")
        accepted = self.client(member).accept_handshake(HandshakeId=h["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")
        self.assertEqual(self.client(member).describe_organization()["Organization"]["Id"], b_org)
        self.assertEqual(self.organization_of(member), b_org)
        self.assertNotIn(member, [x["Id"] for x in self.client(a_mgmt).list_accounts()["Accounts"]])
        moved = self.client(b_mgmt).describe_account(AccountId=member)["Account"]
        self.assertEqual((moved["JoinedMethod"], moved["Status"]), ("INVITED", "ACTIVE"))
        self.assertEqual(self.client(b_mgmt).list_tags_for_resource(ResourceId=member)["Tags"],
                         [{"Key": "to", "Value": "b"}])
        # The management account of A cannot leave its organization by accepting.
        h2 = self.invite(b_mgmt, a_mgmt)
        self.assertRefused(lambda: self.client(a_mgmt).accept_handshake(HandshakeId=h2["Id"]),
                           "MasterCannotLeaveOrganizationException")
        self.assertEqual(self.client(b_mgmt).describe_handshake(HandshakeId=h2["Id"])["Handshake"]["State"], "OPEN")
        self.assertEqual(self.organization_of(a_mgmt), a_org)
        self.assertEqual(self.client(a_mgmt).describe_organization()["Organization"]["MasterAccountId"], a_mgmt)

    def test_remove_leave_and_invite_again(self):
        mgmt, org_id = self.make_org()
        m1, m2 = self.account(), self.account()
        first = self.join(mgmt, m1)
        self.join(mgmt, m2)
        c = self.client(mgmt)
        self.assertRefused(lambda: c.remove_account_from_organization(AccountId=mgmt),
                           "MasterCannotLeaveOrganizationException")
        self.assertRefused(lambda: self.client(m1).remove_account_from_organization(AccountId=m2),
                           "AccessDeniedException")
        self.assertRefused(lambda: c.remove_account_from_organization(AccountId=self.account()),
                           "AccountNotFoundException")
        self.assertRefused(lambda: c.leave_organization(), "MasterCannotLeaveOrganizationException")

        c.remove_account_from_organization(AccountId=m1)
        self.assertIsNone(self.organization_of(m1))
        self.assertRefused(lambda: self.client(m1).describe_organization(), "AWSOrganizationsNotInUseException")
        self.client(m2).leave_organization()
        self.assertIsNone(self.organization_of(m2))
        self.assertEqual([x["Id"] for x in c.list_accounts()["Accounts"]], [mgmt])
        self.assertRefused(lambda: self.client(m2).leave_organization(), "AWSOrganizationsNotInUseException")

        # Both can be invited again; the old handshake stays ACCEPTED.
        again = self.join(mgmt, m1)
        self.assertNotEqual(again["Id"], first["Id"])
        self.join(mgmt, m2)
        self.assertEqual(self.sent(mgmt)[first["Id"]], "ACCEPTED")
        self.assertCountEqual([x["Id"] for x in c.list_accounts()["Accounts"]], [mgmt, m1, m2])
        joined = c.describe_account(AccountId=m1)["Account"]
        self.assertEqual(joined["JoinedMethod"], "INVITED")
        self.assertEqual(self.organization_of(m1), org_id)

    def test_delete_organization_cancels_open_invitations(self):
        mgmt, _ = self.make_org()
        by_account, by_email, declined = self.account(), self.account(), self.account()
        h1 = self.invite(mgmt, by_account)
        h2 = self.invite(mgmt, self.email(by_email), "EMAIL")
        h3 = self.invite(mgmt, declined)
        self.client(declined).decline_handshake(HandshakeId=h3["Id"])
        self.client(mgmt).delete_organization()
        for invitee, h in ((by_account, h1), (by_email, h2)):
            with self.subTest(invitee=invitee):
                i = self.client(invitee)
                self.assertEqual(self.received(invitee), {h["Id"]: "CANCELED"})
                self.assertEqual(i.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "CANCELED")
                self.assertRefused(lambda: i.accept_handshake(HandshakeId=h["Id"]),
                                   "InvalidHandshakeTransitionException")
                self.assertIsNone(self.organization_of(invitee))
        self.assertEqual(self.received(declined), {h3["Id"]: "DECLINED"})


class LegacyTransferTest(OwnServerCase):
    server_config = {"DirectTransfer": False}

    def test_member_of_another_organization_must_leave_first(self):
        a_mgmt, a_org = self.make_org()
        b_mgmt, b_org = self.make_org()
        member = self.account()
        self.join(a_mgmt, member)
        h = self.invite(b_mgmt, member)
        self.assertRefused(lambda: self.client(member).accept_handshake(HandshakeId=h["Id"]), HCVE, ALREADY)
        self.assertEqual(self.client(member).describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "OPEN")
        self.assertEqual(self.organization_of(member), a_org)
        self.assertIn(member, [x["Id"] for x in self.client(a_mgmt).list_accounts()["Accounts"]])
        # The management account of another organization still gets its own error.
        h2 = self.invite(b_mgmt, a_mgmt)
        self.assertRefused(lambda: self.client(a_mgmt).accept_handshake(HandshakeId=h2["Id"]),
                           "MasterCannotLeaveOrganizationException")
        self.client(member).leave_organization()
        self.assertEqual(self.client(member).accept_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "ACCEPTED")
        self.assertEqual(self.organization_of(member), b_org)


class RateLimitTest(OwnServerCase):

    def test_twenty_invitations_a_day_then_the_next_day(self):
        mgmt, org_id = self.make_org()
        self.assertEqual(self.quotas(org_id, MaxAccounts=20),
                         {"MaxAccounts": 20, "InvitationsPerDay": None, "InitializationSeconds": 0, "MaxOrganizationalUnits": 2000, "CreateAccountSeconds": 0, "CloseAccountSeconds": 0, "MaxConcurrentAccountCreations": 5, "MaxConcurrentAccountClosures": 3, "AccountClosuresPer30Days": None, "MaxInboundResponsibilityTransfers": 20, "MaxOutboundResponsibilityTransfers": 1, "MaxResponsibilityTransferChainLevels": 2, "MaxResponsibilityTransfersInChain": 1000})
        c = self.client(mgmt)
        invitees, handshakes = [], []
        for n in range(20):
            invitees.append(self.account())
            handshakes.append(self.invite(mgmt, invitees[-1]))
            if n < 5:  # canceled invitations free their place but still count as attempts
                c.cancel_handshake(HandshakeId=handshakes[-1]["Id"])
        # 20 attempts, 15 OPEN + the management account: far from the account quota of 20.
        for target, kind in ((self.account(), "ACCOUNT"), (self.email(self.account()), "EMAIL")):
            with self.subTest(type=kind):
                self.assertInviteRefused(mgmt, target, kind, HCVE, "HANDSHAKE_RATE_LIMIT_EXCEEDED")
        # Accepted invitations do not count: one acceptance, one more invitation.
        self.client(invitees[-1]).accept_handshake(HandshakeId=handshakes[-1]["Id"])
        self.invite(mgmt, self.account())
        self.assertInviteRefused(mgmt, self.account(), "ACCOUNT", HCVE, "HANDSHAKE_RATE_LIMIT_EXCEEDED")
        # A day later the window has moved on; the OPEN ones are still OPEN (they expire after 15 days).
        res = self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": 86400})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["OffsetSeconds"], 86400)
        self.assertEqual(self.invite(mgmt, self.account())["State"], "OPEN")
        self.assertEqual(list(self.sent(mgmt).values()).count("OPEN"), 16)


class FinalizingTest(OwnServerCase):
    server_config = {"Quotas": {"InitializationSeconds": 3600}}

    def test_no_invitations_while_the_organization_initializes(self):
        mgmt, org_id = self.make_org()
        self.assertEqual(self.quotas(org_id)["InitializationSeconds"], 3600)
        invitee = self.account()
        for target, kind in ((invitee, "ACCOUNT"), (self.email(invitee), "EMAIL")):
            with self.subTest(type=kind):
                self.assertInviteRefused(mgmt, target, kind, "FinalizingOrganizationException")
        self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": 3000})
        self.assertInviteRefused(mgmt, invitee, "ACCOUNT", "FinalizingOrganizationException")
        self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": 601})
        h = self.invite(mgmt, invitee)
        self.assertEqual(h["State"], "OPEN")
        self.client(invitee).accept_handshake(HandshakeId=h["Id"])
        self.assertEqual(self.organization_of(invitee), org_id)
        # A later organization starts its own window.
        other_mgmt, _ = self.make_org()
        self.assertInviteRefused(other_mgmt, self.account(), "ACCOUNT", "FinalizingOrganizationException")


if __name__ == "__main__":
    harness.main()
