"""Trusted access, delegated administrators and the delegation policy with the real clients (issue
16): a landing-zone setup with the AWS CLI (five services trusted, two delegated administrators, the
administrator reading the organization, a plain member refused), boto3 on the delegation policy
(a member may create and attach a tag policy and not an SCP), the access matrix of every
operation as management account, delegated administrator, plain member and standalone account,
and state kept across a restart. Expectations are AWS's (API Reference of each operation; User
Guide, "Delegated administrator for AWS Organizations").
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, join_members, new_account_id  # noqa: E402
from test_admin_cli import localorgs, parse_table  # noqa: E402

ClientError = botocore.exceptions.ClientError

SERVICES = ["guardduty.amazonaws.com", "securityhub.amazonaws.com", "sso.amazonaws.com",
            "member.org.stacksets.cloudformation.amazonaws.com", "health.amazonaws.com"]
TAG_POLICY = json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}})
DENY_S3 = json.dumps({"Version": "2012-10-17",
                      "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})


def delegation_policy(account, org_id, mgmt):
    """The User Guide's example, for tag policies instead of backup policies."""
    principal = {"AWS": f"arn:aws:iam::{account}:root"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DelegatingNecessaryDescribeListActions", "Effect": "Allow", "Principal": principal,
         "Action": ["organizations:DescribeOrganization", "organizations:ListRoots",
                    "organizations:ListAccounts", "organizations:ListChildren"],
         "Resource": "*"},
        {"Sid": "DelegatingAllActionsForTagPolicies", "Effect": "Allow", "Principal": principal,
         "Action": ["organizations:CreatePolicy", "organizations:UpdatePolicy", "organizations:DeletePolicy",
                    "organizations:AttachPolicy", "organizations:DetachPolicy", "organizations:DescribePolicy",
                    "organizations:ListPolicies"],
         "Resource": [f"arn:aws:organizations::{mgmt}:root/{org_id}/r-*",
                      f"arn:aws:organizations::{mgmt}:ou/{org_id}/*",
                      f"arn:aws:organizations::{mgmt}:account/{org_id}/*",
                      f"arn:aws:organizations::{mgmt}:policy/{org_id}/tag_policy/*"],
         "Condition": {"StringLikeIfExists": {"organizations:PolicyType": "TAG_POLICY"}}}]})


