#!/usr/bin/env python3
"""Sets up the delegation benchmark (bench/run): in the organization of 111111111111 on URL, MEMBERS
invited members, trusted access for five services, and the first member registered as delegated
administrator for two of them. Every call goes through the API, as a user's would.

    delegation.py URL MEMBERS

Prints the delegated administrator's id; exits non-zero when any call is refused.
"""
import sys

from policies import call

SERVICES = ["guardduty.amazonaws.com", "securityhub.amazonaws.com", "sso.amazonaws.com",
            "member.org.stacksets.cloudformation.amazonaws.com", "config.amazonaws.com"]


def main():
    url, members = sys.argv[1], int(sys.argv[2])
    mgmt = "111111111111"
    ids = [f"3{i:011d}" for i in range(1, members + 1)]
    for member in ids:
        handshake = call(url, "InviteAccountToOrganization", mgmt, {"Target": {"Id": member, "Type": "ACCOUNT"}})
        call(url, "AcceptHandshake", member, {"HandshakeId": handshake["Handshake"]["Id"]})
    for service in SERVICES:
        call(url, "EnableAWSServiceAccess", mgmt, {"ServicePrincipal": service})
    for service in SERVICES[:2]:
        call(url, "RegisterDelegatedAdministrator", mgmt, {"AccountId": ids[0], "ServicePrincipal": service})
    print(ids[0])


if __name__ == "__main__":
    main()
