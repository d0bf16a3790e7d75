"""The migration from consolidated billing to all features, end to end (issue 4).

Three accounts: a management account creates a CONSOLIDATED_BILLING organization, two accounts
join it by invitation, and the whole ENABLE_ALL_FEATURES / APPROVE_ALL_FEATURES flow runs through
the real `aws` CLI. The refusals (with their Reason) go through boto3, and the 90-day expiry is
reached by moving the server's clock with `POST /_localorgs/clock`. The clock is server-wide, so
the expiry test has a server of its own.
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
DAY = 24 * 3600
NINETY_DAYS_MS = 90 * DAY * 1000
HCVE = "HandshakeConstraintViolationException"
SCP = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]


def epoch_ms(t):
    """Epoch milliseconds of a CLI number or a boto3 datetime."""
    return round((t if isinstance(t, (int, float)) else t.timestamp()) * 1000)


def by_type(items):
    """Parties or Resources keyed by Type (AWS gives no order guarantee)."""
    return {x["Type"]: x.get("Id", x.get("Value")) for x in items}


def feature_set_of(invitation):
    org = next(r for r in invitation["Resources"] if r["Type"] == "ORGANIZATION")
    return by_type(org["Resources"])["ORGANIZATION_FEATURE_SET"]


class AllFeaturesCase(ServerTestCase):

    def client(self, account):
        return fast_client(self.server, account)

    def assertRefused(self, call, code, reason=None):
        with self.assertRaises(ClientError) as ctx:
            call()
        return self.assertClientError(ctx, code, reason)

    def cb_org(self, members=2, prefix=8):
        """A CONSOLIDATED_BILLING organization with `members` accounts that joined by invitation."""
        mgmt = new_account_id(prefix)
        org = self.client(mgmt).create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]
        accounts = [new_account_id(prefix) for _ in range(members)]
        for account in accounts:
            h = self.invite(mgmt, account)
            self.assertEqual(feature_set_of(h), "CONSOLIDATED_BILLING")
            self.client(account).accept_handshake(HandshakeId=h["Id"])
        return mgmt, org, accounts

    def invite(self, mgmt, account):
        return self.client(mgmt).invite_account_to_organization(
            Target={"Id": account, "Type": "ACCOUNT"})["Handshake"]

    def child(self, member, parent_id):
        """The APPROVE_ALL_FEATURES handshake of `member` under `parent_id` (exactly one)."""
        out = self.client(member).list_handshakes_for_account(
            Filter={"ParentHandshakeId": parent_id})["Handshakes"]
        self.assertEqual(len(out), 1, out)
        return out[0]

    def state(self, reader, handshake_id):
        return self.client(reader).describe_handshake(HandshakeId=handshake_id)["Handshake"]["State"]

    def feature_set(self, account):
        return self.client(account).describe_organization()["Organization"]["FeatureSet"]

    def check_parent(self, parent, mgmt, org_id):
        self.assertRegex(parent["Id"], HANDSHAKE_ID)
        self.assertEqual(parent["Action"], "ENABLE_ALL_FEATURES")
        self.assertEqual(parent["Arn"],
                         f"arn:aws:organizations::{mgmt}:handshake/{org_id}/enable_all_features/{parent['Id']}")
        self.assertEqual(parent["Parties"], [{"Id": org_id, "Type": "ORGANIZATION"}])
        self.assertEqual(parent["Resources"], [{"Type": "ORGANIZATION", "Value": org_id}])
        self.assertEqual(epoch_ms(parent["ExpirationTimestamp"]) - epoch_ms(parent["RequestedTimestamp"]),
                         NINETY_DAYS_MS)

    def check_child(self, child, parent, mgmt, org_id, member):
        self.assertRegex(child["Id"], HANDSHAKE_ID)
        self.assertEqual(child["Action"], "APPROVE_ALL_FEATURES")
        self.assertEqual(child["Arn"],
                         f"arn:aws:organizations::{mgmt}:handshake/{org_id}/approve_all_features/{child['Id']}")
        self.assertEqual(by_type(child["Parties"]), {"ORGANIZATION": org_id, "ACCOUNT": member})
        self.assertEqual(len(child["Parties"]), 2)
        self.assertEqual(by_type(child["Resources"]),
                         {"PARENT_HANDSHAKE": parent["Id"], "ORGANIZATION": org_id, "ACCOUNT": member})
        self.assertEqual(len(child["Resources"]), 3)
        self.assertEqual(epoch_ms(child["ExpirationTimestamp"]), epoch_ms(parent["ExpirationTimestamp"]))


class CliMigrationTest(AllFeaturesCase):
    """The whole migration with the aws CLI, acting as three accounts."""

    def test_enable_all_features_with_the_cli(self):
        mgmt, m1, m2 = (new_account_id(8) for _ in range(3))
        org = self.cli_ok(mgmt, "create-organization", "--feature-set", "CONSOLIDATED_BILLING")["Organization"]
        org_id = org["Id"]
        self.assertEqual(org["FeatureSet"], "CONSOLIDATED_BILLING")
        self.assertEqual(org["AvailablePolicyTypes"], [])

        invitations = self.cli_many([(mgmt, "invite-account-to-organization", "--target", f"Id={m},Type=ACCOUNT")
                                     for m in (m1, m2)])
        handshakes = []
        for r in invitations:
            self.assertEqual(r.returncode, 0, r)
            handshakes.append(r.json["Handshake"])
            self.assertEqual(feature_set_of(r.json["Handshake"]), "CONSOLIDATED_BILLING")
        for r in self.cli_many([(m, "accept-handshake", "--handshake-id", h["Id"])
                                for m, h in zip((m1, m2), handshakes)]):
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(r.json["Handshake"]["State"], "ACCEPTED")

        # The management account starts the migration: a REQUESTED parent, 90 days to go.
        parent = self.cli_ok(mgmt, "enable-all-features")["Handshake"]
        self.check_parent(parent, mgmt, org_id)
        self.assertEqual(parent["State"], "REQUESTED")

        # Each member finds its APPROVE_ALL_FEATURES handshake by the parent's id.
        listed = self.cli_many([(m, "list-handshakes-for-account", "--filter", f"ParentHandshakeId={parent['Id']}")
                                for m in (m1, m2)])
        children = {}
        for member, r in zip((m1, m2), listed):
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(len(r.json["Handshakes"]), 1, r)
            child = r.json["Handshakes"][0]
            self.check_child(child, parent, mgmt, org_id, member)
            self.assertEqual(child["State"], "OPEN")
            children[member] = child
        self.assertNotEqual(children[m1]["Id"], children[m2]["Id"])

        # The first approval leaves the parent REQUESTED: it cannot be finalised yet.
        out = self.cli_ok(m1, "accept-handshake", "--handshake-id", children[m1]["Id"])
        self.assertEqual(out["Handshake"]["State"], "ACCEPTED")
        self.assertEqual(self.cli_ok(mgmt, "describe-handshake", "--handshake-id", parent["Id"])
                         ["Handshake"]["State"], "REQUESTED")
        self.assertCliError(self.cli(mgmt, "accept-handshake", "--handshake-id", parent["Id"]),
                            "InvalidHandshakeTransitionException", "AcceptHandshake")

        # The second approval opens it; the organization is still on consolidated billing.
        out = self.cli_ok(m2, "accept-handshake", "--handshake-id", children[m2]["Id"])
        self.assertEqual(out["Handshake"]["State"], "ACCEPTED")
        described = self.cli_ok(mgmt, "describe-handshake", "--handshake-id", parent["Id"])["Handshake"]
        self.assertEqual(described["State"], "OPEN")
        self.check_parent(described, mgmt, org_id)
        self.assertEqual(self.cli_ok(m1, "describe-organization")["Organization"]["FeatureSet"],
                         "CONSOLIDATED_BILLING")

        # The management account finalises.
        out = self.cli_ok(mgmt, "accept-handshake", "--handshake-id", parent["Id"])
        self.assertEqual(out["Handshake"]["State"], "ACCEPTED")
        self.assertEqual(out["Handshake"]["Id"], parent["Id"])
        for account in (mgmt, m1):
            with self.subTest(account=account):
                o = self.cli_ok(account, "describe-organization")["Organization"]
                self.assertEqual(o["FeatureSet"], "ALL")
                self.assertEqual(o["AvailablePolicyTypes"], SCP)
        # The root's policy types stay disabled until EnablePolicyType (README, The policies).
        self.assertEqual(self.cli_ok(mgmt, "list-roots")["Roots"][0]["PolicyTypes"], [])

        # One way only.
        self.assertCliError(self.cli(mgmt, "enable-all-features"), HCVE, "EnableAllFeatures")
        self.assertRefused(lambda: self.client(mgmt).enable_all_features(), HCVE,
                           "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")
        # New invitations say ALL.
        third = new_account_id(8)
        h = self.cli_ok(mgmt, "invite-account-to-organization", "--target", f"Id={third},Type=ACCOUNT")["Handshake"]
        self.assertEqual(feature_set_of(h), "ALL")


class RefusalsTest(AllFeaturesCase):
    """Refusals and the side paths, through boto3 (which exposes Reason)."""

    def test_enable_all_features_refusals(self):
        all_mgmt = new_account_id(8)
        self.client(all_mgmt).create_organization()
        self.assertRefused(lambda: self.client(all_mgmt).enable_all_features(), HCVE,
                           "ORGANIZATION_ALREADY_HAS_ALL_FEATURES")
        self.assertRefused(lambda: self.client(new_account_id(8)).enable_all_features(),
                           "AWSOrganizationsNotInUseException")

        mgmt, org, (m1, m2) = self.cb_org()
        self.assertRefused(lambda: self.client(m1).enable_all_features(), "AccessDeniedException")
        parent = self.client(mgmt).enable_all_features()["Handshake"]
        self.assertEqual(parent["State"], "REQUESTED")
        self.assertRefused(lambda: self.client(mgmt).enable_all_features(), HCVE,
                           "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION")
        # Still one parent, two children.
        sent = self.client(mgmt).list_handshakes_for_organization(
            Filter={"ActionType": "ENABLE_ALL_FEATURES"})["Handshakes"]
        self.assertEqual([h["Id"] for h in sent], [parent["Id"]])
        children = self.client(mgmt).list_handshakes_for_organization(
            Filter={"ParentHandshakeId": parent["Id"]})["Handshakes"]
        self.assertEqual(len(children), 2)
        # The ActionType filter finds the member's child too.
        by_action = self.client(m1).list_handshakes_for_account(
            Filter={"ActionType": "APPROVE_ALL_FEATURES"})["Handshakes"]
        self.assertEqual([h["Id"] for h in by_action], [self.child(m1, parent["Id"])["Id"]])

    def test_invitations_are_canceled_and_refused_while_pending(self):
        mgmt, org, (m1,) = self.cb_org(members=1)
        waiting = new_account_id(8)
        pending_invite = self.invite(mgmt, waiting)
        parent = self.client(mgmt).enable_all_features()["Handshake"]
        self.assertEqual(self.state(waiting, pending_invite["Id"]), "CANCELED")
        self.assertRefused(lambda: self.client(waiting).accept_handshake(HandshakeId=pending_invite["Id"]),
                           "InvalidHandshakeTransitionException")
        self.assertRefused(lambda: self.invite(mgmt, waiting), HCVE, "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES")
        self.assertRefused(
            lambda: self.client(mgmt).invite_account_to_organization(
                Target={"Id": "someone-new@example.com", "Type": "EMAIL"}),
            HCVE, "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES")

        # Approved but not finalised: still refused. Canceled: allowed again.
        self.client(m1).accept_handshake(HandshakeId=self.child(m1, parent["Id"])["Id"])
        self.assertEqual(self.state(mgmt, parent["Id"]), "OPEN")
        self.assertRefused(lambda: self.invite(mgmt, waiting), HCVE, "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES")
        self.assertEqual(self.client(mgmt).cancel_handshake(HandshakeId=parent["Id"])["Handshake"]["State"],
                         "CANCELED")
        again = self.invite(mgmt, waiting)
        self.assertEqual(again["State"], "OPEN")
        self.assertEqual(feature_set_of(again), "CONSOLIDATED_BILLING")
        self.assertEqual(self.feature_set(mgmt), "CONSOLIDATED_BILLING")

    def test_who_may_act_on_each_handshake(self):
        mgmt, org, (m1, m2) = self.cb_org()
        stranger = new_account_id(8)
        parent = self.client(mgmt).enable_all_features()["Handshake"]
        c1 = self.child(m1, parent["Id"])
        # A party acting outside its role is denied; to anyone else the handshake does not exist.
        for who, code in ((mgmt, "AccessDeniedException"), (m2, "HandshakeNotFoundException"),
                          (stranger, "HandshakeNotFoundException")):
            for op in ("accept_handshake", "decline_handshake"):
                with self.subTest(who=who, op=op, handshake="child"):
                    self.assertRefused(lambda: getattr(self.client(who), op)(HandshakeId=c1["Id"]), code)
        for who, code in ((m1, "AccessDeniedException"), (m2, "HandshakeNotFoundException"),
                          (stranger, "HandshakeNotFoundException")):
            with self.subTest(who=who, op="cancel_handshake", handshake="child"):
                self.assertRefused(lambda: self.client(who).cancel_handshake(HandshakeId=c1["Id"]), code)
        # The parent's only party is the management account.
        for who in (m1, m2, stranger):
            for op in ("accept_handshake", "decline_handshake", "cancel_handshake"):
                with self.subTest(who=who, op=op, handshake="parent"):
                    self.assertRefused(lambda: getattr(self.client(who), op)(HandshakeId=parent["Id"]),
                                       "HandshakeNotFoundException")
        self.assertEqual(self.state(m1, c1["Id"]), "OPEN")
        self.assertEqual(self.state(mgmt, parent["Id"]), "REQUESTED")

        # Cancelling the parent cancels the open children; an accepted child stays ACCEPTED.
        self.client(m1).accept_handshake(HandshakeId=c1["Id"])
        c2 = self.child(m2, parent["Id"])
        self.assertEqual(self.client(mgmt).cancel_handshake(HandshakeId=parent["Id"])["Handshake"]["State"],
                         "CANCELED")
        self.assertEqual(self.state(m1, c1["Id"]), "ACCEPTED")
        self.assertEqual(self.child(m2, parent["Id"])["State"], "CANCELED")
        self.assertRefused(lambda: self.client(m2).accept_handshake(HandshakeId=c2["Id"]),
                           "InvalidHandshakeTransitionException")
        self.assertEqual(self.feature_set(mgmt), "CONSOLIDATED_BILLING")

    def test_declined_child_holds_the_parent_until_the_member_is_removed(self):
        mgmt, org, (m1, m2) = self.cb_org()
        parent = self.client(mgmt).enable_all_features()["Handshake"]
        self.client(m1).accept_handshake(HandshakeId=self.child(m1, parent["Id"])["Id"])
        c2 = self.child(m2, parent["Id"])
        self.assertEqual(self.client(m2).decline_handshake(HandshakeId=c2["Id"])["Handshake"]["State"], "DECLINED")
        self.assertEqual(self.state(mgmt, parent["Id"]), "REQUESTED")
        self.assertRefused(lambda: self.client(mgmt).accept_handshake(HandshakeId=parent["Id"]),
                           "InvalidHandshakeTransitionException")
        # DeleteOrganization is refused while members remain.
        self.assertRefused(lambda: self.client(mgmt).delete_organization(), "OrganizationNotEmptyException")

        self.client(mgmt).remove_account_from_organization(AccountId=m2)
        self.assertEqual(self.state(mgmt, parent["Id"]), "OPEN")
        self.client(mgmt).accept_handshake(HandshakeId=parent["Id"])
        self.assertEqual(self.feature_set(m1), "ALL")

    def test_delete_organization_cancels_a_pending_migration(self):
        mgmt, org, (m1,) = self.cb_org(members=1)
        parent = self.client(mgmt).enable_all_features()["Handshake"]
        c1 = self.child(m1, parent["Id"])
        self.client(mgmt).remove_account_from_organization(AccountId=m1)
        self.client(mgmt).delete_organization()
        self.assertEqual(self.state(mgmt, parent["Id"]), "CANCELED")
        self.assertEqual(self.state(m1, c1["Id"]), "CANCELED")
        self.assertRefused(lambda: self.client(mgmt).describe_organization(), "AWSOrganizationsNotInUseException")


class ExpiryTest(AllFeaturesCase):
    """After 90 days the pending migration expires (the clock is this server's alone)."""

    def advance(self, seconds):
        res = self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": seconds})
        self.assertEqual(res.status, 200, res)
        return res.json

    def test_pending_migration_expires_after_90_days(self):
        mgmt, org, (m1, m2) = self.cb_org(prefix=6)
        parent = self.cli_ok(mgmt, "enable-all-features")["Handshake"]
        self.check_parent(parent, mgmt, org["Id"])
        c1, c2 = self.child(m1, parent["Id"]), self.child(m2, parent["Id"])
        self.advance(80 * DAY)
        self.client(m1).accept_handshake(HandshakeId=c1["Id"])  # accepted late, still listed at day 90
        self.assertEqual(self.state(mgmt, parent["Id"]), "REQUESTED")
        self.assertRefused(lambda: self.invite(mgmt, new_account_id(6)), HCVE,
                           "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES")

        self.advance(10 * DAY + 5)
        described = self.cli_ok(mgmt, "describe-handshake", "--handshake-id", parent["Id"])["Handshake"]
        self.assertEqual(described["State"], "EXPIRED")
        self.assertEqual(self.child(m2, parent["Id"])["State"], "EXPIRED")
        self.assertEqual(self.state(m1, c1["Id"]), "ACCEPTED")
        self.assertRefused(lambda: self.client(m2).accept_handshake(HandshakeId=c2["Id"]),
                           "InvalidHandshakeTransitionException")
        self.assertRefused(lambda: self.client(mgmt).accept_handshake(HandshakeId=parent["Id"]),
                           "InvalidHandshakeTransitionException")
        self.assertEqual(self.feature_set(mgmt), "CONSOLIDATED_BILLING")
        self.assertEqual(self.client(mgmt).list_roots()["Roots"][0]["PolicyTypes"], [])

        # Invitations work again, and a new migration starts afresh.
        invited = new_account_id(6)
        h = self.invite(mgmt, invited)
        self.assertEqual(h["State"], "OPEN")
        self.client(invited).accept_handshake(HandshakeId=h["Id"])
        again = self.client(mgmt).enable_all_features()["Handshake"]
        self.assertNotEqual(again["Id"], parent["Id"])
        self.assertEqual(again["State"], "REQUESTED")
        for member in (m1, m2, invited):
            with self.subTest(member=member):
                self.assertEqual(self.child(member, again["Id"])["State"], "OPEN")


if __name__ == "__main__":
    harness.main()