class LandingZoneCliTest(ServerTestCase):
    """The AWS CLI as a landing zone uses it."""

    def test_trusted_services_delegated_administrators_and_who_reads(self):
        mgmt, security, logs, plain = (new_account_id(7) for _ in range(4))
        org = self.cli_ok(mgmt, "create-organization")["Organization"]["Id"]
        join_members(self.server, mgmt, [security, logs, plain])
        for principal in SERVICES:
            self.cli_ok(mgmt, "enable-aws-service-access", "--service-principal", principal)
        listed = self.cli_ok(mgmt, "list-aws-service-access-for-organization")["EnabledServicePrincipals"]
        self.assertEqual([s["ServicePrincipal"] for s in listed], sorted(SERVICES))
        enabled = {s["ServicePrincipal"]: s["DateEnabled"] for s in listed}
        self.assertEqual([enabled[p] for p in SERVICES], sorted(enabled[p] for p in SERVICES))  # in enabling order

        self.cli_ok(mgmt, "register-delegated-administrator", "--account-id", security,
                    "--service-principal", "guardduty.amazonaws.com")
        self.cli_ok(mgmt, "register-delegated-administrator", "--account-id", security,
                    "--service-principal", "securityhub.amazonaws.com")
        self.cli_ok(mgmt, "register-delegated-administrator", "--account-id", logs,
                    "--service-principal", "member.org.stacksets.cloudformation.amazonaws.com")
        admins = self.cli_ok(mgmt, "list-delegated-administrators")["DelegatedAdministrators"]
        self.assertEqual(sorted(a["Id"] for a in admins), sorted([security, logs]))
        for a in admins:
            self.assertEqual((a["Status"], a["State"], a["JoinedMethod"]), ("ACTIVE", "ACTIVE", "INVITED"))
            self.assertIn("DelegationEnabledDate", a)
        only = self.cli_ok(mgmt, "list-delegated-administrators", "--service-principal", "guardduty.amazonaws.com")
        self.assertEqual([a["Id"] for a in only["DelegatedAdministrators"]], [security])
        services = self.cli_ok(mgmt, "list-delegated-services-for-account", "--account-id", security)
        self.assertEqual([s["ServicePrincipal"] for s in services["DelegatedServices"]],
                         ["guardduty.amazonaws.com", "securityhub.amazonaws.com"])

        # The delegated administrator reads the organization; a plain member does not.
        accounts = self.cli_ok(security, "list-accounts")["Accounts"]
        self.assertEqual(len(accounts), 4)
        self.assertEqual(self.cli_ok(security, "describe-account", "--account-id", plain)["Account"]["Id"], plain)
        self.cli_ok(logs, "list-roots")
        self.assertCliError(self.cli(plain, "list-accounts"), "AccessDeniedException", "ListAccounts")
        self.assertCliError(self.cli(security, "create-organizational-unit", "--parent-id",
                                     self.cli_ok(mgmt, "list-roots")["Roots"][0]["Id"], "--name", "x"),
                            "AccessDeniedException", "CreateOrganizationalUnit")

        # Refusals as AWS gives them.
        def refused(account, code, operation, *args):
            return self.assertCliError(self.cli(account, *args), code, operation)

        register = ("register-delegated-administrator", "--account-id", plain, "--service-principal")
        self.assertIn("already has a delegated administrator",
                      refused(mgmt, "ConstraintViolationException", "RegisterDelegatedAdministrator",
                              *register, "guardduty.amazonaws.com"))
        self.assertIn("EnableAWSServiceAccess",
                      refused(mgmt, "ConstraintViolationException", "RegisterDelegatedAdministrator",
                              *register, "config.amazonaws.com"))
        self.assertIn("unrecognized service principal",
                      refused(mgmt, "InvalidInputException", "EnableAWSServiceAccess", "enable-aws-service-access",
                              "--service-principal", "stacksets.cloudformation.amazonaws.com"))
        self.assertIn("delegated administrator",
                      refused(mgmt, "ConstraintViolationException", "RemoveAccountFromOrganization",
                              "remove-account-from-organization", "--account-id", security))

        # The control plane and the admin command line show the same.
        shown = json.loads(self.server.control("GET", f"/_localorgs/organizations/{org}/delegation").body)
        self.assertEqual([s["ServicePrincipal"] for s in shown["TrustedServices"]], sorted(SERVICES))
        self.assertEqual(sorted((a["AccountId"], a["ServicePrincipal"]) for a in shown["DelegatedAdministrators"]),
                         sorted([(security, "guardduty.amazonaws.com"), (security, "securityhub.amazonaws.com"),
                                 (logs, "member.org.stacksets.cloudformation.amazonaws.com")]))
        self.assertIsNone(shown["ResourcePolicy"])
        self.assertEqual(self.server.control("GET", "/_localorgs/organizations/o-nothere000/delegation").status, 404)
        out = localorgs("delegation", org, "--endpoint", self.server.url)
        self.assertEqual(out.returncode, 0, out)
        services_table, admins_table, policy_line = out.stdout.split("\n\n")
        self.assertEqual([r["TRUSTED SERVICE"] for r in parse_table(services_table)], sorted(SERVICES))
        self.assertEqual(sorted(r["DELEGATED ADMINISTRATOR"] for r in parse_table(admins_table)),
                         sorted([security, security, logs]))
        self.assertIn("No delegation policy.", policy_line)

        # Deregistering the last service takes the read access away.
        self.cli_ok(mgmt, "deregister-delegated-administrator", "--account-id", logs,
                    "--service-principal", "member.org.stacksets.cloudformation.amazonaws.com")
        self.assertCliError(self.cli(logs, "list-roots"), "AccessDeniedException", "ListRoots")
        self.assertCliError(self.cli(mgmt, "list-delegated-services-for-account", "--account-id", logs),
                            "AccountNotRegisteredException", "ListDelegatedServicesForAccount")

        # Trusted access and registrations are kept across a restart.
        self.server.restart()
        self.assertEqual(len(self.cli_ok(mgmt, "list-aws-service-access-for-organization")
                             ["EnabledServicePrincipals"]), 5)
        self.assertEqual(len(self.cli_ok(security, "list-accounts")["Accounts"]), 4)
        self.cli_ok(mgmt, "disable-aws-service-access", "--service-principal", "health.amazonaws.com")
        self.assertEqual(len(self.cli_ok(mgmt, "list-aws-service-access-for-organization")
                             ["EnabledServicePrincipals"]), 4)


