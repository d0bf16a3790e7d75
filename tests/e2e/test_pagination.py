"""Pagination as the AWS CLI and boto3 drive it: page sizes, limits, tokens, auto-pagination.

The multi-page tests add members through the real API (harness.join_members).
"""

import collections
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import ServerTestCase, join_members, new_account_id  # noqa: E402

ClientError = botocore.exceptions.ClientError

LIST_OPERATIONS = ["list-accounts", "list-roots", "list-children", "list-accounts-for-parent", "list-parents"]


class SingleAccountPaginationTest(ServerTestCase):
    """Limits and tokens on an organization whose lists hold one item each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account, cls.org, root = cls.new_org_for_class()
        cls.root_id = root["Id"]

    @classmethod
    def new_org_for_class(cls):
        a = new_account_id()
        c = cls.server.client(a)
        org = c.create_organization()["Organization"]
        return a, org, c.list_roots()["Roots"][0]

    def list_args(self, op):
        return {
            "list-accounts": [],
            "list-roots": [],
            "list-children": ["--parent-id", self.root_id, "--child-type", "ACCOUNT"],
            "list-accounts-for-parent": ["--parent-id", self.root_id],
            "list-parents": ["--child-id", self.account],
        }[op]

    def test_page_size_and_max_items_of_one(self):
        a = self.account
        calls = [(a, op, *self.list_args(op), "--page-size", "1") for op in LIST_OPERATIONS]
        calls.append((a, "list-accounts", "--max-items", "1"))
        calls.append((a, "list-accounts", "--max-results", "1"))
        results = self.cli_many(calls)
        expected = {
            "list-accounts": ("Accounts", a),
            "list-roots": ("Roots", self.root_id),
            "list-children": ("Children", a),
            "list-accounts-for-parent": ("Accounts", a),
            "list-parents": ("Parents", self.root_id),
        }
        for call, r in zip(calls, results):
            with self.subTest(call=call[1:]):
                self.assertEqual(r.returncode, 0, r)
                key, only_id = expected[call[1]]
                self.assertEqual(set(r.json), {key}, r)  # in particular, no NextToken
                self.assertEqual([x["Id"] for x in r.json[key]], [only_id])

    def test_max_results_zero_is_refused_before_sending(self):
        r = self.cli(self.account, "list-accounts", "--max-results", "0", "--debug")
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("valid min value: 1", r.stderr)
        self.assertEqual(r.stderr.count("Sending http request"), 0, "MaxResults=0 reached the server")

        c = self.client(self.account)
        sent = []
        c.meta.events.register("before-send.organizations.*", lambda request, **kw: sent.append(request))
        for call, kwargs in [(c.list_accounts, {}), (c.list_roots, {}),
                             (c.list_children, {"ParentId": self.root_id, "ChildType": "ACCOUNT"})]:
            with self.subTest(op=call.__name__):
                with self.assertRaises(botocore.exceptions.ParamValidationError):
                    call(MaxResults=0, **kwargs)
        self.assertEqual(sent, [])

    def test_max_results_above_twenty_is_refused_by_the_server(self):
        r21, page21 = self.cli_many([
            (self.account, "list-accounts", "--max-results", "21"),
            (self.account, "list-accounts", "--page-size", "21"),
        ])
        self.assertCliError(r21, "InvalidInputException", "ListAccounts")
        self.assertCliError(page21, "InvalidInputException", "ListAccounts")

        c = self.client(self.account)
        calls = [(c.list_accounts, {}), (c.list_roots, {}),
                 (c.list_children, {"ParentId": self.root_id, "ChildType": "ACCOUNT"}),
                 (c.list_accounts_for_parent, {"ParentId": self.root_id}),
                 (c.list_parents, {"ChildId": self.account})]
        for call, kwargs in calls:
            for value in (21, 1000, 2 ** 31 - 1):
                with self.subTest(op=call.__name__, max_results=value):
                    with self.assertRaises(ClientError) as ctx:
                        call(MaxResults=value, **kwargs)
                    self.assertClientError(ctx, "InvalidInputException", "MAX_VALUE_EXCEEDED")
            with self.subTest(op=call.__name__, max_results=20):
                self.assertEqual(call(MaxResults=20, **kwargs)["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_bogus_starting_token(self):
        # The CLI passes a token that is not its own encoding through to the service.
        r = self.cli(self.account, "list-accounts", "--starting-token", "bogus")
        message = self.assertCliError(r, "InvalidInputException", "ListAccounts")
        self.assertIn("NextToken", message)


class SeededMembersPaginationTest(ServerTestCase):
    """Many accounts in one organization, listed through several pages."""

    MEMBERS = 44  # + the management account = 45: three pages of the default 20

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt = new_account_id(prefix=3)
        cls.c = s.client(cls.mgmt)
        cls.org = cls.c.create_organization()["Organization"]
        cls.root_id = cls.c.list_roots()["Roots"][0]["Id"]
        cls.members = [new_account_id(prefix=3) for _ in range(cls.MEMBERS)]
        cls.all_ids = sorted([cls.mgmt] + cls.members)

        # A second organization with a few members, to check tokens do not cross organizations.
        cls.other_mgmt = new_account_id(prefix=4)
        cls.other = s.client(cls.other_mgmt)
        cls.other_org = cls.other.create_organization()["Organization"]
        cls.other_root_id = cls.other.list_roots()["Roots"][0]["Id"]
        cls.other_members = [new_account_id(prefix=4) for _ in range(5)]

        for account in cls.members + cls.other_members:
            res = s.control("PUT", f"/_localorgs/accounts/{account}", {})
            if res.status != 200:
                raise AssertionError(f"registering {account}: {res!r}")
        join_members(s, cls.mgmt, cls.members)
        join_members(s, cls.other_mgmt, cls.other_members)

    def assertEveryIdOnce(self, items, expected_ids):
        ids = [x["Id"] for x in items]
        duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
        self.assertEqual(duplicates, [], "items listed more than once")
        self.assertCountEqual(ids, expected_ids)

    # --- the CLI -------------------------------------------------------------------------------

    def test_cli_auto_pagination_returns_every_item_once(self):
        m = self.mgmt
        accounts, accounts_small, children, for_parent = self.cli_many([
            (m, "list-accounts"),
            (m, "list-accounts", "--page-size", "7"),
            (m, "list-children", "--parent-id", self.root_id, "--child-type", "ACCOUNT", "--page-size", "20"),
            (m, "list-accounts-for-parent", "--parent-id", self.root_id, "--page-size", "3"),
        ])
        for r in (accounts, accounts_small, children, for_parent):
            self.assertEqual(r.returncode, 0, r)
            self.assertNotIn("NextToken", r.json)
        self.assertEveryIdOnce(accounts.json["Accounts"], self.all_ids)
        self.assertEveryIdOnce(accounts_small.json["Accounts"], self.all_ids)
        self.assertEveryIdOnce(children.json["Children"], self.all_ids)
        self.assertEqual({x["Type"] for x in children.json["Children"]}, {"ACCOUNT"})
        self.assertEveryIdOnce(for_parent.json["Accounts"], self.all_ids)

    def test_cli_max_items_and_starting_token_resume_where_they_stopped(self):
        seen = []
        token = None
        for _ in range(10):
            args = ["list-accounts", "--max-items", "10", "--page-size", "4"]
            if token:
                args += ["--starting-token", token]
            out = self.cli_ok(self.mgmt, *args)
            self.assertLessEqual(len(out["Accounts"]), 10)
            seen += out["Accounts"]
            token = out.get("NextToken")
            if not token:
                break
        self.assertEveryIdOnce(seen, self.all_ids)

    # --- boto3 paginators ----------------------------------------------------------------------

    def test_boto3_paginators_every_page_size(self):
        c = self.c
        operations = [
            ("list_accounts", {}, "Accounts"),
            ("list_children", {"ParentId": self.root_id, "ChildType": "ACCOUNT"}, "Children"),
            ("list_accounts_for_parent", {"ParentId": self.root_id}, "Accounts"),
        ]
        for op, kwargs, key in operations:
            for size in (1, 2, 7, 19, 20, None):
                with self.subTest(op=op, page_size=size):
                    config = {"PageSize": size} if size else {}
                    pages = list(c.get_paginator(op).paginate(PaginationConfig=config, **kwargs))
                    items = [x for p in pages for x in p[key]]
                    self.assertEveryIdOnce(items, self.all_ids)
                    limit = size or 20
                    self.assertTrue(all(len(p[key]) <= limit for p in pages), [len(p[key]) for p in pages])
                    tokens = [p["NextToken"] for p in pages if "NextToken" in p]
                    self.assertEqual(len(tokens), len(set(tokens)), "a NextToken repeated")
                    self.assertNotIn("NextToken", pages[-1])
                    self.assertGreaterEqual(len(pages), -(-len(self.all_ids) // limit))

    def test_manual_pages_follow_the_token(self):
        first = self.c.list_accounts(MaxResults=20)
        self.assertEqual(len(first["Accounts"]), 20)
        self.assertIn("NextToken", first)
        second = self.c.list_accounts(MaxResults=20, NextToken=first["NextToken"])
        third = self.c.list_accounts(NextToken=second["NextToken"])
        self.assertNotIn("NextToken", third)
        self.assertEveryIdOnce(first["Accounts"] + second["Accounts"] + third["Accounts"], self.all_ids)
        # A token may be followed with a different page size.
        again = self.c.list_accounts(MaxResults=1, NextToken=first["NextToken"])
        self.assertEqual(again["Accounts"], second["Accounts"][:1])

    # --- tokens --------------------------------------------------------------------------------

    def test_a_token_of_one_list_is_refused_by_another(self):
        c = self.c
        tokens = {
            "list_accounts": c.list_accounts(MaxResults=1)["NextToken"],
            "list_children": c.list_children(ParentId=self.root_id, ChildType="ACCOUNT", MaxResults=1)["NextToken"],
            "list_accounts_for_parent": c.list_accounts_for_parent(ParentId=self.root_id, MaxResults=1)["NextToken"],
        }
        calls = {
            "list_accounts": lambda t: c.list_accounts(NextToken=t),
            "list_children": lambda t: c.list_children(ParentId=self.root_id, ChildType="ACCOUNT", NextToken=t),
            "list_children_ou": lambda t: c.list_children(ParentId=self.root_id, ChildType="ORGANIZATIONAL_UNIT",
                                                          NextToken=t),
            "list_accounts_for_parent": lambda t: c.list_accounts_for_parent(ParentId=self.root_id, NextToken=t),
            "list_roots": lambda t: c.list_roots(NextToken=t),
            "list_parents": lambda t: c.list_parents(ChildId=self.mgmt, NextToken=t),
            "list_tags_for_resource": lambda t: c.list_tags_for_resource(ResourceId=self.mgmt, NextToken=t),
        }
        for source, token in tokens.items():
            for target, call in calls.items():
                with self.subTest(token_from=source, used_by=target):
                    if target == source:
                        self.assertEqual(call(token)["ResponseMetadata"]["HTTPStatusCode"], 200)
                        continue
                    with self.assertRaises(ClientError) as ctx:
                        call(token)
                    self.assertClientError(ctx, "InvalidInputException", "INVALID_NEXT_TOKEN")

        # Through the CLI, too.
        r = self.cli(self.mgmt, "list-accounts-for-parent", "--parent-id", self.root_id,
                     "--starting-token", tokens["list_accounts"])
        self.assertCliError(r, "InvalidInputException", "ListAccountsForParent")

    def test_a_token_of_one_organization_is_refused_by_another(self):
        token = self.c.list_accounts(MaxResults=2)["NextToken"]
        with self.assertRaises(ClientError) as ctx:
            self.other.list_accounts(NextToken=token)
        self.assertClientError(ctx, "InvalidInputException", "INVALID_NEXT_TOKEN")
        other_token = self.other.list_accounts(MaxResults=2)["NextToken"]
        with self.assertRaises(ClientError) as ctx:
            self.c.list_accounts(NextToken=other_token)
        self.assertClientError(ctx, "InvalidInputException", "INVALID_NEXT_TOKEN")
        # The other organization lists only its own accounts.
        items = [x for p in self.other.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 2})
                 for x in p["Accounts"]]
        self.assertEveryIdOnce(items, [self.other_mgmt] + self.other_members)

    def test_tampered_tokens_are_refused(self):
        token = self.c.list_accounts(MaxResults=3)["NextToken"]
        variants = {
            "truncated": token[:-1],
            "extended": token + "A",
            "one character changed": token[:5] + ("B" if token[5] != "B" else "C") + token[6:],
            "padded": token + "=",
            "whitespace": " " + token,
        }
        for name, bad in variants.items():
            with self.subTest(variant=name):
                with self.assertRaises(ClientError) as ctx:
                    self.c.list_accounts(NextToken=bad)
                self.assertClientError(ctx, "InvalidInputException", "INVALID_NEXT_TOKEN")


if __name__ == "__main__":
    harness.main()
