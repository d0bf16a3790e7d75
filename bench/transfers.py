#!/usr/bin/env python3
"""Sets up the responsibility-transfer benchmarks (bench/run): the organization of 111111111111 on
URL pays for (inbound) COUNT other organizations, half of them accepted and half still invited,
through the API as a user's would. Writes the transfers' ids to TRANSFERS_OUT and their
handshakes' ids to HANDSHAKES_OUT (one a line), and prints a JSON summary with the start
timestamp the load may use.

    transfers.py URL COUNT TRANSFERS_OUT HANDSHAKES_OUT

Exits non-zero when any call is refused.
"""
import datetime
import json
import sys
import urllib.request

from policies import call  # bench/ is this script's folder

MGMT = "111111111111"


def control(url, method, path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"{}")


def main():
    url, count, transfers_out, handshakes_out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with urllib.request.urlopen(url + "/_localorgs/clock", timeout=10) as answer:
        now = json.loads(answer.read())["Now"]
    d = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
    m = d.year * 12 + d.month + 1  # the first of the month after next
    start = datetime.datetime(m // 12, m % 12 + 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    org = call(url, "DescribeOrganization", MGMT)["Organization"]["Id"]
    control(url, "PUT", f"/_localorgs/organizations/{org}/quotas", {"MaxInboundResponsibilityTransfers": 1_000_000_000})
    transfers, handshakes = [], []
    for i in range(count):
        source = f"9{i:011d}"
        call(url, "CreateOrganization", source)
        h = call(url, "InviteOrganizationToTransferResponsibility", MGMT, {
            "Type": "BILLING", "Target": {"Id": source, "Type": "ACCOUNT"}, "StartTimestamp": start,
            "SourceName": f"Source {i}"})["Handshake"]
        if i % 2 == 0:
            call(url, "AcceptHandshake", source, {"HandshakeId": h["Id"]})
        transfers.append(next(r["Value"] for r in h["Resources"] if r["Type"] == "RESPONSIBILITY_TRANSFER"))
        handshakes.append(h["Id"])
    with open(transfers_out, "w") as f:
        f.write("\n".join(transfers) + "\n")
    with open(handshakes_out, "w") as f:
        f.write("\n".join(handshakes) + "\n")
    print(json.dumps({"transfers": count, "start": start}))


if __name__ == "__main__":
    main()