class DelegationPolicyBoto3Test(ServerTestCase):
    """boto3 on the delegation policy: a member manages tag policies, and only them."""

    def test_a_member_creates_and_attaches_a_tag_policy_and_not_an_scp(self):
        mgmt, admin, other = (new_account_id(8) for _ in range(3))
        m = self.client(mgmt)
        org = m.create_organization(FeatureSet="ALL")["Organization"]
        join_members(self.server, mgmt, [admin, other])
        root = m.list_roots()["Roots"][0]["Id"]
        for t in ("SERVICE_CONTROL_POLICY", "TAG_POLICY"):
            m.enable_policy_type(RootId=root, PolicyType=t)
        with self.assertRaises(ClientError) as ctx:
            m.describe_resource_policy()
        self.assertClientError(ctx, "ResourcePolicyNotFoundException")

        content = delegation_policy(admin, org["Id"], mgmt)
        put = m.put_resource_policy(Content=content, Tags=[{"Key": "owner", "Value": "platform"}])["ResourcePolicy"]
        summary = put["ResourcePolicySummary"]
        self.assertRegex(summary["Id"], r"^rp-[0-9a-zA-Z_]{4,128}$")
        self.assertEqual(summary["Arn"], f"arn:aws:organizations::{mgmt}:resourcepolicy/{org['Id']}/{summary['Id']}")
        self.assertEqual(m.describe_resource_policy()["ResourcePolicy"]["Content"], content)
        self.assertEqual(m.list_tags_for_resource(ResourceId=summary["Id"])["Tags"],
                         [{"Key": "owner", "Value": "platform"}])

        a = self.client(admin)
        policy = a.create_policy(Name="tags", Description="cost centers", Type="TAG_POLICY",
                                 Content=TAG_POLICY)["Policy"]["PolicySummary"]
        a.attach_policy(PolicyId=policy["Id"], TargetId=other)
        self.assertEqual([p["Id"] for p in m.list_policies_for_target(TargetId=other, Filter="TAG_POLICY")["Policies"]],
                         [policy["Id"]])
        self.assertEqual(len(a.list_accounts()["Accounts"]), 3)
        for call in (lambda: a.create_policy(Name="scp", Description="d", Type="SERVICE_CONTROL_POLICY",
                                             Content=DENY_S3),
                     lambda: a.list_policies(Filter="SERVICE_CONTROL_POLICY"),
                     lambda: a.list_delegated_administrators(),
                     lambda: self.client(other).create_policy(Name="x", Description="d", Type="TAG_POLICY",
                                                              Content=TAG_POLICY)):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assertClientError(ctx, "AccessDeniedException")

        # What the policy may not hold is refused with its reason.
        bad = json.loads(content)
        bad["Statement"][0]["Action"].append("organizations:MoveAccount")
        with self.assertRaises(ClientError) as ctx:
            m.put_resource_policy(Content=json.dumps(bad))
        self.assertClientError(ctx, "InvalidInputException", "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY")
        with self.assertRaises(ClientError) as ctx:
            m.put_resource_policy(Content="{")
        self.assertClientError(ctx, "InvalidInputException", "INVALID_RESOURCE_POLICY_JSON")

        # Deleted, the delegation is gone.
        m.delete_resource_policy()
        with self.assertRaises(ClientError) as ctx:
            a.create_policy(Name="tags2", Description="d", Type="TAG_POLICY", Content=TAG_POLICY)
        self.assertClientError(ctx, "AccessDeniedException")


