"""boto3 and raw HTTP against localorgs: the awsJson 1.1 wire, errors, validation and identity."""

import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import REQUEST_ID, ServerTestCase, new_account_id, sigv4_header  # noqa: E402

ClientError = botocore.exceptions.ClientError
JSON_11 = "application/x-amz-json-1.1"


class ErrorsAndIdentityTest(ServerTestCase):
    """What boto3 sees: error members, status, request ids; two access keys are two accounts."""

    def test_error_response_members(self):
        c = self.client(new_account_id())
        seen = set()
        for _ in range(2):
            with self.assertRaises(ClientError) as ctx:
                c.describe_organization()
            resp = self.assertClientError(ctx, "AWSOrganizationsNotInUseException",
                                          message="Your account is not a member of an organization.")
            # botocore copies modeled members to the top level: capital-M Message on the wire.
            self.assertEqual(resp.get("Message"), resp["Error"]["Message"], resp)
            meta = resp["ResponseMetadata"]
            self.assertRegex(meta["RequestId"], REQUEST_ID)
            headers = meta["HTTPHeaders"]
            self.assertEqual(headers.get("x-amzn-errortype"), "AWSOrganizationsNotInUseException")
            self.assertEqual(headers.get("content-type"), JSON_11)
            self.assertEqual(meta["RetryAttempts"], 0)
            seen.add(meta["RequestId"])
        self.assertEqual(len(seen), 2, "two requests answered with the same request id")

    def test_reason_is_a_top_level_member(self):
        a = new_account_id()
        c = self.client(a)
        c.create_organization()
        with self.assertRaises(ClientError) as ctx:
            c.describe_account(AccountId="12")
        resp = self.assertClientError(ctx, "InvalidInputException", "INVALID_PATTERN")
        self.assertNotIn("Reason", resp["Error"])
        self.assertIn("AccountId", resp["Error"]["Message"])

    def test_success_metadata(self):
        a = new_account_id()
        c = self.client(a)
        created = c.create_organization(FeatureSet="ALL")
        described = c.describe_organization()
        for r in (created, described):
            meta = r["ResponseMetadata"]
            self.assertEqual(meta["HTTPStatusCode"], 200)
            self.assertEqual(meta["HTTPHeaders"].get("content-type"), JSON_11)
            self.assertRegex(meta["RequestId"], REQUEST_ID)
            self.assertEqual(meta["HTTPHeaders"].get("x-amzn-requestid"), meta["RequestId"])
        self.assertNotEqual(created["ResponseMetadata"]["RequestId"], described["ResponseMetadata"]["RequestId"])
        self.assertEqual(created["Organization"], described["Organization"])
        # Operations without an output shape parse as empty results.
        tagged = c.tag_resource(ResourceId=a, Tags=[{"Key": "k", "Value": "v"}])
        self.assertEqual(set(tagged), {"ResponseMetadata"})
        deleted = c.delete_organization()
        self.assertEqual(set(deleted), {"ResponseMetadata"})

    def test_two_access_keys_are_two_accounts(self):
        a, b = new_account_id(), new_account_id()
        ca, cb = self.client(a, region="eu-west-1"), self.client(b, region="us-east-2")
        org_a = ca.create_organization()["Organization"]
        self.assertEqual(org_a["MasterAccountId"], a)
        with self.assertRaises(ClientError) as ctx:
            cb.describe_organization()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")
        with self.assertRaises(ClientError) as ctx:
            cb.list_accounts()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")

        org_b = cb.create_organization(FeatureSet="CONSOLIDATED_BILLING")["Organization"]
        self.assertEqual(org_b["MasterAccountId"], b)
        self.assertNotEqual(org_a["Id"], org_b["Id"])
        self.assertEqual([x["Id"] for x in ca.list_accounts()["Accounts"]], [a])
        self.assertEqual([x["Id"] for x in cb.list_accounts()["Accounts"]], [b])
        self.assertNotEqual(ca.list_roots()["Roots"][0]["Id"], cb.list_roots()["Roots"][0]["Id"])
        with self.assertRaises(ClientError) as ctx:
            ca.describe_account(AccountId=b)
        self.assertClientError(ctx, "AccountNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            cb.list_tags_for_resource(ResourceId=ca.list_roots()["Roots"][0]["Id"])
        self.assertClientError(ctx, "TargetNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            ca.create_organization()
        self.assertClientError(ctx, "AlreadyInOrganizationException")

    def test_any_region_in_the_credential_scope(self):
        a = new_account_id()
        self.client(a, region="us-east-1").create_organization()
        ids = set()
        for region in ("eu-west-1", "ap-south-1", "me-central-1", "us-gov-west-1", "cn-north-1", "af-south-1"):
            with self.subTest(region=region):
                ids.add(self.client(a, region=region).describe_organization()["Organization"]["Id"])
        self.assertEqual(len(ids), 1)


class ServerSideValidationTest(ServerTestCase):
    """Constraints botocore does not check client-side must be enforced by the server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = new_account_id()
        cls.c = cls.server.client(cls.account)
        cls.c.create_organization()
        cls.root_id = cls.c.list_roots()["Roots"][0]["Id"]

    def assertInvalid(self, reason, call, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            call(**kwargs)
        return self.assertClientError(ctx, "InvalidInputException", reason)

    def test_patterns_enums_lengths_and_ranges(self):
        c = self.c
        cases = [
            ("INVALID_PATTERN", c.describe_account, {"AccountId": "12"}),
            ("INVALID_PATTERN", c.describe_account, {"AccountId": "12345678901a"}),
            ("MAX_LENGTH_EXCEEDED", c.describe_account, {"AccountId": "1234567890123"}),
            ("MAX_VALUE_EXCEEDED", c.list_accounts, {"MaxResults": 50}),
            ("MAX_VALUE_EXCEEDED", c.list_accounts, {"MaxResults": 21}),
            ("MAX_VALUE_EXCEEDED", c.list_roots, {"MaxResults": 21}),
            ("INVALID_ENUM", c.list_children, {"ParentId": self.root_id, "ChildType": "FOO"}),
            ("INVALID_ENUM", c.create_organization, {"FeatureSet": "SOME"}),
            ("INVALID_PATTERN", c.list_children, {"ParentId": "123456789012", "ChildType": "ACCOUNT"}),
            # A root is never a child.
            ("INVALID_PATTERN", c.list_parents, {"ChildId": self.root_id}),
            # The model's ungrouped alternations must hold as a full match of one branch.
            ("INVALID_PATTERN", c.list_parents, {"ChildId": self.account + "x"}),
            ("INVALID_PATTERN", c.list_tags_for_resource, {"ResourceId": "r-abcd!!"}),
            ("INVALID_PATTERN", c.list_tags_for_resource, {"ResourceId": "x" + self.account}),
            ("INVALID_PATTERN", c.list_accounts_for_parent, {"ParentId": self.root_id + " "}),
        ]
        for reason, call, kwargs in cases:
            with self.subTest(op=call.__name__, input=kwargs):
                self.assertInvalid(reason, call, **kwargs)

    def test_tag_key_and_value_constraints(self):
        c, a = self.c, self.account
        refused = [
            ("MAX_LENGTH_EXCEEDED", [{"Key": "k" * 129, "Value": "v"}]),
            ("MAX_LENGTH_EXCEEDED", [{"Key": "k", "Value": "v" * 257}]),
            ("INVALID_PATTERN", [{"Key": "<b>", "Value": "v"}]),
            ("INVALID_PATTERN", [{"Key": "k", "Value": "<b>"}]),
            ("INVALID_PATTERN", [{"Key": "semi;colon", "Value": "v"}]),
            ("INVALID_PATTERN", [{"Key": "emoji", "Value": "\U0001F600"}]),  # a symbol, not a letter
            ("INVALID_PATTERN", [{"Key": "ok", "Value": "fine"}, {"Key": "bad", "Value": "a*b"}]),
        ]
        for reason, tags in refused:
            with self.subTest(tags=tags):
                resp = self.assertInvalid(reason, c.tag_resource, ResourceId=a, Tags=tags)
                self.assertIn("Tags[", resp["Error"]["Message"])
        self.assertEqual(c.list_tags_for_resource(ResourceId=a)["Tags"], [], "a refused call stored tags")

        accepted = [
            {"Key": "Größe", "Value": "日本語"},
            {"Key": "日本語", "Value": "Ünïcödé wert"},
            {"Key": "k" * 128, "Value": "v" * 256},
            {"Key": "日" * 128, "Value": "語" * 256},  # lengths count characters, not UTF-8 bytes
            {"Key": "space\u00a0and\u3000ideographic", "Value": "digits ٣٤ and _.:/=+-@"},
            {"Key": "empty", "Value": ""},
        ]
        c.tag_resource(ResourceId=a, Tags=accepted)
        self.assertCountEqual(c.list_tags_for_resource(ResourceId=a)["Tags"], accepted)
        c.untag_resource(ResourceId=a, TagKeys=[t["Key"] for t in accepted])
        self.assertEqual(c.list_tags_for_resource(ResourceId=a)["Tags"], [])

    def test_bogus_next_tokens(self):
        c = self.c
        calls = [
            (c.list_accounts, {}),
            (c.list_roots, {}),
            (c.list_accounts_for_parent, {"ParentId": self.root_id}),
            (c.list_children, {"ParentId": self.root_id, "ChildType": "ACCOUNT"}),
            (c.list_children, {"ParentId": self.root_id, "ChildType": "ORGANIZATIONAL_UNIT"}),
            (c.list_parents, {"ChildId": self.account}),
            (c.list_tags_for_resource, {"ResourceId": self.account}),
        ]
        for call, kwargs in calls:
            for token in ("bogus", "AAAA", "x" * 1000):
                with self.subTest(op=call.__name__, token=token[:10]):
                    self.assertInvalid("INVALID_NEXT_TOKEN", call, NextToken=token, **kwargs)


class RawHttpTest(ServerTestCase):
    """The wire below the SDKs: headers, status codes, malformed bodies, identity sources."""

    def assertAwsError(self, res, status, error_type):
        self.assertEqual(res.status, status, res)
        self.assertIsInstance(res.json, dict, res)
        self.assertEqual(res.json.get("__type"), error_type, res)
        self.assertIsInstance(res.json.get("Message"), str, res)
        self.assertTrue(res.json["Message"], res)
        self.assertEqual(res.header("X-Amzn-ErrorType"), error_type, res)
        self.assertEqual(res.header("Content-Type"), JSON_11, res)
        self.assertRegex(res.header("x-amzn-RequestId") or "", REQUEST_ID)

    def test_unknown_operations(self):
        s = self.server
        json_headers = {"Content-Type": JSON_11}
        cases = [
            s.api("NoSuchOperation", account=new_account_id()),
            s.api("listaccounts", account=new_account_id()),
            s.http("POST", "/", b"{}", json_headers),  # no X-Amz-Target
            s.http("POST", "/", b"{}", {**json_headers, "X-Amz-Target": "AWSOrganizationsV20161129.ListAccounts"}),
            s.http("POST", "/", b"{}", {**json_headers, "X-Amz-Target": "ListAccounts"}),
        ]
        for i, res in enumerate(cases):
            with self.subTest(case=i):
                self.assertAwsError(res, 400, "UnknownOperationException")
        self.assertIn("NoSuchOperation", cases[0].json["Message"])

    def test_malformed_bodies(self):
        a = new_account_id()
        self.server.client(a).create_organization()
        cases = [
            ("ListAccounts", b"not json"),
            ("ListAccounts", b"{"),
            ("ListAccounts", b"[]"),
            ("ListAccounts", b"null"),
            ("ListAccounts", b'"text"'),
            ("ListAccounts", b"42"),
            ("ListAccounts", b'{"MaxResults":"5"}'),
            ("ListAccounts", b'{"MaxResults":5.5}'),
            ("ListAccounts", b'{"NextToken":5}'),
            ("DescribeAccount", b'{"AccountId":123456789012}'),
            ("TagResource", json.dumps({"ResourceId": a, "Tags": {"Key": "k", "Value": "v"}}).encode()),
            ("TagResource", json.dumps({"ResourceId": a, "Tags": [{"Key": "k", "Value": 1}]}).encode()),
            ("UntagResource", json.dumps({"ResourceId": a, "TagKeys": "k"}).encode()),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=body):
                self.assertAwsError(self.server.api(op, body, account=a), 400, "SerializationException")
        # Nothing reached the service: the account still has no tags.
        self.assertEqual(self.server.client(a).list_tags_for_resource(ResourceId=a)["Tags"], [])

    def test_constraints_no_sdk_would_let_through(self):
        a = new_account_id()
        self.server.client(a).create_organization()
        cases = [
            ("DescribeAccount", {}, "INPUT_REQUIRED"),
            ("DescribeAccount", {"AccountId": None}, "INPUT_REQUIRED"),
            ("ListChildren", {"ParentId": "r-abcd"}, "INPUT_REQUIRED"),
            ("TagResource", {"ResourceId": a, "Tags": [{"Key": "k"}]}, "INPUT_REQUIRED"),
            ("TagResource", {"ResourceId": a, "Tags": [{"Key": "", "Value": "v"}]}, "MIN_LENGTH_EXCEEDED"),
            ("UntagResource", {"ResourceId": a, "TagKeys": [""]}, "MIN_LENGTH_EXCEEDED"),
            ("ListAccounts", {"MaxResults": 0}, "MIN_VALUE_EXCEEDED"),
            ("ListAccounts", {"MaxResults": -1}, "MIN_VALUE_EXCEEDED"),
            # Arabic-Indic digits are digits to \p{N}, not to the model's \d.
            ("DescribeAccount", {"AccountId": "\u0661" * 12}, "INVALID_PATTERN"),
        ]
        for op, body, reason in cases:
            with self.subTest(op=op, body=body):
                res = self.server.api(op, body, account=a)
                self.assertAwsError(res, 400, "InvalidInputException")
                self.assertEqual(res.json.get("Reason"), reason, res)

    def test_numbers_and_text_the_parser_must_refuse(self):
        a = new_account_id()
        cases = [
            ("ListAccounts", b'{"MaxResults": 2147483648}'),
            ("ListAccounts", b'{"MaxResults": 99999999999999999999}'),
            ("ListAccounts", b'{"MaxResults": 1e1}'),
            ("ListAccounts", b'{"MaxResults": true}'),
            ("TagResource", b'{"ResourceId": "123456789012", "Tags": [{"Key": "\xff\xfe", "Value": "x"}]}'),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=body):
                self.assertAwsError(self.server.api(op, body, account=a), 400, "SerializationException")

    def test_oversized_body_is_refused_and_the_server_keeps_serving(self):
        a = new_account_id()
        body = b'{"Padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
        try:
            res = self.server.api("ListAccounts", body, account=a)
            self.assertEqual(res.status, 413, res)
            self.assertIsInstance(res.json, dict, res)
        except ConnectionError:
            pass  # closing the connection after a 413 is allowed; the next check is what matters
        res = self.server.api("CreateOrganization", b"{}", account=a)
        self.assertEqual(res.status, 200, res)

    def test_chunked_request_body(self):
        a = new_account_id()
        self.server.client(a).create_organization()
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=10)
        try:
            conn.request("POST", "/", body=iter([b'{"MaxRe', b'sults": 1', b"}"]), encode_chunked=True,
                         headers={"Content-Type": JSON_11, "Authorization": sigv4_header(a),
                                  "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts"})
            res = conn.getresponse()
            body = json.loads(res.read())
        finally:
            conn.close()
        self.assertEqual(res.status, 200, body)
        self.assertEqual([x["Id"] for x in body["Accounts"]], [a])

    def test_unknown_members_are_ignored_and_empty_body_is_an_empty_object(self):
        a = new_account_id()
        res = self.server.api("CreateOrganization", b"", account=a)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.header("Content-Type"), JSON_11)
        self.assertRegex(res.header("x-amzn-RequestId") or "", REQUEST_ID)
        self.assertEqual(res.json["Organization"]["FeatureSet"], "ALL")
        self.assertEqual(res.json["Organization"]["MasterAccountId"], a)

        for body in (b"", b"{}", b"  \r\n ", b'{"Unknown": {"Nested": [1, 2]}, "Other": null}'):
            with self.subTest(body=body):
                res = self.server.api("DescribeOrganization", body, account=a)
                self.assertEqual(res.status, 200, res)
                self.assertEqual(res.json["Organization"]["Id"], self.server.client(a).describe_organization()[
                    "Organization"]["Id"])
        res = self.server.api("ListAccounts", b'{"MaxResults": 5, "Bogus": "x"}', account=a)
        self.assertEqual(res.status, 200, res)
        self.assertEqual([x["Id"] for x in res.json["Accounts"]], [a])

    def test_wire_format_of_results(self):
        a = new_account_id()
        self.server.client(a).create_organization()
        res = self.server.api("ListAccounts", b"{}", account=a)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.header("Content-Type"), JSON_11)
        self.assertEqual(set(res.json), {"Accounts"}, "the last page must omit NextToken, not send null")
        ts = res.json["Accounts"][0]["JoinedTimestamp"]
        self.assertIsInstance(ts, (int, float), "timestamps are epoch seconds as JSON numbers")
        self.assertNotIsInstance(ts, bool)
        self.assertAlmostEqual(ts * 1000, round(ts * 1000), places=3, msg="at most millisecond fractions")
        ids = {self.server.api("DescribeOrganization", b"{}", account=a).header("x-amzn-RequestId")
               for _ in range(5)}
        self.assertEqual(len(ids), 5, "request ids repeat")

    def test_caller_from_presigned_query_credential(self):
        a = new_account_id()
        query = f"/?X-Amz-Credential={a}%2F20260101%2Feu-west-1%2Forganizations%2Faws4_request&X-Amz-Date=20260101T000000Z"
        res = self.server.api("CreateOrganization", b"{}", path=query)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["Organization"]["MasterAccountId"], a)
        res = self.server.api("DescribeOrganization", b"{}", path=query)
        self.assertEqual(res.json["Organization"]["MasterAccountId"], a)
        # The Authorization header names the same caller.
        res = self.server.api("DescribeOrganization", b"{}", account=a)
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["Organization"]["MasterAccountId"], a)

    def test_caller_without_credentials_is_the_default_account(self):
        res = self.server.api("CreateOrganization", b"{}")
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["Organization"]["MasterAccountId"], "000000000000")
        # A non-numeric access key that the configuration does not know is the default account too.
        res = self.server.api("DescribeOrganization", b"{}", headers={"Authorization": sigv4_header("AKIAUNKNOWN")})
        self.assertEqual(res.status, 200, res)
        self.assertEqual(res.json["Organization"]["MasterAccountId"], "000000000000")
        self.assertEqual(self.server.client("AKIAUNKNOWN2").describe_organization()["Organization"]
                         ["MasterAccountId"], "000000000000")


class ConfiguredCredentialsTest(ServerTestCase):
    """--config: Credentials map access keys to accounts; DefaultAccount catches unknown keys."""

    server_config = {
        "DefaultAccount": "999999999999",
        "Accounts": [
            {"Id": "111111111111", "Email": "prod@example.com", "Name": "Prod", "SellerOfRecord": "AWS_INC",
             "Partition": "aws", "EmailVerified": True},
            {"Id": "999999999999", "Email": "fallback@example.com", "Name": "Fallback"},
        ],
        "Credentials": [
            {"AccessKeyId": "AKIAEXAMPLEKEY", "SecretAccessKey": "secret", "AccountId": "111111111111"},
        ],
    }

    def test_configured_access_key_is_its_account(self):
        c = self.client("AKIAEXAMPLEKEY")
        org = c.create_organization()["Organization"]
        self.assertEqual(org["MasterAccountId"], "111111111111")
        self.assertEqual(org["MasterAccountEmail"], "prod@example.com")
        account = c.describe_account(AccountId="111111111111")["Account"]
        self.assertEqual((account["Email"], account["Name"]), ("prod@example.com", "Prod"))
        # The 12-digit key of the same account is the same caller.
        self.assertEqual(self.client("111111111111").describe_organization()["Organization"], org)
        # And so is the real CLI with that key.
        r = self.cli("AKIAEXAMPLEKEY", "describe-organization", region="eu-west-1")
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.json, {"Organization": org})

    def test_unknown_access_key_is_the_default_account(self):
        c = self.client("AKIANOTCONFIGURED")
        with self.assertRaises(ClientError) as ctx:
            c.describe_organization()
        self.assertClientError(ctx, "AWSOrganizationsNotInUseException")
        org = c.create_organization()["Organization"]
        self.assertEqual(org["MasterAccountId"], "999999999999")
        self.assertEqual(org["MasterAccountEmail"], "fallback@example.com")
        res = self.server.api("DescribeOrganization", b"{}")  # no credentials at all
        self.assertEqual(res.json["Organization"]["Id"], org["Id"])
        self.assertEqual(self.client("999999999999").describe_organization()["Organization"], org)


if __name__ == "__main__":
    harness.main()
