#!/usr/bin/env python3
"""Turns the measurements of bench/run into a markdown table (stdout and --out).

    report.py --results DIR --out FILE [--publish]

DIR holds one JSON file per measurement, named by bench/run: `<scenario>@<server>.json` for
the wrk runs (see bench/lua/common.lua), startup.json, memory.json, seed@N.json, memory@N.json,
meta.json, moto.json. Anything missing (a smoke run measures less) shows as "not measured".
--publish also writes bench/RESULTS.md and replaces the table in README.md between the
markers `<!-- bench-results:begin -->` and `<!-- bench-results:end -->`.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README_BEGIN = "<!-- bench-results:begin -->"
README_END = "<!-- bench-results:end -->"
SCALING_SIZES = (1000, 100_000, 1_000_000)
WITHIN_SCALING = 1.5  # 1M handshakes vs 1k, a wide tree vs a tree of 10: latency ratio target
TREE_SIZES = (10, 1000)  # OUs of the tree runs (bench/run)


def load(results, name):
    path = results / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_ms(x):
    return f"{x:.2f}"


def mib(kb):
    return kb / 1024


def size_name(n):
    return {1000: "1 thousand", 100_000: "100 thousand", 1_000_000: "1 million"}.get(n, fmt_int(n))


def errors_cell(run):
    """'0', or a flag naming what went wrong; wrk's socket errors are listed too."""
    parts = []
    if run["non200"]:
        sample = run["first_error"][:80].replace("|", "\\|")
        parts.append(f"**⚠ {fmt_int(run['non200'])} non-200** (`{sample}`)")
    if run["socket_errors"] or run["timeouts"]:
        parts.append(f"⚠ {run['socket_errors']} socket errors, {run['timeouts']} timeouts")
    return "; ".join(parts) or "0"


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        # Uncommitted changes to what is measured (the harness's own files and README aside).
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                capture_output=True, text=True).stdout.splitlines()
        dirty = sorted({line[3:].split("/")[0] for line in status} - {"bench", "README.md", ".ci"})
        commit += f" + local changes in {', '.join(dirty)}" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "commit": commit}


class Targets:
    """Rows of the targets table: what was asked, what was measured, met or missed."""

    def __init__(self, smoke):
        self.rows = []
        self.smoke = smoke

    def add(self, target, measured, met, invalid=False):
        if measured is None:
            status = "not measured (smoke run)" if self.smoke else "not measured"
            measured = "—"
        elif invalid:
            status = "**⚠ invalid (errors)**"
        else:
            status = "met" if met else "**missed**"
        self.rows.append((target, measured, status))


