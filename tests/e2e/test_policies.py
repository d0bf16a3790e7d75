"""Policies with the real clients (issue 15): a whole lifecycle across a three-level tree with the
AWS CLI, boto3 and the JavaScript SDK; the deny-leave SCP stopping a member and not the management
account; effective tag policies; org-formation's and Terraform's call patterns; every policy
attached everywhere read back identically after a restart; and the config switch that follows the
API text at CreateOrganization. Expectations are AWS's (API Reference of each operation; User
Guide, "Managing organization policies").
"""

import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, join_members, new_account_id  # noqa: E402
from test_clients import JS_DIR, NODE_TIMEOUT, js_node_modules  # noqa: E402

ClientError = botocore.exceptions.ClientError
POLICY_ID = re.compile(r"^p-[0-9a-z]{8,128}$")

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
DENY_LEAVE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]})
# The User Guide's tag policy example, split over two levels.
TAG_ROOT = json.dumps({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"},
                                               "tag_value": {"@@assign": ["100", "200"]}}}})
TAG_TEAM = json.dumps({"tags": {"costcenter": {"tag_value": {"@@append": ["300"]}}}})
SCP_ENABLED = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]


class PoliciesCase(ServerTestCase):

    def tree(self, mgmt, root, names=("Prod", "Apps", "Team")):
        """OUs one under the other from the root; returns their ids, top first."""
        c = self.client(mgmt)
        parent, out = root, []
        for name in names:
            parent = c.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
            out.append(parent)
        return out