# Every implemented operation with a request that is valid for the organization the test builds;
# the caller class decides the answer (model/access.cpp). Operations that act on the caller itself
# (LeaveOrganization, CreateOrganization, DeleteOrganization) are left to their own tests.
def matrix_calls(ids):
    return {
        "DescribeOrganization": {},
        "ListRoots": {},
        "ListAccounts": {},
        "DescribeAccount": {"AccountId": ids["plain"]},
        "ListChildren": {"ParentId": ids["root"], "ChildType": "ACCOUNT"},
        "ListParents": {"ChildId": ids["plain"]},
        "ListAccountsForParent": {"ParentId": ids["root"]},
        "ListOrganizationalUnitsForParent": {"ParentId": ids["root"]},
        "DescribeOrganizationalUnit": {"OrganizationalUnitId": ids["ou"]},
        "ListCreateAccountStatus": {},
        "ListHandshakesForOrganization": {},
        "ListHandshakesForAccount": {},
        "ListPolicies": {"Filter": "SERVICE_CONTROL_POLICY"},
        "ListPoliciesForTarget": {"TargetId": ids["root"], "Filter": "SERVICE_CONTROL_POLICY"},
        "ListTargetsForPolicy": {"PolicyId": "p-FullAWSAccess"},
        "DescribePolicy": {"PolicyId": "p-FullAWSAccess"},
        "ListTagsForResource": {"ResourceId": ids["root"]},
        "ListAWSServiceAccessForOrganization": {},
        "ListDelegatedAdministrators": {},
        "ListDelegatedServicesForAccount": {"AccountId": ids["admin"]},
        "CreateOrganizationalUnit": {"ParentId": ids["root"], "Name": "matrix"},
        "EnableAWSServiceAccess": {"ServicePrincipal": "sso.amazonaws.com"},
        "PutResourcePolicy": {"Content": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ids["admin"]}, "Action": "organizations:ListRoots",
             "Resource": "*"}]})},
        "TagResource": {"ResourceId": ids["root"], "Tags": [{"Key": "k", "Value": "v"}]},
        "CreatePolicy": {"Name": "matrix", "Description": "d", "Type": "SERVICE_CONTROL_POLICY",
                         "Content": DENY_S3},
    }


# What each caller class gets: True when allowed, else the error code.
EXPECTED = {
    "DescribeOrganization": ("ok", "ok", "ok", "AWSOrganizationsNotInUseException"),
    "ListHandshakesForAccount": ("ok", "ok", "ok", "ok"),
}
READ = {"ListRoots", "ListAccounts", "DescribeAccount", "ListChildren", "ListParents", "ListAccountsForParent",
        "ListOrganizationalUnitsForParent", "DescribeOrganizationalUnit", "ListCreateAccountStatus",
        "ListHandshakesForOrganization", "ListPolicies", "ListPoliciesForTarget", "ListTargetsForPolicy",
        "DescribePolicy", "ListTagsForResource", "ListAWSServiceAccessForOrganization",
        "ListDelegatedAdministrators", "ListDelegatedServicesForAccount"}
for _op in READ:
    EXPECTED[_op] = ("ok", "ok", "AccessDeniedException", "AWSOrganizationsNotInUseException")
for _op in ("CreateOrganizationalUnit", "EnableAWSServiceAccess", "PutResourcePolicy", "TagResource", "CreatePolicy"):
    EXPECTED[_op] = ("ok", "AccessDeniedException", "AccessDeniedException", "AWSOrganizationsNotInUseException")


class AccessMatrixTest(ServerTestCase):
    """Every operation above as management account, delegated administrator, plain member and
    standalone account, against the table of who may call what."""

    def test_each_caller_class_gets_what_the_table_says(self):
        mgmt, admin, plain, standalone = (new_account_id(9) for _ in range(4))
        m = self.client(mgmt)
        m.create_organization(FeatureSet="ALL")
        join_members(self.server, mgmt, [admin, plain])
        root = m.list_roots()["Roots"][0]["Id"]
        m.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
        ou = m.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
        m.enable_aws_service_access(ServicePrincipal="guardduty.amazonaws.com")
        m.register_delegated_administrator(AccountId=admin, ServicePrincipal="guardduty.amazonaws.com")
        ids = {"root": root, "ou": ou, "admin": admin, "plain": plain}
        callers = (mgmt, admin, plain, standalone)
        calls = matrix_calls(ids)
        self.assertEqual(set(calls), set(EXPECTED))
        # Writes by the management account last, so the readers see one organization.
        order = sorted(calls, key=lambda op: EXPECTED[op][0] == "ok" and EXPECTED[op][1] != "ok")
        for op in order:
            for who, expected in zip(callers, EXPECTED[op]):
                if op in ("CreateOrganizationalUnit", "CreatePolicy") and who == mgmt:
                    calls[op] = dict(calls[op], Name=f"matrix-{op}")
                r = self.server.api(op, json.dumps(calls[op]).encode(), account=who)
                with self.subTest(operation=op, caller=who):
                    if expected == "ok":
                        self.assertEqual(r.status, 200, r)
                    else:
                        self.assertEqual(r.status, 400, r)
                        self.assertEqual(json.loads(r.body)["__type"], expected, r)


if __name__ == "__main__":
    harness.main()