def report(results):
    meta = load(results, "meta") or {}
    m = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    moto_version = (load(results, "moto") or {}).get("version", "")
    runs = {p.stem: json.loads(p.read_text()) for p in results.glob("*@*.json")}

    def run(name):
        r = runs.get(name)
        return r if r and "rps" in r else None

    out = []
    out.append(f"Measured {now} with `bench/run`"
               f"{' --smoke' if meta.get('mode') == 'smoke' else ''}, commit {m['commit']}.\n")
    out.append(f"- Machine: {m['nproc']} × {m['cpu']}, Linux {m['kernel']}; load average at start "
               f"{meta.get('loadavg_at_start', '?')}. Load generator on the same machine.")
    out.append(f"- Load: wrk {meta.get('wrk_version', '?')} over loopback, {meta.get('connections', 64)} "
               f"connections, {meta.get('wrk_threads', 2)} threads, {meta.get('duration_s', '?')} s per run; "
               "every answer checked for status 200.")
    out.append("- localorgs: Release build, database file in a temporary folder; 2 I/O threads and "
               "`--durability normal` (WAL, `synchronous=NORMAL`) unless a row says otherwise; "
               "`--log-level warn` (no line per request).\n")

    # --- throughput ------------------------------------------------------------------------
    ceiling = {2: run("describe@ceiling"), 1: run("describe@ceiling-1")}
    moto = run("describe@moto")
    rows = [
        ("DescribeOrganization", "localorgs", "describe@localorgs", 2),
        ("DescribeOrganization", "localorgs, 1 I/O thread", "describe@localorgs-1", 1),
        ("DescribeOrganization", "ceiling: bare Beast, 2 threads", "describe@ceiling", None),
        ("DescribeOrganization", "ceiling: bare Beast, 1 thread", "describe@ceiling-1", None),
        ("DescribeOrganization", f"moto_server {moto_version}".strip(), "describe@moto", None),
        ("InviteAccountToOrganization", "localorgs", "invite@localorgs", None),
        ("InviteAccountToOrganization", "localorgs, 1 I/O thread", "invite@localorgs-1", None),
        ("InviteAccountToOrganization", "localorgs, `--durability full`", "invite@localorgs-full", None),
        ("Lifecycle mix¹", "localorgs", "lifecycle@localorgs", None),
        ("CreateAccount + DescribeCreateAccountStatus²", "localorgs", "create-account@localorgs", None),
        ("CreateOrganizationalUnit", "localorgs", "create-ou@localorgs", None),
        ("MoveAccount", "localorgs", "move-account@localorgs", None),
    ]
    out.append("| Operation | Server | Requests/s | p50 ms | p99 ms | Errors | vs ceiling | vs moto |")
    out.append("|---|---|--:|--:|--:|---|--:|--:|")
    for op, server, name, threads in rows:
        r = run(name)
        if not r:
            continue
        vs_ceiling = vs_moto = ""
        if threads and ceiling.get(threads):
            vs_ceiling = f"{100 * r['rps'] / ceiling[threads]['rps']:.0f}%"
        if threads and moto and moto["rps"]:
            vs_moto = f"{r['rps'] / moto['rps']:,.0f}×"
        out.append(f"| {op} | {server} | {fmt_int(r['rps'])} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} "
                   f"| {errors_cell(r)} | {vs_ceiling} | {vs_moto} |")
    life = run("lifecycle@localorgs")
    if life:
        mix = ", ".join(f"{k} {fmt_int(v)}" for k, v in sorted(life.get("mix", {}).items()))
        out.append("\n¹ Invite, DescribeHandshake (by either party), ListHandshakesForOrganization and "
                   "AcceptHandshake (by the invitee, with its own access key) in turn"
                   f"{f' — requests sent: {mix}' if mix else ''}.")
    vend = run("create-account@localorgs")
    if vend:
        mix = ", ".join(f"{k} {fmt_int(v)}" for k, v in sorted(vend.get("mix", {}).items()))
        out.append("\n² CreateAccount with a new address, and DescribeCreateAccountStatus of a request the thread "
                   f"made, in turn{f' — requests sent: {mix}' if mix else ''}.")
    if moto:
        out.append("\nmoto_server (Werkzeug) closes the connection after every answer, so wrk reconnects for "
                   "each of its requests.")
    out.append("")

    # --- start, memory -----------------------------------------------------------------------
    startup = load(results, "startup")
    memory = load(results, "memory")
    if startup or memory:
        out.append("| Measure | Value |")
        out.append("|---|--:|")
    if startup:
        each = ", ".join(f"{x:.1f}" for x in startup["runs_ms"])
        out.append(f"| Exec to first answered request, fresh database (median of {len(startup['runs_ms'])}: "
                   f"{each}) | {startup['median_ms']:.1f} ms |")
    if memory:
        out.append(f"| Resident memory, idle (organization created) | {mib(memory['idle_kb']):.1f} MiB |")
        out.append(f"| Resident memory, peak over the localorgs runs above (VmHWM) | {mib(memory['peak_kb']):.1f} MiB |")
    if startup or memory:
        out.append("")

    # --- scaling -----------------------------------------------------------------------------
    sizes = [n for n in SCALING_SIZES if run(f"describe-handshake@{n}") or run(f"list-handshakes@{n}")]
    if sizes:
        out.append("| Handshakes stored | Seeded in | DescribeHandshake req/s | p50 ms | p99 ms "
                   "| ListHandshakesForOrganization, first page, req/s | p50 ms | p99 ms | Errors | Peak RSS |")
        out.append("|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|")
        for n in sizes:
            d, l = run(f"describe-handshake@{n}"), run(f"list-handshakes@{n}")
            seed = load(results, f"seed@{n}") or {}
            mem = load(results, f"memory@{n}") or {}
            cells = []
            for r in (d, l):
                cells += [fmt_int(r["rps"]), fmt_ms(r["p50_ms"]), fmt_ms(r["p99_ms"])] if r else ["—"] * 3
            errs = "; ".join(e for e in (errors_cell(r) for r in (d, l) if r) if e != "0") or "0"
            seeded = f"{seed['seconds']:.1f} s" if "seconds" in seed else "—"
            rss = f"{mib(mem['peak_kb']):.1f} MiB" if "peak_kb" in mem else "—"
            out.append(f"| {size_name(n)} | {seeded} | {' | '.join(cells)} | {errs} | {rss} |")
        out.append("")

    # --- the tree ----------------------------------------------------------------------------
    trees = [n for n in TREE_SIZES if run(f"list-children@tree-{n}") or run(f"list-accounts-for-parent@tree-{n}")]
    if trees:
        out.append("| Tree | ListChildren (the root's OUs, 10 per page) req/s | p50 ms | p99 ms "
                   "| ListAccountsForParent (an OU, 10 per page) req/s | p50 ms | p99 ms | Errors |")
        out.append("|---|--:|--:|--:|--:|--:|--:|---|")
        for n in trees:
            c, a = run(f"list-children@tree-{n}"), run(f"list-accounts-for-parent@tree-{n}")
            seed = load(results, f"seed-tree@{n}") or {}
            cells = []
            for r in (c, a):
                cells += [fmt_int(r["rps"]), fmt_ms(r["p50_ms"]), fmt_ms(r["p99_ms"])] if r else ["—"] * 3
            errs = "; ".join(e for e in (errors_cell(r) for r in (c, a) if r) if e != "0") or "0"
            label = f"{fmt_int(seed.get('ous', n))} OUs, {fmt_int(seed.get('accounts', 0))} accounts"
            out.append(f"| {label} | {' | '.join(cells)} | {errs} |")
        out.append("")

    # --- policies ----------------------------------------------------------------------------
    policy_rows = [
        ("ListPoliciesForTarget (the member's 6 SCPs)", "list-policies-for-target@policies"),
        ("DescribeEffectivePolicy (TAG_POLICY, 7 levels × 5 policies)", "describe-effective-policy@policies"),
        ("DescribeOrganization by the member, SCPs enabled (42 on its path)", "member-describe@scp-on"),
        ("DescribeOrganization by the member, SCPs disabled", "member-describe@scp-off"),
    ]
    if any(run(name) for _, name in policy_rows):
        out.append("| Policies: a member five OUs deep, five policies of each type at every level "
                   "| Requests/s | p50 ms | p99 ms | Errors |")
        out.append("|---|--:|--:|--:|---|")
        for label, name in policy_rows:
            r = run(name)
            if r:
                out.append(f"| {label} | {fmt_int(r['rps'])} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} "
                           f"| {errors_cell(r)} |")
        on, off = run("member-describe@scp-on"), run("member-describe@scp-off")
        if on and off and on["rps"]:
            out.append(f"\nEvaluating the SCPs costs the member's call {off['rps'] / on['rps']:.2f}× in requests/s "
                       f"(p50 {fmt_ms(on['p50_ms'])} vs {fmt_ms(off['p50_ms'])} ms), same run, same server.")
        out.append("")

    # --- delegation --------------------------------------------------------------------------
    mgmt_list, admin_list = run("list-accounts@management"), run("list-accounts@delegated-admin")
    if mgmt_list or admin_list:
        out.append("| Delegation: ListAccounts (20 of 51 accounts) | Requests/s | p50 ms | p99 ms | Errors |")
        out.append("|---|--:|--:|--:|---|")
        for label, r in (("by the management account", mgmt_list), ("by a delegated administrator", admin_list)):
            if r:
                out.append(f"| {label} | {fmt_int(r['rps'])} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} "
                           f"| {errors_cell(r)} |")
        if mgmt_list and admin_list and admin_list["rps"]:
            out.append(f"\nThe delegated administrator's access check costs its call "
                       f"{mgmt_list['rps'] / admin_list['rps']:.2f}× in requests/s, same run, same server.")
        out.append("")

    # --- responsibility transfers --------------------------------------------------------------
    transfer_rows = [
        ("DescribeResponsibilityTransfer", "describe-transfer@transfers", "DescribeHandshake", "describe-handshake@transfers"),
        ("ListInboundResponsibilityTransfers, first page", "list-inbound-transfers@transfers",
         "ListHandshakesForOrganization, first page", "list-handshakes@transfers"),
        ("InviteOrganizationToTransferResponsibility", "invite-transfer@transfers",
         "InviteAccountToOrganization", "invite@transfers"),
    ]
    if any(run(name) for _, name, _, _ in transfer_rows):
        seed = load(results, "seed-transfers") or {}
        out.append(f"| Transfers ({fmt_int(seed.get('transfers', 0))} inbound, half accepted) | Requests/s | p50 ms "
                   "| p99 ms | Errors | Baseline, same server | Requests/s | vs baseline |")
        out.append("|---|--:|--:|--:|---|---|--:|--:|")
        for label, name, base_label, base_name in transfer_rows:
            r, b = run(name), run(base_name)
            if not r:
                continue
            ratio = f"{r['rps'] / b['rps']:.2f}×" if b and b["rps"] else "—"
            out.append(f"| {label} | {fmt_int(r['rps'])} | {fmt_ms(r['p50_ms'])} | {fmt_ms(r['p99_ms'])} "
                       f"| {errors_cell(r)} | {base_label} | {fmt_int(b['rps']) if b else '—'} | {ratio} |")
        out.append("")

    # --- targets -----------------------------------------------------------------------------
    t = Targets(meta.get("mode") == "smoke")
    describe = run("describe@localorgs")
    bad = lambda *rs: any(r and r["non200"] for r in rs)
    if describe and ceiling[2]:
        share = describe["rps"] / ceiling[2]["rps"]
        t.add("DescribeOrganization ≥ 50% of the ceiling's requests/s", f"{100 * share:.0f}%", share >= 0.5,
              bad(describe, ceiling[2]))
    else:
        t.add("DescribeOrganization ≥ 50% of the ceiling's requests/s", None, False)
    if describe and moto and moto["rps"]:
        times = describe["rps"] / moto["rps"]
        t.add("DescribeOrganization ≥ 100× moto", f"{times:,.0f}×", times >= 100, bad(describe))
    else:
        t.add("DescribeOrganization ≥ 100× moto", None, False)
    for name, label, goal in (("invite@localorgs", "InviteAccountToOrganization ≥ 20,000/s (durability normal)", 20_000),
                              ("invite@localorgs-full", "InviteAccountToOrganization ≥ 10,000/s with `--durability full`", 10_000)):
        r = run(name)
        t.add(label, f"{fmt_int(r['rps'])}/s" if r else None, bool(r) and r["rps"] >= goal, bad(r))
    for name, label in (("describe@localorgs", "p99 ≤ 5 ms at 64 connections: DescribeOrganization"),
                        ("invite@localorgs", "p99 ≤ 5 ms at 64 connections: InviteAccountToOrganization"),
                        ("lifecycle@localorgs", "p99 ≤ 5 ms at 64 connections: lifecycle mix")):
        r = run(name)
        t.add(label, f"{fmt_ms(r['p99_ms'])} ms" if r else None, bool(r) and r["p99_ms"] <= 5, bad(r))
    t.add("Start to first answered request ≤ 20 ms", f"{startup['median_ms']:.1f} ms" if startup else None,
          bool(startup) and startup["median_ms"] <= 20)
    t.add("Idle resident memory ≤ 10 MiB", f"{mib(memory['idle_kb']):.1f} MiB" if memory else None,
          bool(memory) and mib(memory["idle_kb"]) <= 10)
    t.add("Resident memory under load ≤ 64 MiB", f"{mib(memory['peak_kb']):.1f} MiB" if memory else None,
          bool(memory) and mib(memory["peak_kb"]) <= 64)
    for op, key in (("DescribeHandshake", "describe-handshake"),
                    ("ListHandshakesForOrganization first page", "list-handshakes")):
        small, big = run(f"{key}@1000"), run(f"{key}@1000000")
        label = f"{op}: p50 with 1 million handshakes within {WITHIN_SCALING}× of 1 thousand"
        if small and big and small["p50_ms"] > 0:
            ratio = big["p50_ms"] / small["p50_ms"]
            t.add(label, f"{ratio:.2f}× ({fmt_ms(big['p50_ms'])} vs {fmt_ms(small['p50_ms'])} ms)",
                  ratio <= WITHIN_SCALING, bad(small, big))
        else:
            t.add(label, None, False)
    for op, key in (("ListChildren", "list-children"), ("ListAccountsForParent", "list-accounts-for-parent")):
        small, big = run(f"{key}@tree-10"), run(f"{key}@tree-1000")
        label = f"{op}: p50 on a tree of 1,000 OUs and 10,000 accounts within {WITHIN_SCALING}× of a tree of 10"
        if small and big and small["p50_ms"] > 0:
            ratio = big["p50_ms"] / small["p50_ms"]
            t.add(label, f"{ratio:.2f}× ({fmt_ms(big['p50_ms'])} vs {fmt_ms(small['p50_ms'])} ms)",
                  ratio <= WITHIN_SCALING, bad(small, big))
        else:
            t.add(label, None, False)
    out.append("| Target (issues 5, 13) | Measured | |")
    out.append("|---|--:|---|")
    for target, measured, status in t.rows:
        out.append(f"| {target} | {measured} | {status} |")

    return "\n".join(out) + "\n"