class PolicyLifecycleCliTest(PoliciesCase):
    """The AWS CLI through every policy operation on a root, three OUs and a member."""

    def test_lifecycle_across_a_three_level_tree(self):
        mgmt, member = new_account_id(6), new_account_id(6)
        org = self.cli_ok(mgmt, "create-organization")["Organization"]
        root = self.cli_ok(mgmt, "list-roots")["Roots"][0]
        # AWS leaves every policy type disabled in a new root; the deprecated organization-level
        # list still shows SCPs.
        self.assertEqual(root["PolicyTypes"], [])
        self.assertEqual(org["AvailablePolicyTypes"], SCP_ENABLED)
        root = root["Id"]
        join_members(self.server, mgmt, [member])
        prod, apps, team = self.tree(mgmt, root)
        self.cli_ok(mgmt, "move-account", "--account-id", member, "--source-parent-id", root,
                    "--destination-parent-id", team)

        # Attaching before the type is enabled is refused.
        scp = self.cli_ok(mgmt, "create-policy", "--name", "deny-leave", "--description", "members stay",
                          "--type", "SERVICE_CONTROL_POLICY", "--content", DENY_LEAVE,
                          "--tags", "Key=owner,Value=platform")["Policy"]
        summary = scp["PolicySummary"]
        self.assertRegex(summary["Id"], POLICY_ID)
        self.assertEqual(summary["Arn"], f"arn:aws:organizations::{mgmt}:policy/{org['Id']}/service_control_policy/"
                                         f"{summary['Id']}")
        self.assertEqual((summary["Name"], summary["Description"], summary["Type"], summary["AwsManaged"]),
                         ("deny-leave", "members stay", "SERVICE_CONTROL_POLICY", False))
        self.assertEqual(scp["Content"], DENY_LEAVE)
        self.assertCliError(self.cli(mgmt, "attach-policy", "--policy-id", summary["Id"], "--target-id", apps),
                            "PolicyTypeNotEnabledException", "AttachPolicy")

        # Terraform enables the type and polls ListRoots until it is ENABLED.
        enabled = self.cli_ok(mgmt, "enable-policy-type", "--root-id", root, "--policy-type",
                              "SERVICE_CONTROL_POLICY")["Root"]
        self.assertEqual(enabled["PolicyTypes"], SCP_ENABLED)
        self.assertEqual(self.cli_ok(mgmt, "list-roots")["Roots"][0]["PolicyTypes"], SCP_ENABLED)
        self.assertCliError(self.cli(mgmt, "enable-policy-type", "--root-id", root, "--policy-type",
                                     "SERVICE_CONTROL_POLICY"), "PolicyTypeAlreadyEnabledException",
                            "EnablePolicyType")

        # FullAWSAccess is there, AWS-managed, attached to the root, every OU and every account.
        listed = self.cli_ok(mgmt, "list-policies", "--filter", "SERVICE_CONTROL_POLICY")["Policies"]
        self.assertEqual([p["Id"] for p in listed], ["p-FullAWSAccess", summary["Id"]])
        self.assertEqual(listed[0], {"Id": "p-FullAWSAccess", "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY",
                                     "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
                                     "Description": "Allows access to every operation", "AwsManaged": True})
        targets = self.cli_ok(mgmt, "list-targets-for-policy", "--policy-id", "p-FullAWSAccess")["Targets"]
        self.assertEqual({t["TargetId"] for t in targets}, {root, prod, apps, team, mgmt, member})
        by_id = {t["TargetId"]: t for t in targets}
        self.assertEqual(by_id[team], {"TargetId": team, "Name": "Team", "Type": "ORGANIZATIONAL_UNIT",
                                       "Arn": f"arn:aws:organizations::{mgmt}:ou/{org['Id']}/{team}"})
        self.assertEqual(by_id[root]["Type"], "ROOT")
        self.assertEqual(by_id[member]["Type"], "ACCOUNT")

        # The deny-leave SCP two levels above the member stops its LeaveOrganization.
        self.cli_ok(mgmt, "attach-policy", "--policy-id", summary["Id"], "--target-id", apps)
        self.assertEqual([p["Id"] for p in self.cli_ok(mgmt, "list-policies-for-target", "--target-id", apps,
                                                       "--filter", "SERVICE_CONTROL_POLICY")["Policies"]],
                         ["p-FullAWSAccess", summary["Id"]])
        self.assertCliError(self.cli(mgmt, "attach-policy", "--policy-id", summary["Id"], "--target-id", apps),
                            "DuplicatePolicyAttachmentException", "AttachPolicy")
        refused = self.assertCliError(self.cli(member, "leave-organization"), "AccessDeniedException",
                                      "LeaveOrganization")
        self.assertIn("organizations:LeaveOrganization", refused)
        self.assertEqual(self.cli_ok(member, "describe-organization")["Organization"]["Id"], org["Id"])

        # Policies in use are not deleted; AWS-managed ones never; content is checked.
        self.assertCliError(self.cli(mgmt, "delete-policy", "--policy-id", summary["Id"]),
                            "PolicyInUseException", "DeletePolicy")
        self.assertCliError(self.cli(mgmt, "delete-policy", "--policy-id", "p-FullAWSAccess"),
                            "InvalidInputException", "DeletePolicy")
        bad = self.assertCliError(self.cli(mgmt, "update-policy", "--policy-id", summary["Id"], "--content",
                                           '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*",'
                                           '"Resource":"*"}]}'),
                                  "MalformedPolicyDocumentException", "UpdatePolicy")
        self.assertIn("Effect", bad)
        self.assertCliError(self.cli(mgmt, "create-policy", "--name", "deny-leave", "--description", "",
                                     "--type", "SERVICE_CONTROL_POLICY", "--content", ALLOW_ALL),
                            "DuplicatePolicyException", "CreatePolicy")
        updated = self.cli_ok(mgmt, "update-policy", "--policy-id", summary["Id"], "--name", "no-leaving")["Policy"]
        self.assertEqual((updated["PolicySummary"]["Name"], updated["Content"]), ("no-leaving", DENY_LEAVE))
        self.assertEqual(self.cli_ok(mgmt, "list-tags-for-resource", "--resource-id", summary["Id"])["Tags"],
                         [{"Key": "owner", "Value": "platform"}])

        # Tag policies: one at the root, one on the member's OU; the member reads its effective policy.
        self.cli_ok(mgmt, "enable-policy-type", "--root-id", root, "--policy-type", "TAG_POLICY")
        for name, content, target in (("tags-root", TAG_ROOT, root), ("tags-team", TAG_TEAM, team)):
            pid = self.cli_ok(mgmt, "create-policy", "--name", name, "--description", "", "--type", "TAG_POLICY",
                              "--content", content)["Policy"]["PolicySummary"]["Id"]
            self.cli_ok(mgmt, "attach-policy", "--policy-id", pid, "--target-id", target)
        effective = self.cli_ok(member, "describe-effective-policy", "--policy-type", "TAG_POLICY")["EffectivePolicy"]
        self.assertEqual(effective["TargetId"], member)
        self.assertEqual(effective["PolicyType"], "TAG_POLICY")
        self.assertEqual(json.loads(effective["PolicyContent"]),
                         {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200", "300"]}}})
        self.assertIn("LastUpdatedTimestamp", effective)
        self.assertCliError(self.cli(mgmt, "describe-effective-policy", "--policy-type", "BACKUP_POLICY",
                                     "--target-id", member), "EffectivePolicyNotFoundException",
                            "DescribeEffectivePolicy")
        self.assertCliError(self.cli(mgmt, "describe-effective-policy", "--policy-type", "TAG_POLICY",
                                     "--target-id", team), "InvalidInputException", "DescribeEffectivePolicy")

        # Disabling SCPs detaches them everywhere and deletes none; the member may leave again.
        self.cli_ok(mgmt, "disable-policy-type", "--root-id", root, "--policy-type", "SERVICE_CONTROL_POLICY")
        self.assertEqual(self.cli_ok(mgmt, "list-targets-for-policy", "--policy-id", summary["Id"])["Targets"], [])
        self.cli_ok(mgmt, "describe-policy", "--policy-id", summary["Id"])
        self.assertEqual(self.cli(member, "leave-organization").returncode, 0)
        self.cli_ok(mgmt, "delete-policy", "--policy-id", summary["Id"])
        self.assertCliError(self.cli(mgmt, "describe-policy", "--policy-id", summary["Id"]),
                            "PolicyNotFoundException", "DescribePolicy")


class PoliciesBoto3Test(PoliciesCase):
    """boto3: paginators, the refusals with their Reasons, org-formation's pattern, a restart."""

    def test_org_formation_reads_and_updates(self):
        # org-formation reads ListPolicies(SERVICE_CONTROL_POLICY), DescribePolicy (AwsManaged) and
        # ListTargetsForPolicy, and calls EnablePolicyType before every AttachPolicy, accepting
        # PolicyTypeAlreadyEnabledException.
        mgmt, _, root = self.new_org(prefix=6)
        c = self.client(mgmt)
        ous = self.tree(mgmt, root["Id"], ("A",))
        ids = []
        for i in range(5):
            p = c.create_policy(Name=f"scp-{i}", Description="", Type="SERVICE_CONTROL_POLICY",
                                Content=ALLOW_ALL)["Policy"]["PolicySummary"]
            for attempt in range(2):
                try:
                    c.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
                except ClientError as e:
                    self.assertEqual(e.response["Error"]["Code"], "PolicyTypeAlreadyEnabledException")
            c.attach_policy(PolicyId=p["Id"], TargetId=ous[0])
            ids.append(p["Id"])
        pages = list(c.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY",
                                                                PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        self.assertEqual([p["Id"] for page in pages for p in page["Policies"]], ["p-FullAWSAccess"] + ids)
        for pid in ["p-FullAWSAccess"] + ids:
            described = c.describe_policy(PolicyId=pid)["Policy"]["PolicySummary"]
            self.assertEqual(described["AwsManaged"], pid == "p-FullAWSAccess")
        for_target = [p["Id"] for page in c.get_paginator("list_policies_for_target").paginate(
            TargetId=ous[0], Filter="SERVICE_CONTROL_POLICY", PaginationConfig={"PageSize": 1}) for p in page["Policies"]]
        self.assertEqual(for_target, ["p-FullAWSAccess"] + ids)
        targets = [t["TargetId"] for page in c.get_paginator("list_targets_for_policy").paginate(
            PolicyId="p-FullAWSAccess", PaginationConfig={"PageSize": 1}) for t in page["Targets"]]
        self.assertEqual(sorted(targets), sorted([root["Id"], ous[0], mgmt]))

    def test_refusals(self):
        mgmt, _, root = self.new_org(prefix=6)
        c = self.client(mgmt)
        with self.assertRaises(ClientError) as ctx:
            c.create_policy(Name="big", Description="", Type="AISERVICES_OPT_OUT_POLICY",
                            Content=json.dumps({"services": {}}) + " " * 3000)
        self.assertClientError(ctx, "ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED")
        # RCPs written by the organization only Deny, and always name the Principal.
        with self.assertRaises(ClientError) as ctx:
            c.create_policy(Name="rcp", Description="", Type="RESOURCE_CONTROL_POLICY", Content=ALLOW_ALL)
        self.assertIn("Allow", self.assertClientError(ctx, "MalformedPolicyDocumentException")["Error"]["Message"])
        no_principal = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
        with self.assertRaises(ClientError) as ctx:
            c.create_policy(Name="rcp", Description="", Type="RESOURCE_CONTROL_POLICY", Content=no_principal)
        self.assertIn("Principal", self.assertClientError(ctx, "MalformedPolicyDocumentException")["Error"]["Message"])
        c.enable_policy_type(RootId=root["Id"], PolicyType="RESOURCE_CONTROL_POLICY")
        with self.assertRaises(ClientError) as ctx:
            c.detach_policy(PolicyId="p-RCPFullAWSAccess", TargetId=root["Id"])
        self.assertClientError(ctx, "InvalidInputException", "NON_DETACHABLE_POLICY")
        with self.assertRaises(ClientError) as ctx:
            c.update_policy(PolicyId="p-RCPFullAWSAccess", Name="mine")
        self.assertClientError(ctx, "InvalidInputException", "IMMUTABLE_POLICY")
        c.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
        with self.assertRaises(ClientError) as ctx:
            c.detach_policy(PolicyId="p-FullAWSAccess", TargetId=mgmt)
        self.assertClientError(ctx, "ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
        with self.assertRaises(ClientError) as ctx:
            c.attach_policy(PolicyId="p-FullAWSAccess", TargetId="ou-abcd-abcdefgh")
        self.assertClientError(ctx, "TargetNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            c.describe_policy(PolicyId="p-abcdefghij")
        self.assertClientError(ctx, "PolicyNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            c.disable_policy_type(RootId=root["Id"], PolicyType="TAG_POLICY")
        self.assertClientError(ctx, "PolicyTypeNotEnabledException")
        with self.assertRaises(ClientError) as ctx:  # the effective-policy types exclude SCPs
            c.describe_effective_policy(PolicyType="SERVICE_CONTROL_POLICY")
        self.assertClientError(ctx, "InvalidInputException", "INVALID_ENUM")
        cb, _, cb_root = self.new_org(feature_set="CONSOLIDATED_BILLING", prefix=6)
        with self.assertRaises(ClientError) as ctx:
            self.client(cb).enable_policy_type(RootId=cb_root["Id"], PolicyType="TAG_POLICY")
        self.assertClientError(ctx, "PolicyTypeNotAvailableForOrganizationException")

    def test_every_attachment_survives_a_restart(self):
        mgmt, _, root = self.new_org(prefix=6)
        members = [new_account_id(6) for _ in range(2)]
        join_members(self.server, mgmt, members)
        c = self.client(mgmt)
        ous = self.tree(mgmt, root["Id"])
        c.move_account(AccountId=members[0], SourceParentId=root["Id"], DestinationParentId=ous[2])
        for t in ("SERVICE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "RESOURCE_CONTROL_POLICY"):
            c.enable_policy_type(RootId=root["Id"], PolicyType=t)
        targets = [root["Id"], *ous, mgmt, *members]
        scp = c.create_policy(Name="scp", Description="", Type="SERVICE_CONTROL_POLICY",
                              Content=ALLOW_ALL)["Policy"]["PolicySummary"]["Id"]
        tag = c.create_policy(Name="tag", Description="", Type="TAG_POLICY", Content=TAG_ROOT,
                              Tags=[{"Key": "k", "Value": "v"}])["Policy"]["PolicySummary"]["Id"]
        for target in targets:
            c.attach_policy(PolicyId=scp, TargetId=target)
            c.attach_policy(PolicyId=tag, TargetId=target)

        def snapshot():
            c = self.client(mgmt)  # the server's port changes with a restart
            out = {"roots": c.list_roots()["Roots"], "tags": c.list_tags_for_resource(ResourceId=tag)["Tags"]}
            for target in targets:
                for t in ("SERVICE_CONTROL_POLICY", "TAG_POLICY", "RESOURCE_CONTROL_POLICY"):
                    out[f"{target}/{t}"] = c.list_policies_for_target(TargetId=target, Filter=t)["Policies"]
            for account in [mgmt, *members]:
                out[f"{account}/effective"] = c.describe_effective_policy(PolicyType="TAG_POLICY",
                                                                          TargetId=account)["EffectivePolicy"]
            return out

        before = snapshot()
        self.assertEqual(len(before[f"{ous[1]}/SERVICE_CONTROL_POLICY"]), 2)
        self.server.restart()
        self.assertEqual(snapshot(), before)


class ScpEnabledOnCreateTest(ServerTestCase):
    """The API text's variant: CreateOrganization with ALL enables SCPs in the root."""

    server_config = {"ScpEnabledOnCreate": True}

    def test_new_root_has_scps_and_full_access(self):
        mgmt, _, root = self.new_org(prefix=6)
        self.assertEqual(root["PolicyTypes"], SCP_ENABLED)
        c = self.client(mgmt)
        self.assertEqual([p["Id"] for p in c.list_policies_for_target(TargetId=mgmt, Filter="SERVICE_CONTROL_POLICY")
                          ["Policies"]], ["p-FullAWSAccess"])
        cb, _, cb_root = self.new_org(feature_set="CONSOLIDATED_BILLING", prefix=6)
        self.assertEqual(cb_root["PolicyTypes"], [])


class PoliciesJavaScriptSdkTest(PoliciesCase):

    def test_policy_lifecycle_with_the_javascript_sdk(self):
        modules = js_node_modules()
        mgmt, member = new_account_id(6), new_account_id(6)
        self.client(mgmt).create_organization()
        join_members(self.server, mgmt, [member])
        plan = {"endpoint": self.server.url, "region": "eu-west-1", "management": mgmt, "member": member,
                "denyLeave": DENY_LEAVE, "tagRoot": TAG_ROOT, "tagTeam": TAG_TEAM}
        env = harness.clean_env({"NODE_PATH": modules})
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
            env.pop(name, None)
        p = subprocess.run(["node", os.path.join(JS_DIR, "policy_flow.js"), json.dumps(plan)], capture_output=True,
                           text=True, timeout=NODE_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        out = json.loads(p.stdout)
        self.assertEqual(out["enabled"], SCP_ENABLED)
        self.assertEqual(out["created"]["PolicySummary"]["AwsManaged"], False)
        self.assertEqual(out["onTeam"], ["p-FullAWSAccess"])
        self.assertEqual(out["onApps"], ["p-FullAWSAccess", out["created"]["PolicySummary"]["Id"]])
        self.assertEqual(out["leave"], "AccessDeniedException")
        self.assertEqual(json.loads(out["effective"]["PolicyContent"]),
                         {"tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200", "300"]}}})
        self.assertEqual(out["deleteInUse"], "PolicyInUseException")
        self.assertEqual(out["targetsAfterDetach"], [])
        self.assertEqual(out["afterDelete"], "PolicyNotFoundException")


if __name__ == "__main__":
    harness.main()
