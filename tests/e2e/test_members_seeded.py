"""Who may call what (the API Reference's "You can only call this operation from" notes) with member accounts in the organization.

Members join through the real API (InviteAccountToOrganization + AcceptHandshake, harness.join_members).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, join_members, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError
ACCESS_DENIED = "You don't have permissions to access this resource."


class MemberAccessTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt = new_account_id(prefix=5)
        c = s.client(cls.mgmt)
        cls.org = c.create_organization()["Organization"]
        cls.root_id = c.list_roots()["Roots"][0]["Id"]
        cls.member, cls.member2 = new_account_id(prefix=5), new_account_id(prefix=5)
        for account in (cls.member, cls.member2):
            res = s.control("PUT", f"/_localorgs/accounts/{account}", {"Name": f"Member {account}"})
            if res.status != 200:
                raise AssertionError(f"registering {account}: {res!r}")
        join_members(s, cls.mgmt, [cls.member, cls.member2])

    def test_members_describe_the_organization(self):
        out = self.cli_ok(self.member, "describe-organization")
        self.assertEqual(out["Organization"], self.org)
        res = self.server.control("GET", f"/_localorgs/accounts/{self.member}")
        self.assertEqual(res.json["OrganizationId"], self.org["Id"])

    def test_members_are_denied_management_operations(self):
        m = self.client(self.member)
        calls = [
            ("ListAccounts", lambda: m.list_accounts()),
            ("ListRoots", lambda: m.list_roots()),
            ("DescribeAccount", lambda: m.describe_account(AccountId=self.member)),
            ("ListParents", lambda: m.list_parents(ChildId=self.member)),
            ("ListChildren", lambda: m.list_children(ParentId=self.root_id, ChildType="ACCOUNT")),
            ("ListAccountsForParent", lambda: m.list_accounts_for_parent(ParentId=self.root_id)),
            ("ListTagsForResource", lambda: m.list_tags_for_resource(ResourceId=self.member)),
            ("TagResource", lambda: m.tag_resource(ResourceId=self.member, Tags=[{"Key": "k", "Value": "v"}])),
            ("UntagResource", lambda: m.untag_resource(ResourceId=self.member, TagKeys=["k"])),
            ("DeleteOrganization", lambda: m.delete_organization()),
        ]
        for op, call in calls:
            with self.subTest(op=op):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assertClientError(ctx, "AccessDeniedException", message=ACCESS_DENIED)
        self.assertEqual(self.client(self.mgmt).list_tags_for_resource(ResourceId=self.member)["Tags"], [])

        denied, create = self.cli_many([(self.member, "list-accounts"), (self.member, "create-organization")])
        self.assertCliError(denied, "AccessDeniedException", "ListAccounts", ACCESS_DENIED)
        self.assertCliError(create, "AlreadyInOrganizationException", "CreateOrganization")

    def test_management_sees_and_tags_the_members(self):
        c = self.client(self.mgmt)
        ids = [x["Id"] for x in c.list_accounts()["Accounts"]]
        self.assertCountEqual(ids, [self.mgmt, self.member, self.member2])
        account = c.describe_account(AccountId=self.member)["Account"]
        self.assertEqual(account["Arn"], f"arn:aws:organizations::{self.mgmt}:account/{self.org['Id']}/{self.member}")
        self.assertEqual(account["Name"], f"Member {self.member}")
        self.assertEqual(account["Email"], f"account-{self.member}@example.com")
        self.assertEqual(c.list_parents(ChildId=self.member)["Parents"], [{"Id": self.root_id, "Type": "ROOT"}])
        c.tag_resource(ResourceId=self.member2, Tags=[{"Key": "team", "Value": "blue"}])
        self.assertEqual(c.list_tags_for_resource(ResourceId=self.member2)["Tags"], [{"Key": "team", "Value": "blue"}])
        c.untag_resource(ResourceId=self.member2, TagKeys=["team"])
        self.assertEqual(c.list_tags_for_resource(ResourceId=self.member2)["Tags"], [])

    def test_an_organization_with_members_cannot_be_deleted(self):
        r = self.cli(self.mgmt, "delete-organization")
        self.assertCliError(r, "OrganizationNotEmptyException", "DeleteOrganization")
        self.assertEqual(self.client(self.mgmt).describe_organization()["Organization"], self.org)
        self.assertEqual(self.client(self.member).describe_organization()["Organization"], self.org)

    def test_other_organizations_do_not_see_the_members(self):
        other, _, _ = self.new_org(prefix=6)
        c = self.client(other)
        for account in (self.member, self.mgmt):
            with self.subTest(account=account):
                with self.assertRaises(ClientError) as ctx:
                    c.describe_account(AccountId=account)
                self.assertClientError(ctx, "AccountNotFoundException")
                with self.assertRaises(ClientError) as ctx:
                    c.list_parents(ChildId=account)
                self.assertClientError(ctx, "ChildNotFoundException")
                with self.assertRaises(ClientError) as ctx:
                    c.tag_resource(ResourceId=account, Tags=[{"Key": "k", "Value": "v"}])
                self.assertClientError(ctx, "TargetNotFoundException")


if __name__ == "__main__":
    harness.main()