def publish(table):
    (ROOT / "bench" / "RESULTS.md").write_text(
        "# Benchmark results\n\nThe latest full run of `bench/run --publish` (see README, Benchmarks).\n\n" + table)
    readme = ROOT / "README.md"
    text = readme.read_text()
    pattern = re.compile(re.escape(README_BEGIN) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"report.py: README.md has no {README_BEGIN} ... {README_END} markers")
    readme.write_text(pattern.sub(lambda _: f"{README_BEGIN}\n{table}{README_END}", text))


def problems(results):
    """What makes a run fail, whatever its figures: a load run of ours (moto's are only a baseline)
    with answers other than 200, socket errors, timeouts or no answer at all, and a server of ours
    that did not exit with status 0 on SIGTERM (bench/procs.sh records those)."""
    found = []
    for p in sorted(results.glob("*@*.json")):
        r = json.loads(p.read_text())
        if "moto" in p.stem or "rps" not in r:
            continue
        if r.get("non200"):
            found.append(f"{p.stem}: {r['non200']} answers were not 200 (first: {r.get('first_error', '')[:120]})")
        if r.get("socket_errors") or r.get("timeouts"):
            found.append(f"{p.stem}: {r.get('socket_errors', 0)} socket errors, {r.get('timeouts', 0)} timeouts")
        if r.get("requests", 0) == 0:
            found.append(f"{p.stem}: no answers")
    unclean = results / "unclean-exits.jsonl"
    if unclean.exists():
        for line in unclean.read_text().splitlines():
            u = json.loads(line)
            how = "was killed after SIGTERM" if u.get("killed") else f"exited with status {u.get('status')}"
            found.append(f"server {u.get('server')} {how}")
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True, type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--publish", action="store_true")
    args = ap.parse_args()

    table = report(args.results)
    print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table)
        raw = {p.stem: json.loads(p.read_text()) for p in sorted(args.results.glob("*.json"))}
        args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n")
    # Errors from localorgs under load mean the harness or the server is broken: fail loudly, and
    # publish nothing.
    found = problems(args.results)
    if found:
        raise SystemExit("bench/run: " + "; ".join(found))
    if args.publish:
        publish(table)

if __name__ == "__main__":
    main()
