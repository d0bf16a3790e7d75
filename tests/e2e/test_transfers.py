"""Responsibility (billing) transfers with the real clients (issue 17): two organizations through
the whole lifecycle with the AWS CLI and boto3 (invite, list on both sides, accept, describe,
rename, terminate), decline, cancel and expiry on the control plane's clock, the control plane's and
the admin command line's view, a restart in the middle of a lifecycle, and accept racing cancel.
Expectations are AWS's (API Reference of InviteOrganizationToTransferResponsibility and the other
transfer operations; Billing User Guide, "Transferring billing management to external accounts").
"""

import datetime
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, new_account_id  # noqa: E402
from test_admin_cli import localorgs, parse_table  # noqa: E402

ClientError = botocore.exceptions.ClientError
TRANSFER_ID = re.compile(r"^rt-[0-9a-z]{8,32}$")
TRANSFER_ARN = re.compile(r"^arn:aws:organizations::(\d{12}):transfer/(o-[a-z0-9]{10,32})/billing/(inbound|outbound)/"
                          r"(rt-[0-9a-z]{8,32})$")
DAY = 24 * 3600


def month_start(t, ahead):
    """The first instant (UTC) of the month `ahead` months after the one of epoch seconds `t`."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    m = d.year * 12 + d.month - 1 + ahead
    return datetime.datetime(m // 12, m % 12 + 1, 1, tzinfo=datetime.timezone.utc)


def month_end(start):
    """The last millisecond of the month that begins at `start`, as a datetime."""
    return month_start(start.timestamp(), 1) - datetime.timedelta(milliseconds=1)


class TransfersCase(ServerTestCase):

    def now(self):
        return self.server.control("GET", "/_localorgs/clock").json["Now"]

    def start(self, ahead=2):
        """A start AWS takes: the first of a month, far enough ahead."""
        return month_start(self.now(), ahead)

    def two_orgs(self):
        payer, source = new_account_id(3), new_account_id(3)
        orgs = {}
        for account in (payer, source):
            orgs[account] = self.client(account).create_organization()["Organization"]["Id"]
        return payer, orgs[payer], source, orgs[source]

    def invite(self, payer, source, start=None, **kw):
        return self.client(payer).invite_organization_to_transfer_responsibility(
            Type="BILLING", Target={"Id": source, "Type": "ACCOUNT"}, StartTimestamp=start or self.start(),
            SourceName=kw.pop("SourceName", "Bill"), **kw)["Handshake"]

    @staticmethod
    def transfer_id(handshake):
        return next(r["Value"] for r in handshake["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER")


class TransferLifecycleCliTest(TransfersCase):
    """The AWS CLI through every transfer operation, between two organizations."""

    def test_lifecycle_with_the_cli(self):
        payer, payer_org, source, source_org = self.two_orgs()
        start = self.start()
        h = self.cli_ok(payer, "invite-organization-to-transfer-responsibility", "--type", "BILLING",
                        "--target", f"Id={source},Type=ACCOUNT", "--start-timestamp", start.isoformat(),
                        "--source-name", "Bill of the source", "--notes", "We pay from now on",
                        "--tags", "Key=team,Value=finance")["Handshake"]
        self.assertEqual(h["Action"], "TRANSFER_RESPONSIBILITY")
        self.assertEqual(h["State"], "OPEN")
        self.assertEqual(h["Arn"], f"arn:aws:organizations::{payer}:handshake/{payer_org}/transfer_responsibility/"
                                   f"{h['Id']}")
        self.assertEqual(h["Parties"], [{"Id": payer_org, "Type": "ORGANIZATION"}, {"Id": source, "Type": "ACCOUNT"}])
        rt = self.transfer_id(h)
        self.assertRegex(rt, TRANSFER_ID)
        by_type = {r["Type"]: r for r in h["Resources"]}
        self.assertEqual(by_type["RESPONSIBILITY_TRANSFER"]["Resources"], [
            {"Type": "TRANSFER_TYPE", "Value": "BILLING"},
            {"Type": "TRANSFER_START_TIMESTAMP", "Value": start.strftime("%Y-%m-%dT%H:%M:%S.000Z")}])
        self.assertEqual(by_type["MANAGEMENT_ACCOUNT"]["Value"], payer)
        self.assertEqual(by_type["ACCOUNT"]["Value"], source)
        self.assertEqual(by_type["NOTES"]["Value"], "We pay from now on")
        self.assertLessEqual(h["ExpirationTimestamp"] - h["RequestedTimestamp"], 15 * DAY + 0.001)

        # Listed on both sides: the handshake, and the transfer.
        received = self.cli_ok(source, "list-handshakes-for-account", "--filter",
                               "ActionType=TRANSFER_RESPONSIBILITY")["Handshakes"]
        self.assertEqual([x["Id"] for x in received], [h["Id"]])
        inbound = self.cli_ok(payer, "list-inbound-responsibility-transfers", "--type", "BILLING")
        self.assertEqual([t["Id"] for t in inbound["ResponsibilityTransfers"]], [rt])
        t = inbound["ResponsibilityTransfers"][0]
        self.assertEqual(t["Status"], "REQUESTED")
        self.assertEqual(t["Name"], "Bill of the source")
        self.assertEqual(TRANSFER_ARN.match(t["Arn"]).groups(), (payer, payer_org, "inbound", rt))
        self.assertEqual(t["Target"]["ManagementAccountId"], payer)
        self.assertEqual(t["Source"]["ManagementAccountId"], source)
        self.assertEqual(t["ActiveHandshakeId"], h["Id"])
        self.assertEqual(t["StartTimestamp"], start.timestamp())
        outbound = self.cli_ok(source, "list-outbound-responsibility-transfers", "--type", "BILLING")
        self.assertEqual(TRANSFER_ARN.match(outbound["ResponsibilityTransfers"][0]["Arn"]).groups(),
                         (source, source_org, "outbound", rt))
        self.assertEqual(self.cli_ok(payer, "list-outbound-responsibility-transfers", "--type", "BILLING")
                         ["ResponsibilityTransfers"], [])

        # The email AWS would send.
        email = self.server.control("GET", f"/_localorgs/accounts/{source}").json["Email"]
        mail = self.server.control("GET", f"/_localorgs/outbox?to={email}").json["Messages"]
        self.assertEqual([m["HandshakeId"] for m in mail], [h["Id"]])
        self.assertIn(rt, mail[0]["Body"])

        accepted = self.cli_ok(source, "accept-handshake", "--handshake-id", h["Id"])["Handshake"]
        self.assertEqual(accepted["State"], "ACCEPTED")
        for account, side in ((payer, "inbound"), (source, "outbound")):
            t = self.cli_ok(account, "describe-responsibility-transfer", "--id", rt)["ResponsibilityTransfer"]
            self.assertEqual(t["Status"], "ACCEPTED")
            self.assertEqual(TRANSFER_ARN.match(t["Arn"]).group(3), side)
        self.assertEqual(self.cli_ok(source, "list-tags-for-resource", "--resource-id", rt)["Tags"],
                         [{"Key": "team", "Value": "finance"}])

        renamed = self.cli_ok(payer, "update-responsibility-transfer", "--id", rt, "--name", "Renamed")
        self.assertEqual(renamed["ResponsibilityTransfer"]["Name"], "Renamed")
        r = self.cli(source, "update-responsibility-transfer", "--id", rt, "--name", "Mine")
        self.assertCliError(r, "AccessDeniedException", "UpdateResponsibilityTransfer")

        end = month_end(start)
        done = self.cli_ok(source, "terminate-responsibility-transfer", "--id", rt,
                           "--end-timestamp", end.isoformat())["ResponsibilityTransfer"]
        self.assertEqual(done["Status"], "WITHDRAWN")
        self.assertAlmostEqual(done["EndTimestamp"], end.timestamp(), places=3)
        self.assertEqual(done["Name"], "Renamed")
        r = self.cli(payer, "terminate-responsibility-transfer", "--id", rt)
        self.assertCliError(r, "ResponsibilityTransferAlreadyInStatusException", "TerminateResponsibilityTransfer")
        stranger = new_account_id(3)
        self.client(stranger).create_organization()
        r = self.cli(stranger, "describe-responsibility-transfer", "--id", rt)
        self.assertCliError(r, "ResponsibilityTransferNotFoundException", "DescribeResponsibilityTransfer")


class TransferBoto3Test(TransfersCase):
    """boto3: refusals with their Reasons, decline, cancel, expiry, the control plane and the admin CLI."""

    def test_refusals_have_their_reasons(self):
        payer, payer_org, source, source_org = self.two_orgs()
        c = self.client(payer)
        cases = [
            (dict(StartTimestamp=self.start() + datetime.timedelta(hours=1)), "InvalidInputException",
             "START_DATE_NOT_BEGINNING_OF_DAY"),
            (dict(StartTimestamp=self.start() + datetime.timedelta(days=3)), "InvalidInputException",
             "START_DATE_NOT_BEGINNING_OF_MONTH"),
            (dict(StartTimestamp=self.start(0)), "InvalidInputException", "START_DATE_TOO_EARLY"),
            (dict(StartTimestamp=self.start(14)), "InvalidInputException", "START_DATE_TOO_LATE"),
            (dict(Target={"Id": payer_org, "Type": "ORGANIZATION"}), "InvalidInputException",
             "INVALID_PARTY_TYPE_TARGET"),
            (dict(Target={"Id": payer, "Type": "ACCOUNT"}), "HandshakeConstraintViolationException",
             "SOURCE_AND_TARGET_CANNOT_MATCH"),
        ]
        for change, code, reason in cases:
            with self.subTest(reason=reason):
                args = dict(Type="BILLING", Target={"Id": source, "Type": "ACCOUNT"}, StartTimestamp=self.start(),
                            SourceName="Bill")
                args.update(change)
                with self.assertRaises(ClientError) as ctx:
                    c.invite_organization_to_transfer_responsibility(**args)
                self.assertClientError(ctx, code, reason)
        h = self.invite(payer, source)
        with self.assertRaises(ClientError) as ctx:
            self.invite(payer, source)
        self.assertClientError(ctx, "DuplicateHandshakeException")
        # An account in no organization may not list; nobody deletes an organization with an invitation pending.
        with self.assertRaises(ClientError) as ctx:
            self.client(new_account_id(3)).list_inbound_responsibility_transfers(Type="BILLING")
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")
        for account in (payer, source):
            with self.assertRaises(ClientError) as ctx:
                self.client(account).delete_organization()
            self.assertClientError(ctx, "ConstraintViolationException", "ACTIVE_RESPONSIBILITY_TRANSFER_PROCESS")
        with self.assertRaises(ClientError) as ctx:
            c.terminate_responsibility_transfer(Id=self.transfer_id(h))
        self.assertClientError(ctx, "InvalidResponsibilityTransferTransitionException")
        with self.assertRaises(ClientError) as ctx:
            c.describe_responsibility_transfer(Id="rt-0123456789abcdef")
        self.assertClientError(ctx, "ResponsibilityTransferNotFoundException")
        # The inbound quota, set on the control plane like every quota.
        res = self.server.control("PUT", f"/_localorgs/organizations/{payer_org}/quotas",
                                  {"MaxInboundResponsibilityTransfers": 1})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["MaxInboundResponsibilityTransfers"], 1)
        other = new_account_id(3)
        self.client(other).create_organization()
        with self.assertRaises(ClientError) as ctx:
            self.invite(payer, other)
        self.assertClientError(ctx, "ConstraintViolationException", "RESPONSIBILITY_TRANSFER_MAX_INBOUND_QUOTA_VIOLATION")
        # Declined: the quota is free, and the source's organization may go.
        self.assertEqual(self.client(source).decline_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "DECLINED")
        self.assertEqual(c.describe_responsibility_transfer(Id=self.transfer_id(h))["ResponsibilityTransfer"]["Status"],
                         "DECLINED")
        self.client(source).delete_organization()
        self.invite(payer, other)

    def test_cancel_and_expiry_on_the_control_plane_clock(self):
        payer, payer_org, source, source_org = self.two_orgs()
        canceled = self.invite(payer, source)
        self.assertEqual(self.client(payer).cancel_handshake(HandshakeId=canceled["Id"])["Handshake"]["State"],
                         "CANCELED")
        expiring = self.invite(payer, source, SourceName="Second")
        listed = self.client(payer).list_inbound_responsibility_transfers(Type="BILLING", MaxResults=1)
        self.assertEqual(len(listed["ResponsibilityTransfers"]), 1)
        rest = self.client(payer).list_inbound_responsibility_transfers(Type="BILLING", NextToken=listed["NextToken"])
        statuses = [t["Status"] for t in listed["ResponsibilityTransfers"] + rest["ResponsibilityTransfers"]]
        self.assertEqual(statuses, ["CANCELED", "REQUESTED"])
        self.assertNotIn("NextToken", rest)

        res = self.server.control("POST", "/_localorgs/clock", {"AdvanceSeconds": 15 * DAY})
        self.assertEqual(res.status, 200, res)
        try:
            rt = self.transfer_id(expiring)
            for account in (payer, source):
                t = self.client(account).describe_responsibility_transfer(Id=rt)["ResponsibilityTransfer"]
                self.assertEqual(t["Status"], "EXPIRED")
            self.assertEqual(self.client(source).describe_handshake(HandshakeId=expiring["Id"])["Handshake"]["State"],
                             "EXPIRED")
            with self.assertRaises(ClientError) as ctx:
                self.client(source).accept_handshake(HandshakeId=expiring["Id"])
            self.assertClientError(ctx, "InvalidHandshakeTransitionException")

            # The control plane and the admin command line show both, with their status.
            shown = self.server.control("GET", f"/_localorgs/transfers?organization={payer_org}").json["Transfers"]
            self.assertEqual([(t["Id"], t["Status"]) for t in shown],
                             [(self.transfer_id(canceled), "CANCELED"), (rt, "EXPIRED")])
            self.assertEqual(shown[1]["TargetAccountId"], payer)
            self.assertEqual(shown[1]["SourceAccountId"], source)
            out = localorgs("transfers", "--organization", payer_org, "--endpoint", self.server.url)
            self.assertEqual(out.returncode, 0, out)
            rows = parse_table(out.stdout)
            self.assertEqual([(r["ID"], r["STATUS"], r["SOURCE"]) for r in rows],
                             [(self.transfer_id(canceled), "CANCELED", source), (rt, "EXPIRED", source)])
        finally:
            self.server.control("POST", "/_localorgs/clock", {"Reset": True})


class TransferRestartTest(TransfersCase):
    """Every step survives a restart: the record, its handshake, the tags, the quotas."""

    def test_restart_mid_lifecycle(self):
        payer, payer_org, source, source_org = self.two_orgs()
        res = self.server.control("PUT", f"/_localorgs/organizations/{payer_org}/quotas",
                                  {"MaxInboundResponsibilityTransfers": 5})
        self.assertEqual(res.status, 200, res)
        h = self.invite(payer, source, Tags=[{"Key": "k", "Value": "v"}], Notes="restart")
        rt = self.transfer_id(h)
        before = self.client(payer).describe_responsibility_transfer(Id=rt)["ResponsibilityTransfer"]
        self.server.restart()
        self.assertEqual(self.client(payer).describe_responsibility_transfer(Id=rt)["ResponsibilityTransfer"], before)
        self.assertEqual(self.client(source).describe_handshake(HandshakeId=h["Id"])["Handshake"], h)
        self.client(source).accept_handshake(HandshakeId=h["Id"])
        self.server.restart()
        t = self.client(source).describe_responsibility_transfer(Id=rt)["ResponsibilityTransfer"]
        self.assertEqual(t["Status"], "ACCEPTED")
        self.assertEqual(self.client(payer).list_tags_for_resource(ResourceId=rt)["Tags"], [{"Key": "k", "Value": "v"}])
        quotas = self.server.control("GET", f"/_localorgs/organizations/{payer_org}/quotas").json
        self.assertEqual(quotas["MaxInboundResponsibilityTransfers"], 5)
        done = self.client(payer).terminate_responsibility_transfer(Id=rt)["ResponsibilityTransfer"]
        self.server.restart()
        self.assertEqual(self.client(source).list_outbound_responsibility_transfers(Type="BILLING")
                         ["ResponsibilityTransfers"][0]["EndTimestamp"], done["EndTimestamp"])


class TransferRaceTest(TransfersCase):
    """AcceptHandshake and CancelHandshake sent at once on each of many invitations: one winner each."""

    def test_accept_and_cancel_race_has_one_winner(self):
        payer = new_account_id(4)
        payer_org = self.client(payer).create_organization()["Organization"]["Id"]
        res = self.server.control("PUT", f"/_localorgs/organizations/{payer_org}/quotas",
                                  {"MaxInboundResponsibilityTransfers": 100})
        self.assertEqual(res.status, 200, res)
        sources = [new_account_id(4) for _ in range(20)]
        for s in sources:
            self.client(s).create_organization()
        handshakes = [self.invite(payer, s) for s in sources]
        calls = []
        for h, s in zip(handshakes, sources):
            calls += [("AcceptHandshake", {"HandshakeId": h["Id"]}, s), ("CancelHandshake", {"HandshakeId": h["Id"]}, payer)]
        results = harness.race(self, self.server, calls)
        won = {"ACCEPTED": 0, "CANCELED": 0}
        for i, (h, s) in enumerate(zip(handshakes, sources)):
            accept, cancel = results[2 * i], results[2 * i + 1]
            with self.subTest(handshake=h["Id"]):
                statuses = sorted([accept[0], cancel[0]])
                self.assertEqual(statuses, [200, 400], (accept, cancel))
                loser = accept if accept[0] == 400 else cancel
                self.assertEqual(loser[1]["__type"], "InvalidHandshakeTransitionException", loser)
                state = "ACCEPTED" if accept[0] == 200 else "CANCELED"
                won[state] += 1
                t = self.client(payer).describe_responsibility_transfer(Id=self.transfer_id(h))
                self.assertEqual(t["ResponsibilityTransfer"]["Status"], state)
        self.assertEqual(sum(won.values()), 20)
        print(f"  accept/cancel: {won}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    harness.main()
