#!/usr/bin/env python3
"""Sets up the policy benchmarks (bench/run): in the organization of 111111111111 on URL, a member
account five OUs below the root, SCPs and tag policies enabled, and five policies of each type
attached at every level of the member's path (the root, the five OUs, the account itself), on
top of FullAWSAccess. Every call goes through the API, as a user's would.

    policies.py URL MEMBER_ACCOUNT_ID

Exits non-zero when any call is refused.
"""
import json
import sys
import urllib.request

LEVELS = 5  # OUs between the root and the member
PER_LEVEL = 5  # policies of each type at each level


def call(url, operation, account, body=None):
    request = urllib.request.Request(url + "/", data=json.dumps(body or {}).encode(), method="POST", headers={
        "X-Amz-Target": "AWSOrganizationsV20161128." + operation,
        "Content-Type": "application/x-amz-json-1.1",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20261128/us-east-1/organizations/aws4_request, "
                         "SignedHeaders=host, Signature=0",
    })
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


def scp(level, i):
    """An SCP that allows what members read and denies other services, with wildcards to match."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": f"Read{level}x{i}", "Effect": "Allow", "Action": ["organizations:Describe*", "organizations:List*"],
         "Resource": "*"},
        {"Sid": f"NoRegions{level}x{i}", "Effect": "Deny", "NotAction": ["organizations:*", "iam:*", "sts:*"],
         "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}},
        {"Sid": f"NoLeaving{level}x{i}", "Effect": "Deny", "Action": "organizations:LeaveOrganization",
         "Resource": "*"},
    ]})


def tag_policy(level, i):
    key = f"key{i}"
    return json.dumps({"tags": {key: {"tag_key": {"@@assign": key.capitalize()},
                                      "tag_value": {"@@append": [f"level{level}"]},
                                      "enforced_for": {"@@assign": ["ec2:instance"]}}}})


def main():
    url, member = sys.argv[1], sys.argv[2]
    mgmt = "111111111111"
    handshake = call(url, "InviteAccountToOrganization", mgmt, {"Target": {"Id": member, "Type": "ACCOUNT"}})
    call(url, "AcceptHandshake", member, {"HandshakeId": handshake["Handshake"]["Id"]})
    root = call(url, "ListRoots", mgmt)["Roots"][0]["Id"]
    path, parent = [root], root
    for level in range(LEVELS):
        parent = call(url, "CreateOrganizationalUnit", mgmt, {"ParentId": parent, "Name": f"Level{level + 1}"})[
            "OrganizationalUnit"]["Id"]
        path.append(parent)
    call(url, "MoveAccount", mgmt, {"AccountId": member, "SourceParentId": root, "DestinationParentId": parent})
    path.append(member)
    for policy_type in ("SERVICE_CONTROL_POLICY", "TAG_POLICY"):
        call(url, "EnablePolicyType", mgmt, {"RootId": root, "PolicyType": policy_type})
    for level, target in enumerate(path):
        for i in range(PER_LEVEL):
            for policy_type, content in (("SERVICE_CONTROL_POLICY", scp(level, i)), ("TAG_POLICY", tag_policy(level, i))):
                policy = call(url, "CreatePolicy", mgmt, {"Name": f"{policy_type}-{level}-{i}", "Description": "",
                                                          "Type": policy_type, "Content": content})
                call(url, "AttachPolicy", mgmt, {"PolicyId": policy["Policy"]["PolicySummary"]["Id"], "TargetId": target})
    print(json.dumps({"root": root, "member": member, "levels": len(path), "per_level": PER_LEVEL}))


if __name__ == "__main__":
    main()
