"""The real AWS CLI against localorgs: organizations, structure, tags and errors as a user sees them.

Each test uses its own fresh account ids, so tests share one server without sharing state.
"""

import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import (ORG_ID, ROOT_ID, ServerTestCase, cli_error_line, cli_major_version,  # noqa: E402
                     cli_service_error_rc, new_account_id)

ORGANIZATION_KEYS = {"Id", "Arn", "FeatureSet", "MasterAccountArn", "MasterAccountId", "MasterAccountEmail",
                     "AvailablePolicyTypes"}
ACCOUNT_KEYS = {"Id", "Arn", "Email", "Name", "Status", "State", "JoinedMethod", "JoinedTimestamp", "Paths"}
SCP_ENABLED = [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]


def tags_json(pairs):
    return json.dumps([{"Key": k, "Value": v} for k, v in pairs])


class OrganizationCliTest(ServerTestCase):

    def assertOrganization(self, org, account, feature_set):
        self.assertEqual(set(org), ORGANIZATION_KEYS, org)
        self.assertRegex(org["Id"], ORG_ID)
        self.assertEqual(org["Arn"], f"arn:aws:organizations::{account}:organization/{org['Id']}")
        self.assertEqual(org["FeatureSet"], feature_set)
        self.assertEqual(org["MasterAccountId"], account)
        self.assertEqual(org["MasterAccountArn"], f"arn:aws:organizations::{account}:account/{org['Id']}/{account}")
        self.assertEqual(org["MasterAccountEmail"], f"account-{account}@example.com")
        self.assertEqual(org["AvailablePolicyTypes"], SCP_ENABLED if feature_set == "ALL" else [])

    # --- create / describe ----------------------------------------------------------------------

    def test_create_organization_with_all_features_by_default(self):
        a = new_account_id()
        out = self.cli_ok(a, "create-organization", region="eu-west-1")
        self.assertEqual(set(out), {"Organization"})
        org = out["Organization"]
        self.assertOrganization(org, a, "ALL")

        described = self.cli_ok(a, "describe-organization", region="ap-northeast-1")
        self.assertEqual(described, {"Organization": org})

        again = self.cli(a, "create-organization", "--feature-set", "CONSOLIDATED_BILLING", region="us-west-2")
        self.assertCliError(again, "AlreadyInOrganizationException", "CreateOrganization")
        # The failed call changed nothing.
        self.assertEqual(self.client(a).describe_organization()["Organization"], org)

    def test_second_account_creates_a_consolidated_billing_organization_of_its_own(self):
        a, b = new_account_id(), new_account_id()
        org_a = self.cli_ok(a, "create-organization", region="us-east-1")["Organization"]
        out = self.cli_ok(b, "create-organization", "--feature-set", "CONSOLIDATED_BILLING", region="sa-east-1")
        org_b = out["Organization"]
        self.assertOrganization(org_b, b, "CONSOLIDATED_BILLING")
        self.assertNotEqual(org_a["Id"], org_b["Id"])

        desc_a, desc_b, accounts_a, accounts_b, roots_b, cross_describe, cross_tag = self.cli_many([
            (a, "describe-organization"),
            (b, "describe-organization"),
            (a, "list-accounts"),
            (b, "list-accounts"),
            (b, "list-roots"),
            (a, "describe-account", "--account-id", b),
            (b, "tag-resource", "--resource-id", a, "--tags", tags_json([("k", "v")])),
        ])
        # Each account sees its own organization and nothing of the other.
        self.assertEqual(desc_a.json, {"Organization": org_a}, desc_a)
        self.assertEqual(desc_b.json, {"Organization": org_b}, desc_b)
        self.assertEqual([x["Id"] for x in accounts_a.json["Accounts"]], [a], accounts_a)
        self.assertEqual([x["Id"] for x in accounts_b.json["Accounts"]], [b], accounts_b)
        self.assertTrue(accounts_b.json["Accounts"][0]["Arn"].startswith(f"arn:aws:organizations::{b}:account/"
                                                                         f"{org_b['Id']}/"))
        # A consolidated-billing root has no policy types enabled.
        self.assertEqual(roots_b.returncode, 0, roots_b)
        self.assertEqual(roots_b.json["Roots"][0]["PolicyTypes"], [])
        self.assertCliError(cross_describe, "AccountNotFoundException", "DescribeAccount")
        self.assertCliError(cross_tag, "TargetNotFoundException", "TagResource")

    def test_standalone_caller_is_not_in_an_organization(self):
        s = new_account_id()
        calls = [("describe-organization", "DescribeOrganization"),
                 ("list-accounts", "ListAccounts"),
                 ("list-roots", "ListRoots"),
                 ("delete-organization", "DeleteOrganization")]
        results = self.cli_many([(s, cmd) for cmd, _ in calls])
        for (cmd, op), r in zip(calls, results):
            with self.subTest(cmd=cmd):
                msg = self.assertCliError(r, "AWSOrganizationsNotInUseException", op)
                self.assertIn("not a member of an organization", msg)

    # --- structure -------------------------------------------------------------------------------

    def test_roots_accounts_parents_and_children(self):
        a = new_account_id()
        before = time.time()
        org_id = self.client(a).create_organization()["Organization"]["Id"]

        roots = self.cli_ok(a, "list-roots")
        self.assertEqual(set(roots), {"Roots"}, roots)  # one root: no NextToken
        self.assertEqual(len(roots["Roots"]), 1)
        root = roots["Roots"][0]
        self.assertRegex(root["Id"], ROOT_ID)
        self.assertEqual(root, {"Id": root["Id"], "Arn": f"arn:aws:organizations::{a}:root/{org_id}/{root['Id']}",
                                "Name": "Root", "PolicyTypes": []})  # none until EnablePolicyType
        root_id = root["Id"]

        unknown = new_account_id()
        (accounts, described, not_found, parents, child_accounts, child_ous,
         for_parent) = self.cli_many([
            (a, "list-accounts"),
            (a, "describe-account", "--account-id", a),
            (a, "describe-account", "--account-id", unknown),
            (a, "list-parents", "--child-id", a),
            (a, "list-children", "--parent-id", root_id, "--child-type", "ACCOUNT"),
            (a, "list-children", "--parent-id", root_id, "--child-type", "ORGANIZATIONAL_UNIT"),
            (a, "list-accounts-for-parent", "--parent-id", root_id),
        ])
        for r in (accounts, described, parents, child_accounts, child_ous, for_parent):
            self.assertEqual(r.returncode, 0, r)

        self.assertEqual(set(accounts.json), {"Accounts"}, accounts)
        self.assertEqual(len(accounts.json["Accounts"]), 1, accounts)
        account = accounts.json["Accounts"][0]
        expected = {"Id": a, "Arn": f"arn:aws:organizations::{a}:account/{org_id}/{a}",
                    "Email": f"account-{a}@example.com", "Name": f"Account {a}", "Status": "ACTIVE",
                    "State": "ACTIVE", "JoinedMethod": "CREATED",
                    # Organization, root, then the account itself (API Reference, Account.Paths).
                    "Paths": [f"{org_id}/{root_id}/{a}/"]}
        for newer in ("State", "Paths"):
            if cli_major_version() >= 2 and newer not in account:
                # Debian 12's CLI v2 (2.9) has a service model from before these members and drops them.
                del expected[newer]
        self.assertEqual(set(account), ACCOUNT_KEYS & (set(expected) | {"JoinedTimestamp"}), account)
        self.assertEqual({k: v for k, v in account.items() if k != "JoinedTimestamp"}, expected)
        if cli_major_version() == 1:  # CLI v1 prints the wire value: epoch seconds as a number
            ts = account["JoinedTimestamp"]
            self.assertIsInstance(ts, (int, float))
            self.assertLess(abs(ts - before), 24 * 3600, "JoinedTimestamp is not epoch seconds of today")

        self.assertEqual(described.json, {"Account": account})
        self.assertCliError(not_found, "AccountNotFoundException", "DescribeAccount")
        self.assertEqual(parents.json, {"Parents": [{"Id": root_id, "Type": "ROOT"}]})
        self.assertEqual(child_accounts.json, {"Children": [{"Id": a, "Type": "ACCOUNT"}]})
        self.assertEqual(child_ous.json, {"Children": []})
        self.assertEqual(for_parent.json, {"Accounts": [account]})

        c = self.client(a)
        for call, kwargs, code in [
                (c.list_children, {"ParentId": "r-zzzz", "ChildType": "ACCOUNT"}, "ParentNotFoundException"),
                (c.list_children, {"ParentId": "ou-zzzz-12345678", "ChildType": "ACCOUNT"},
                 "ParentNotFoundException"),
                (c.list_accounts_for_parent, {"ParentId": "r-zzzz"}, "ParentNotFoundException"),
                (c.list_parents, {"ChildId": unknown}, "ChildNotFoundException"),
                (c.list_parents, {"ChildId": "ou-zzzz-12345678"}, "ChildNotFoundException")]:
            with self.subTest(op=call.__name__, input=kwargs):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    call(**kwargs)
                self.assertClientError(ctx, code)

    # --- tags ------------------------------------------------------------------------------------

    def test_tags_on_the_account_and_the_root(self):
        a, _, root = self.new_org()
        root_id = root["Id"]

        r1, r2 = self.cli_many([
            (a, "tag-resource", "--resource-id", a, "--tags", tags_json([("env", "prod"), ("empty", "")])),
            (a, "tag-resource", "--resource-id", root_id, "--tags", "Key=owner,Value=platform"),
        ])
        for r in (r1, r2):
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(r.stdout.strip(), "", r)  # no output shape

        # Overwrite one value, add one key.
        self.cli_ok(a, "tag-resource", "--resource-id", a, "--tags", tags_json([("env", "staging"), ("cc", "42")]))
        account_tags, root_tags = self.cli_many([
            (a, "list-tags-for-resource", "--resource-id", a),
            (a, "list-tags-for-resource", "--resource-id", root_id),
        ])
        self.assertEqual(set(account_tags.json), {"Tags"}, account_tags)
        self.assertCountEqual(account_tags.json["Tags"], [{"Key": "env", "Value": "staging"},
                                                          {"Key": "empty", "Value": ""},
                                                          {"Key": "cc", "Value": "42"}])
        self.assertEqual(root_tags.json, {"Tags": [{"Key": "owner", "Value": "platform"}]})

        untag = self.cli(a, "untag-resource", "--resource-id", a, "--tag-keys", "env", "never-there")
        self.assertEqual(untag.returncode, 0, untag)
        self.assertCountEqual(self.cli_ok(a, "list-tags-for-resource", "--resource-id", a)["Tags"],
                              [{"Key": "empty", "Value": ""}, {"Key": "cc", "Value": "42"}])

    def test_tag_errors_as_the_cli_prints_them(self):
        a, _, _ = self.new_org()
        c = self.client(a)
        c.tag_resource(ResourceId=a, Tags=[{"Key": "keep", "Value": "me"}])
        too_many = tags_json([(f"k{i}", "v") for i in range(51)])
        limit, system, duplicate, target, untag_system = self.cli_many([
            (a, "tag-resource", "--resource-id", a, "--tags", too_many),
            (a, "tag-resource", "--resource-id", a, "--tags", tags_json([("aws:owner", "x")])),
            (a, "tag-resource", "--resource-id", a, "--tags", tags_json([("dup", "1"), ("dup", "2")])),
            (a, "tag-resource", "--resource-id", new_account_id(), "--tags", tags_json([("k", "v")])),
            (a, "untag-resource", "--resource-id", a, "--tag-keys", "aws:owner"),
        ])
        self.assertCliError(limit, "ConstraintViolationException", "TagResource")
        self.assertCliError(system, "InvalidInputException", "TagResource")
        self.assertCliError(duplicate, "InvalidInputException", "TagResource")
        self.assertCliError(target, "TargetNotFoundException", "TagResource")
        self.assertCliError(untag_system, "InvalidInputException", "UntagResource")
        # All or nothing: none of the refused tags landed.
        self.assertEqual(c.list_tags_for_resource(ResourceId=a)["Tags"], [{"Key": "keep", "Value": "me"}])

    def test_tag_error_reasons_seen_by_boto3(self):
        # The CLI prints only the message; the Reason member is checked through boto3.
        a = new_account_id()
        c = self.client(a)
        c.create_organization()
        root_id = c.list_roots()["Roots"][0]["Id"]
        cases = [
            ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "ConstraintViolationException",
             "MAX_TAG_LIMIT_EXCEEDED"),
            ([{"Key": "aws:createdBy", "Value": "x"}], "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER"),
            ([{"Key": "dup", "Value": "1"}, {"Key": "dup", "Value": "2"}], "InvalidInputException",
             "DUPLICATE_TAG_KEY"),
        ]
        for resource in (a, root_id):
            for tags, code, reason in cases:
                with self.subTest(resource=resource, reason=reason):
                    with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                        c.tag_resource(ResourceId=resource, Tags=tags)
                    self.assertClientError(ctx, code, reason)
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                c.untag_resource(ResourceId=resource, TagKeys=["aws:createdBy"])
            self.assertClientError(ctx, "InvalidInputException", "INVALID_SYSTEM_TAGS_PARAMETER")
            self.assertEqual(c.list_tags_for_resource(ResourceId=resource)["Tags"], [])

        # The limit counts keys after the change: overwriting does not add, new keys do.
        c.tag_resource(ResourceId=a, Tags=[{"Key": f"k{i:02}", "Value": "v"} for i in range(49)])
        c.tag_resource(ResourceId=a, Tags=[{"Key": "k00", "Value": "new"}, {"Key": "k49", "Value": "v"}])
        self.assertEqual(len(c.list_tags_for_resource(ResourceId=a)["Tags"]), 50)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            c.tag_resource(ResourceId=a, Tags=[{"Key": "k01", "Value": "changed"}, {"Key": "k50", "Value": "v"}])
        self.assertClientError(ctx, "ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED")
        tags = {t["Key"]: t["Value"] for t in c.list_tags_for_resource(ResourceId=a)["Tags"]}
        self.assertEqual(len(tags), 50)
        self.assertEqual(tags["k00"], "new")
        self.assertEqual(tags["k01"], "v", "a refused TagResource changed a tag")
        self.assertNotIn("k50", tags)

        # Unknown targets of a valid shape.
        for resource in (new_account_id(), "r-zzzz9", "ou-abcd-12345678"):
            with self.subTest(target=resource):
                with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                    c.list_tags_for_resource(ResourceId=resource)
                self.assertClientError(ctx, "TargetNotFoundException")

    # --- delete ----------------------------------------------------------------------------------

    def test_delete_organization(self):
        a, org, root = self.new_org()
        c = self.client(a)
        c.tag_resource(ResourceId=a, Tags=[{"Key": "k", "Value": "v"}])
        c.tag_resource(ResourceId=root["Id"], Tags=[{"Key": "k", "Value": "v"}])
        deleted = self.cli(a, "delete-organization")
        self.assertEqual(deleted.returncode, 0, deleted)
        self.assertEqual(deleted.stdout.strip(), "", deleted)

        describe, accounts = self.cli_many([(a, "describe-organization"), (a, "list-accounts")])
        self.assertCliError(describe, "AWSOrganizationsNotInUseException", "DescribeOrganization")
        self.assertCliError(accounts, "AWSOrganizationsNotInUseException", "ListAccounts")

        # The former management account is standalone again and may start afresh.
        org2 = c.create_organization()["Organization"]
        self.assertNotEqual(org2["Id"], org["Id"])
        self.assertNotEqual(c.list_roots()["Roots"][0]["Id"], root["Id"])
        self.assertEqual(c.list_tags_for_resource(ResourceId=a)["Tags"], [])

    # --- every operation is implemented ---------------------------------------------------------

    def test_every_operation_of_the_service_model_is_implemented(self):
        """No operation answers 501 any more: each one, called with an empty body by an account in
        no organization, gets an answer of its own (a validation or membership error at worst)."""
        a = new_account_id()
        names = sorted(self.client(a).meta.service_model.operation_names)
        self.assertEqual(len(names), 63)
        for op in names:
            r = self.server.api(op, b"{}", account=a)
            with self.subTest(operation=op):
                self.assertIn(r.status, (200, 400), r)
                if r.status == 400:
                    self.assertNotIn(json.loads(r.body)["__type"],
                                     ("NotImplementedException", "UnknownOperationException"), r)

if __name__ == "__main__":
    harness.main()
