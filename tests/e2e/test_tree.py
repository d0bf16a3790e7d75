"""The organization's tree with the real clients (issue 13 part B): organizational units built
three levels deep, accounts moved through them, renamed and deleted, read back after a restart,
and the races that must have exactly one winner. Expectations are AWS's (API Reference of
each operation); nothing here depends on the emulator but the account ids.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, join_members, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError
OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
HANG_GUARD = 60


class TreeCliTest(ServerTestCase):
    """A three-level tree built and changed with the AWS CLI."""

    def test_three_levels_moves_renames_and_deletes(self):
        mgmt, member = new_account_id(7), new_account_id(7)
        org = self.cli_ok(mgmt, "create-organization")["Organization"]
        root = self.cli_ok(mgmt, "list-roots")["Roots"][0]["Id"]
        join_members(self.server, mgmt, [member])

        def create(parent, name, *extra):
            ou = self.cli_ok(mgmt, "create-organizational-unit", "--parent-id", parent, "--name", name,
                             *extra)["OrganizationalUnit"]
            self.assertRegex(ou["Id"], OU_ID)
            # The OU's id names the root it is in (the model's pattern and its examples).
            self.assertTrue(ou["Id"].startswith(f"ou-{root[2:]}-"), ou)
            self.assertEqual(ou["Arn"], f"arn:aws:organizations::{mgmt}:ou/{org['Id']}/{ou['Id']}")
            self.assertEqual(ou["Name"], name)
            return ou

        prod = create(root, "Prod", "--tags", "Key=env,Value=prod")
        apps = create(prod["Id"], "Apps")
        team = create(apps["Id"], "Team Blue")
        if "Path" in team:  # Debian 12's CLI v2 has a model from before Path and drops it
            self.assertEqual(team["Path"], f"{org['Id']}/{root}/{prod['Id']}/{apps['Id']}/{team['Id']}/")

        self.assertEqual(self.cli_ok(mgmt, "describe-organizational-unit", "--organizational-unit-id",
                                     team["Id"])["OrganizationalUnit"], team)
        children = self.cli_ok(mgmt, "list-children", "--parent-id", root, "--child-type", "ORGANIZATIONAL_UNIT")
        self.assertEqual(children["Children"], [{"Id": prod["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        listed = self.cli_ok(mgmt, "list-organizational-units-for-parent", "--parent-id", prod["Id"])
        self.assertEqual(listed["OrganizationalUnits"], [apps])
        self.assertEqual(self.cli_ok(mgmt, "list-parents", "--child-id", team["Id"])["Parents"],
                         [{"Id": apps["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual(self.cli_ok(mgmt, "list-tags-for-resource", "--resource-id", prod["Id"])["Tags"],
                         [{"Key": "env", "Value": "prod"}])

        # The member goes to the bottom of the tree and back up one level.
        self.cli_ok(mgmt, "move-account", "--account-id", member, "--source-parent-id", root,
                    "--destination-parent-id", team["Id"])
        self.assertEqual(self.cli_ok(mgmt, "list-parents", "--child-id", member)["Parents"],
                         [{"Id": team["Id"], "Type": "ORGANIZATIONAL_UNIT"}])
        self.assertEqual([a["Id"] for a in self.cli_ok(mgmt, "list-accounts-for-parent", "--parent-id",
                                                       team["Id"])["Accounts"]], [member])
        self.assertEqual(self.cli_ok(mgmt, "list-children", "--parent-id", team["Id"], "--child-type",
                                     "ACCOUNT")["Children"], [{"Id": member, "Type": "ACCOUNT"}])
        described = self.cli_ok(mgmt, "describe-account", "--account-id", member)["Account"]
        if "Paths" in described and "Path" in team:  # both absent with a CLI whose model predates them
            self.assertEqual(described["Paths"], [team["Path"] + member + "/"])
        self.assertCliError(self.cli(mgmt, "move-account", "--account-id", member, "--source-parent-id",
                                     team["Id"], "--destination-parent-id", team["Id"]),
                            "DuplicateAccountException", "MoveAccount")
        self.assertCliError(self.cli(mgmt, "move-account", "--account-id", member, "--source-parent-id", root,
                                     "--destination-parent-id", apps["Id"]),
                            "SourceParentNotFoundException", "MoveAccount")
        self.cli_ok(mgmt, "move-account", "--account-id", member, "--source-parent-id", team["Id"],
                    "--destination-parent-id", apps["Id"])

        # Rename: same id and ARN; a sibling's name is refused.
        renamed = self.cli_ok(mgmt, "update-organizational-unit", "--organizational-unit-id", team["Id"],
                              "--name", "Team Green")["OrganizationalUnit"]
        self.assertEqual((renamed["Id"], renamed["Arn"], renamed["Name"]), (team["Id"], team["Arn"], "Team Green"))
        create(apps["Id"], "Team Red")
        self.assertCliError(self.cli(mgmt, "update-organizational-unit", "--organizational-unit-id", team["Id"],
                                     "--name", "Team Red"), "DuplicateOrganizationalUnitException",
                            "UpdateOrganizationalUnit")
        self.assertCliError(self.cli(mgmt, "create-organizational-unit", "--parent-id", apps["Id"], "--name",
                                     "Team Green"), "DuplicateOrganizationalUnitException", "CreateOrganizationalUnit")

        # Delete only when empty.
        self.assertCliError(self.cli(mgmt, "delete-organizational-unit", "--organizational-unit-id", apps["Id"]),
                            "OrganizationalUnitNotEmptyException", "DeleteOrganizationalUnit")
        self.cli_ok(mgmt, "delete-organizational-unit", "--organizational-unit-id", team["Id"])
        self.assertCliError(self.cli(mgmt, "describe-organizational-unit", "--organizational-unit-id", team["Id"]),
                            "OrganizationalUnitNotFoundException", "DescribeOrganizationalUnit")
        self.assertCliError(self.cli(mgmt, "create-organizational-unit", "--parent-id", team["Id"], "--name", "X"),
                            "ParentNotFoundException", "CreateOrganizationalUnit")

        # A member is denied the tree.
        self.assertCliError(self.cli(member, "list-organizational-units-for-parent", "--parent-id", root),
                            "AccessDeniedException", "ListOrganizationalUnitsForParent")

    def test_cli_auto_pagination_over_many_ous(self):
        mgmt = new_account_id(7)
        self.cli_ok(mgmt, "create-organization")
        root = self.cli_ok(mgmt, "list-roots")["Roots"][0]["Id"]
        c = self.client(mgmt)
        made = {c.create_organizational_unit(ParentId=root, Name=f"OU {i:02d}")["OrganizationalUnit"]["Id"]
                for i in range(45)}
        for args in (("list-organizational-units-for-parent", "--parent-id", root),
                     ("list-organizational-units-for-parent", "--parent-id", root, "--page-size", "7"),
                     ("list-children", "--parent-id", root, "--child-type", "ORGANIZATIONAL_UNIT")):
            with self.subTest(args=args):
                out = self.cli_ok(mgmt, *args)
                items = out.get("OrganizationalUnits") or out.get("Children")
                ids = [x["Id"] for x in items]
                self.assertEqual(len(ids), len(set(ids)))
                self.assertEqual(set(ids), made)


class TreeBoto3Test(ServerTestCase):
    """boto3: paginators, every refusal with its Reason, and the tree after a restart."""

    def test_depth_quota_and_refusals(self):
        mgmt, _, root = self.new_org(prefix=8)
        c = self.client(mgmt)
        parent = root["Id"]
        for level in range(1, 6):
            parent = c.create_organizational_unit(ParentId=parent, Name=f"L{level}")["OrganizationalUnit"]["Id"]
        with self.assertRaises(ClientError) as ctx:
            c.create_organizational_unit(ParentId=parent, Name="L6")
        self.assertClientError(ctx, "ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED")

        org_id = c.describe_organization()["Organization"]["Id"]
        res = self.server.control("PUT", f"/_localorgs/organizations/{org_id}/quotas", {"MaxOrganizationalUnits": 5})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["MaxOrganizationalUnits"], 5)
        with self.assertRaises(ClientError) as ctx:
            c.create_organizational_unit(ParentId=root["Id"], Name="Sixth")
        self.assertClientError(ctx, "ConstraintViolationException", "OU_NUMBER_LIMIT_EXCEEDED")

        for call, code in ((lambda: c.describe_organizational_unit(OrganizationalUnitId="ou-zzzz-abcdefgh"),
                            "OrganizationalUnitNotFoundException"),
                           (lambda: c.list_organizational_units_for_parent(ParentId="ou-zzzz-abcdefgh"),
                            "ParentNotFoundException"),
                           (lambda: c.list_parents(ChildId="ou-zzzz-abcdefgh"), "ChildNotFoundException"),
                           (lambda: c.move_account(AccountId=new_account_id(8), SourceParentId=root["Id"],
                                                   DestinationParentId=parent), "AccountNotFoundException"),
                           (lambda: c.move_account(AccountId=mgmt, SourceParentId=root["Id"],
                                                   DestinationParentId="ou-zzzz-abcdefgh"),
                            "DestinationParentNotFoundException"),
                           (lambda: c.tag_resource(ResourceId="ou-zzzz-abcdefgh", Tags=[{"Key": "a", "Value": "b"}]),
                            "TargetNotFoundException")):
            with self.subTest(code=code):
                with self.assertRaises(ClientError) as ctx:
                    call()
                self.assertClientError(ctx, code)
        # A malformed id never reaches the tree: the model's pattern refuses it.
        with self.assertRaises(ClientError) as ctx:
            c.describe_organizational_unit(OrganizationalUnitId="ou-UPPER")
        self.assertClientError(ctx, "InvalidInputException", "INVALID_PATTERN")

    def test_tree_survives_a_restart(self):
        mgmt, org, root = self.new_org(prefix=8)
        members = [new_account_id(8) for _ in range(3)]
        join_members(self.server, mgmt, members)
        c = self.client(mgmt)
        a = c.create_organizational_unit(ParentId=root["Id"], Name="A",
                                         Tags=[{"Key": "k", "Value": "v"}])["OrganizationalUnit"]
        b = c.create_organizational_unit(ParentId=a["Id"], Name="B")["OrganizationalUnit"]
        c.move_account(AccountId=members[0], SourceParentId=root["Id"], DestinationParentId=a["Id"])
        c.move_account(AccountId=members[1], SourceParentId=root["Id"], DestinationParentId=b["Id"])
        c.update_organizational_unit(OrganizationalUnitId=b["Id"], Name="B renamed")

        def snapshot(client):
            ous = [ou for page in client.get_paginator("list_organizational_units_for_parent").paginate(
                ParentId=a["Id"]) for ou in page["OrganizationalUnits"]]
            return {
                "a": client.describe_organizational_unit(OrganizationalUnitId=a["Id"])["OrganizationalUnit"],
                "under_a": ous,
                "children_of_b": client.list_children(ParentId=b["Id"], ChildType="ACCOUNT")["Children"],
                "parent_of_0": client.list_parents(ChildId=members[0])["Parents"],
                "tags": client.list_tags_for_resource(ResourceId=a["Id"])["Tags"],
                "paths": {x["Id"]: x["Paths"] for x in client.list_accounts()["Accounts"]},
            }

        before = snapshot(c)
        self.assertEqual(before["under_a"][0]["Name"], "B renamed")
        self.assertEqual(before["paths"][members[1]], [f"{org['Id']}/{root['Id']}/{a['Id']}/{b['Id']}/{members[1]}/"])
        self.server.restart()
        self.assertEqual(snapshot(self.client(mgmt)), before)

    def test_delete_organization_takes_the_tree_with_it(self):
        mgmt, _, root = self.new_org(prefix=8)
        c = self.client(mgmt)
        ou = c.create_organizational_unit(ParentId=root["Id"], Name="Gone")["OrganizationalUnit"]
        c.delete_organization()
        c.create_organization()
        new_root = c.list_roots()["Roots"][0]["Id"]
        self.assertEqual(c.list_organizational_units_for_parent(ParentId=new_root)["OrganizationalUnits"], [])
        with self.assertRaises(ClientError) as ctx:
            c.describe_organizational_unit(OrganizationalUnitId=ou["Id"])
        self.assertClientError(ctx, "OrganizationalUnitNotFoundException")


class TreeRaceTest(ServerTestCase):
    """Concurrent changes of one account or one name: exactly one wins, the others get AWS's error."""

    def race(self, calls):
        """(status, __type or None) of each of `calls` sent at once (harness.race)."""
        return [(status, body.get("__type") if status != 200 else None)
                for status, body in harness.race(self, self.server, calls, HANG_GUARD)]

    def test_concurrent_moves_of_one_account(self):
        mgmt, _, root = self.new_org(prefix=9)
        member = new_account_id(9)
        join_members(self.server, mgmt, [member])
        c = self.client(mgmt)
        destinations = [c.create_organizational_unit(ParentId=root["Id"], Name=f"D{i}")["OrganizationalUnit"]["Id"]
                        for i in range(8)]
        outcomes = self.race([("MoveAccount", {"AccountId": member, "SourceParentId": root["Id"],
                                               "DestinationParentId": d}, mgmt) for d in destinations])
        self.assertEqual(outcomes.count((200, None)), 1, outcomes)
        self.assertEqual(outcomes.count((400, "SourceParentNotFoundException")), len(destinations) - 1, outcomes)
        winner = destinations[outcomes.index((200, None))]
        self.assertEqual(c.list_parents(ChildId=member)["Parents"], [{"Id": winner, "Type": "ORGANIZATIONAL_UNIT"}])

    def test_concurrent_creations_of_one_name(self):
        mgmt, _, root = self.new_org(prefix=9)
        outcomes = self.race([("CreateOrganizationalUnit", {"ParentId": root["Id"], "Name": "Only One"}, mgmt)] * 8)
        self.assertEqual(outcomes.count((200, None)), 1, outcomes)
        self.assertEqual(outcomes.count((400, "DuplicateOrganizationalUnitException")), 7, outcomes)
        ous = self.client(mgmt).list_organizational_units_for_parent(ParentId=root["Id"])["OrganizationalUnits"]
        self.assertEqual([ou["Name"] for ou in ous], ["Only One"])


if __name__ == "__main__":
    harness.main()
