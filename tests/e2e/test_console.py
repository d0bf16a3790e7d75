"""The web console in a real browser (issue 18): Debian's chromium, headless, driven through the
DevTools protocol (tests/e2e/browser.py), against a server seeded through the real API (boto3, or
raw awsJson calls for bulk) and the control plane. Each page is loaded and its DOM checked; a
screenshot of each, at 1280 px and at a phone's width, is kept in the build folder
(console-screenshots/), which CI keeps as an artifact.
"""

import concurrent.futures
import http.server
import json
import os
import threading
import time
import urllib.parse

import browser
import harness
from harness import ApiConnection, ServerTestCase, new_account_id

PAGES = ["overview", "organizations", "tree", "handshakes", "outbox", "clock", "faults", "requests"]
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_NOTES = "<script>alert(2)</script> & <b>bold</b>"
PHONE = (390, 844)
DAY = 86400


def screenshot_dir():
    return os.path.join(os.path.dirname(os.path.abspath(harness.binary_path())), "console-screenshots")


def console_url(server, page="overview", ident=None, **params):
    fragment = "#/" + page + ("/" + urllib.parse.quote(ident, safe="") if ident else "")
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
    return f"{server.url}/_localorgs/console/{fragment}" + (f"?{query}" if query else "")


class BrowserTestCase(ServerTestCase):
    """One browser per class; each test opens a fresh tab."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.browser = None
        if browser.chromium_path():
            cls.browser = browser.Browser()
            cls.addClassCleanup(cls.browser.close)

    def setUp(self):
        harness.require(self, self.browser is not None, "chromium is not installed (tools/deps --test installs it)")
        self.page = self.browser.new_page()
        self.addCleanup(self.close_page)

    def close_page(self):
        # Whatever the test did, the page ran no script of the data's and logged no error.
        errors, alerts = self.page.errors(), self.page.evaluate("window.__alerts || []")
        self.browser.send("Target.closeTarget", {"targetId": self.page.target})
        self.assertEqual(alerts, [], "a value ran as code")
        self.assertEqual(errors, [], "the page logged errors")

    def open(self, page="overview", ident=None, **params):
        """Loads (or moves the loaded console to) a page and waits until its data is shown."""
        url = console_url(self.server, page, ident, **params)
        self.page.evaluate("document.querySelector('main') && (document.querySelector('main').dataset.state = 'stale')")
        self.page.navigate(url)
        self.page.wait_ready(page)

    def choose(self, select_id, value):
        """Picks `value` in a <select>, as a person would."""
        self.page.evaluate(f"{{ const s = document.getElementById({json.dumps(select_id)}); "
                           f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }}")

    def main_text(self):
        return self.page.text("main")

    def shoot(self, name):
        return self.page.screenshot(os.path.join(screenshot_dir(), f"{name}.png"))

    def api_json(self, operation, body, account):
        res = self.server.api(operation, body, account=account)
        self.assertEqual(res.status, 200, res)
        return res.json


class ConsolePagesTest(BrowserTestCase):
    """Every page against one seeded emulator: two organizations, members, open, accepted,
    declined and all-features handshakes, an email invitation, an injected fault."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt, cls.member, cls.xss, cls.invitee, cls.decliner = (new_account_id(7) for _ in range(5))
        m = s.client(cls.mgmt)
        cls.org = m.create_organization()["Organization"]
        s.control("PUT", f"/_localorgs/accounts/{cls.xss}", {"Name": XSS_NAME})
        harness.join_members(s, cls.mgmt, [cls.member, cls.xss])
        # A tree: the member in an organizational unit, with one more below it.
        cls.root = m.list_roots()["Roots"][0]["Id"]
        m.enable_policy_type(RootId=cls.root, PolicyType="SERVICE_CONTROL_POLICY")  # none is, at first
        cls.ou = m.create_organizational_unit(ParentId=cls.root, Name="Engineering")["OrganizationalUnit"]
        cls.nested = m.create_organizational_unit(ParentId=cls.ou["Id"], Name="Platform")["OrganizationalUnit"]
        m.move_account(AccountId=cls.member, SourceParentId=cls.root, DestinationParentId=cls.ou["Id"])
        # Policies: FullAWSAccess everywhere (SCPs enabled), a tag policy on the OU and the member.
        m.enable_policy_type(RootId=cls.root, PolicyType="TAG_POLICY")
        tags = m.create_policy(Name="cost-center", Description="", Type="TAG_POLICY", Content=json.dumps(
            {"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"}}}}))["Policy"]["PolicySummary"]["Id"]
        for target in (cls.ou["Id"], cls.member):
            m.attach_policy(PolicyId=tags, TargetId=target)
        # The member administers two services for the organization.
        for service in ("securityhub.amazonaws.com", "config.amazonaws.com"):
            m.enable_aws_service_access(ServicePrincipal=service)
            m.register_delegated_administrator(AccountId=cls.member, ServicePrincipal=service)
        cls.declined = m.invite_account_to_organization(Target={"Id": cls.decliner, "Type": "ACCOUNT"})["Handshake"]
        s.client(cls.decliner).decline_handshake(HandshakeId=cls.declined["Id"])
        cls.email = f"someone-{cls.invitee}@example.com"
        cls.by_email = m.invite_account_to_organization(Target={"Id": cls.email, "Type": "EMAIL"})["Handshake"]
        cls.open_invite = m.invite_account_to_organization(Target={"Id": cls.invitee, "Type": "ACCOUNT"},
                                                           Notes=XSS_NOTES)["Handshake"]
        # A second organization, on consolidated billing, migrating to all features.
        cls.mgmt2, cls.member2 = new_account_id(8), new_account_id(8)
        s.client(cls.mgmt2).create_organization(FeatureSet="CONSOLIDATED_BILLING")
        cls.org2 = s.client(cls.mgmt2).describe_organization()["Organization"]
        harness.join_members(s, cls.mgmt2, [cls.member2])
        cls.migration = s.client(cls.mgmt2).enable_all_features()["Handshake"]
        res = s.control("POST", "/_localorgs/faults", {"Operation": "LeaveOrganization",
                                                       "Error": "TooManyRequestsException", "Count": 3,
                                                       "AccountId": cls.member})
        cls.fault_id = res.json["FaultId"]

    def test_overview(self):
        self.open("overview")
        text = self.main_text()
        for expected in (self.org["Id"], self.org2["Id"], self.mgmt, self.member, XSS_NAME, self.open_invite["Id"],
                         self.by_email["Id"], self.migration["Id"]):
            self.assertIn(expected, text)
        self.assertNotIn(self.declined["Id"], text)  # closed: not on the overview
        self.assertIn("OPEN", text)
        self.assertIn("REQUESTED", text)
        self.shoot("overview")

    def test_organizations(self):
        self.open("organizations")
        rows = self.page.texts("main tbody tr")
        mine = [r for r in rows if self.org["Id"] in r]
        theirs = [r for r in rows if self.org2["Id"] in r]
        self.assertEqual(len(mine), 1, rows)
        self.assertIn("ALL", mine[0])
        self.assertIn("SERVICE_CONTROL_POLICY", mine[0])
        self.assertIn("TAG_POLICY", mine[0])
        self.assertIn(self.mgmt, mine[0])
        self.assertIn("CONSOLIDATED_BILLING", theirs[0])
        self.assertNotIn("_POLICY", theirs[0])
        # Newest first: the second organization opens the table.
        self.assertIn(self.org2["Id"], rows[0])
        self.shoot("organizations")

    def test_tree(self):
        self.open("tree", org=self.org["Id"])
        text = self.main_text()
        self.assertIn(self.root, text)
        # At the root: the management account and the XSS-named member; the other member is in
        # the organizational unit, folded.
        accounts = self.page.texts(".tree .account-node")
        self.assertEqual(len(accounts), 2, accounts)
        management = [a for a in accounts if self.mgmt in a][0]
        self.assertIn("management account", management)
        self.assertIn("ACTIVE", management)
        self.assertIn(XSS_NAME, text)
        toggle = ".tree .ou-node > button.toggle"
        self.assertIn("Engineering", self.page.text(".tree .ou-node"))
        self.assertEqual(self.page.evaluate(f"document.querySelector('{toggle}').getAttribute('aria-expanded')"), "false")
        # Attached policies, counted on each node: FullAWSAccess, and the tag policy where it is.
        self.assertEqual(self.page.text(".tree .root-node > .badges .policies"), "1 policy")
        self.assertIn("1 policy", management)
        self.assertEqual(self.page.text(".tree .ou-node > .badges .policies"), "2 policies")
        self.assertEqual(
            self.page.evaluate("document.querySelector('.tree .ou-node > .badges .policies').title"),
            "SERVICE_CONTROL_POLICY: 1, TAG_POLICY: 1")
        self.page.click(toggle)
        self.page.wait_for("document.querySelectorAll('.tree .account-node').length === 3")
        inside = self.page.text(".tree .ou-node")
        self.assertIn(self.member, inside)
        self.assertIn("invited", inside)
        self.assertIn("Platform", inside)  # the OU below it, folded in turn
        member = [a for a in self.page.texts(".tree .ou-node .account-node") if self.member in a]
        self.assertEqual(len(member), 1)
        self.assertIn("2 policies", member[0])
        # Delegated administrators are marked, with the services they administer; no one else is.
        self.assertIn("delegated administrator (2)", member[0])
        self.assertEqual(self.page.evaluate("[...document.querySelectorAll('.tree .delegated')].map(e => e.title)"),
                         ["config.amazonaws.com, securityhub.amazonaws.com"])
        self.assertNotIn("delegated administrator", management)
        nested = [n for n in self.page.texts(".tree .ou-node .ou-node") if "Platform" in n]
        self.assertIn("1 policy", nested[0])
        self.shoot("tree")

        # Searchable by id, name or email, from the keyboard: "/" focuses the search field.
        self.page.evaluate("document.activeElement.blur()")
        self.page.key("/", text="/")
        self.assertEqual(self.page.evaluate("document.activeElement.id"), "tree-search")
        for needle, expected in [(self.member, self.member), ("IMG SRC", self.xss),
                                 (f"account-{self.mgmt}@EXAMPLE", self.mgmt)]:
            self.page.evaluate("document.getElementById('tree-search').value = ''")
            self.page.type(needle)
            self.page.wait_for(f"document.querySelectorAll('.tree .results .account-node').length === 1 && "
                               f"document.querySelector('.tree .results').innerText.includes({json.dumps(expected)})",
                               what=f"one result for {needle}")
            if expected == self.member:
                self.assertIn(f"under {self.ou['Id']}", self.page.text(".tree .results"))
        self.assertIn("search=", self.page.evaluate("location.hash"))

    def test_handshakes_table_filters_and_detail(self):
        self.open("handshakes", org=self.org["Id"])
        api = self.server.client(self.mgmt).list_handshakes_for_organization()["Handshakes"]
        rows = self.page.texts("main tbody tr")
        self.assertEqual(len(rows), len(api))
        self.assertIn(f"{len(api)} handshakes", self.main_text())
        self.assertIn(self.open_invite["Id"], rows[0])  # newest first
        self.assertIn("in 14d 23h", rows[0])  # the expiry, counting down in emulator time
        self.shoot("handshakes")

        self.choose("filter-state", "DECLINED")
        self.page.wait_for("document.querySelectorAll('main tbody tr').length === 1")
        self.assertIn(self.declined["Id"], self.page.text("main tbody"))
        self.assertIn("state=DECLINED", self.page.evaluate("location.hash"))
        self.choose("filter-state", "")
        self.page.focus("#filter-party")
        self.page.type(self.email.upper())
        self.page.wait_for(f"document.querySelectorAll('main tbody tr').length === 1 && "
                           f"document.querySelector('main tbody').innerText.includes({json.dumps(self.by_email['Id'])})")

        # The detail is DescribeHandshake's own answer.
        self.page.click(f"a[href='#/handshake/{self.by_email['Id']}']")
        self.page.wait_ready("handshake")
        shown = self.page.evaluate("JSON.parse(document.querySelector('pre.json').textContent)")
        described = self.api_json("DescribeHandshake", {"HandshakeId": self.by_email["Id"]}, self.mgmt)["Handshake"]
        self.assertEqual(shown, described)
        self.shoot("handshake")

    def test_all_features_parent_shows_its_children(self):
        self.open("handshake", self.migration["Id"])
        text = self.main_text()
        children = self.server.client(self.mgmt2).list_handshakes_for_organization(
            Filter={"ParentHandshakeId": self.migration["Id"]})["Handshakes"]
        self.assertEqual(len(children), 1)
        self.assertIn("Child handshakes (1)", text)
        self.assertIn(children[0]["Id"], text)
        self.assertIn("APPROVE_ALL_FEATURES", text)
        self.assertIn(self.member2, self.page.text("main table"))

    def test_outbox_newest_first(self):
        self.open("outbox")
        messages = self.page.texts("main .message")
        self.assertEqual(len(messages), len(self.server.control("GET", "/_localorgs/outbox").json["Messages"]))
        newest = self.server.control("GET", "/_localorgs/outbox").json["Messages"][-1]
        self.assertIn(newest["To"], messages[0])
        self.assertIn(newest["Subject"], messages[0])
        self.shoot("outbox")

    def test_clock(self):
        self.open("clock")
        self.assertIn("none: the emulator runs on the real time", self.main_text())
        self.shoot("clock")

    def test_faults_and_quotas(self):
        self.open("faults", org=self.org["Id"])
        text = self.main_text()
        self.assertIn(self.fault_id, text)
        self.assertIn("TooManyRequestsException", text)
        self.shoot("faults")
        # Arm one through the form, then remove it with its button.
        self.page.evaluate("document.getElementById('fault-operation').value = 'InviteAccountToOrganization';"
                           "document.getElementById('fault-error').value = 'ConcurrentModificationException';"
                           "document.getElementById('fault-count').value = '2'")
        self.page.click("#fault-form button[type=submit]")
        self.page.wait_for("document.getElementById('faults-status').innerText.startsWith('Armed fault')")
        faults = self.server.control("GET", "/_localorgs/faults").json["Faults"]
        added = [f for f in faults if f["Error"] == "ConcurrentModificationException"]
        self.assertEqual([(f["Operation"], f["Count"]) for f in added], [("InviteAccountToOrganization", 2)])
        # (The status line names the new fault before the table shows it: wait for its row's button.)
        remove = f"button[aria-label='Remove fault {added[0]['FaultId']}']"
        self.page.wait_for(f"document.querySelector({json.dumps(remove)}) !== null", what="the new fault's row")
        self.page.click(remove)
        self.page.wait_for(f"!document.querySelector('main table').innerText.includes({json.dumps(added[0]['FaultId'])})")
        self.assertEqual([f["FaultId"] for f in self.server.control("GET", "/_localorgs/faults").json["Faults"]],
                         [self.fault_id])
        # A refused value is said on the page, and nothing changes.
        self.page.evaluate("document.getElementById('fault-error').value = 'NoSuchException'")
        self.page.click("#fault-form button[type=submit]")
        self.page.wait_for("document.getElementById('faults-status').innerText.includes('Unknown error')")

        # Quotas of the organization picked: one field for each the server has, transfers' too.
        before = self.server.control("GET", f"/_localorgs/organizations/{self.org['Id']}/quotas").json
        fields = self.page.evaluate("[...document.querySelectorAll('#quota-form input[data-key]')]"
                                    ".map(i => i.dataset.key)")
        self.assertEqual(sorted(fields), sorted(before))
        self.assertIn("MaxInboundResponsibilityTransfers", fields)
        self.page.evaluate("document.getElementById('quota-MaxAccounts').value = '37'")
        self.page.evaluate("document.getElementById('quota-MaxOutboundResponsibilityTransfers').value = '4'")
        self.page.click("#quota-form button[type=submit]")
        self.page.wait_for("document.getElementById('quota-status').innerText.startsWith('Saved')")
        quotas = self.server.control("GET", f"/_localorgs/organizations/{self.org['Id']}/quotas").json
        self.assertEqual(quotas["MaxAccounts"], 37)
        self.assertEqual(quotas["MaxOutboundResponsibilityTransfers"], 4)
        self.assertEqual({k: v for k, v in quotas.items() if k not in ("MaxAccounts", "MaxOutboundResponsibilityTransfers")},
                         {k: v for k, v in before.items() if k not in ("MaxAccounts", "MaxOutboundResponsibilityTransfers")})

    def test_requests_tail_live(self):
        self.open("requests")
        self.shoot("requests")
        marker = new_account_id(9)
        res = self.server.api("DescribeOrganization", account=marker)
        self.assertEqual(res.status, 400)
        # Shown without reloading: the page polls and adds the new call on top.
        self.page.wait_for(f"document.querySelector('main tbody tr') && "
                           f"document.querySelector('main tbody tr').innerText.includes({json.dumps(marker)})")
        first = self.page.text("main tbody tr")
        for expected in ("DescribeOrganization", "400", "AWSOrganizationsNotInUseException"):
            self.assertIn(expected, first)

    def test_views_refresh_on_their_own(self):
        self.open("handshakes", org=self.org["Id"])
        newcomer = new_account_id(7)
        h = self.server.client(self.mgmt).invite_account_to_organization(
            Target={"Id": newcomer, "Type": "ACCOUNT"})["Handshake"]
        self.addCleanup(lambda: self.server.client(self.mgmt).cancel_handshake(HandshakeId=h["Id"]))
        self.page.wait_for(f"document.querySelector('main tbody').innerText.includes({json.dumps(h['Id'])})",
                           what="the new invitation to show without a reload")

    def test_keyboard(self):
        self.open("overview")
        self.page.key("Tab")
        self.assertEqual(self.page.evaluate("document.activeElement.className"), "skip")
        self.page.key("Enter")
        self.page.wait_for("document.activeElement && document.activeElement.id === 'view'")
        # Every control is reachable: links, buttons and fields, none made unfocusable.
        self.assertEqual(self.page.count("[tabindex='-1']:not(main)"), 0)
        self.assertEqual(self.page.count("div[onclick], span[onclick]"), 0)

    def test_phone_width(self):
        self.page.viewport(*PHONE, mobile=True)
        for page in PAGES:
            with self.subTest(page=page):
                self.open(page, org=self.org["Id"] if page in ("tree", "handshakes", "faults") else None)
                overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                self.assertLessEqual(overflow, 1, f"{page} is wider than the phone")
                self.shoot(f"{page}-phone")


class ConsoleXssTest(BrowserTestCase):
    """Values from the API are text: markup in names and notes shows as written and runs nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt, cls.xss = new_account_id(5), new_account_id(5)
        s.client(cls.mgmt).create_organization()
        s.control("PUT", f"/_localorgs/accounts/{cls.mgmt}", {"Name": "\"><svg onload=alert(3)>"})
        s.control("PUT", f"/_localorgs/accounts/{cls.xss}", {"Name": XSS_NAME})
        harness.join_members(s, cls.mgmt, [cls.xss])
        cls.invite = s.client(cls.mgmt).invite_account_to_organization(
            Target={"Id": new_account_id(5), "Type": "ACCOUNT"}, Notes=XSS_NOTES)["Handshake"]

    def test_markup_in_names_and_notes_is_text(self):
        org = self.server.client(self.mgmt).describe_organization()["Organization"]["Id"]
        for page, ident, params in [("overview", None, {}), ("tree", None, {"org": org}),
                                    ("outbox", None, {}), ("handshake", self.invite["Id"], {})]:
            with self.subTest(page=page):
                self.open(page, ident, **params)
                self.assertEqual(self.page.count("main img, main svg, main script, main b"), 0)
                text = self.main_text()
                if page in ("overview", "tree"):
                    self.assertIn(XSS_NAME, text)
                    self.assertIn("\"><svg onload=alert(3)>", text)
                else:
                    self.assertIn(XSS_NOTES, text)
        time.sleep(0.3)  # an onerror handler fires after the image fails to load
        self.assertEqual(self.page.evaluate("window.__alerts"), [])


class ConsoleClockTest(BrowserTestCase):
    """Advance the emulator's clock 15 days from the page: the OPEN invitation is EXPIRED."""

    def test_advancing_15_days_expires_the_open_invitation(self):
        mgmt, invitee = new_account_id(6), new_account_id(6)
        m = self.server.client(mgmt)
        org = m.create_organization()["Organization"]["Id"]
        h = m.invite_account_to_organization(Target={"Id": invitee, "Type": "ACCOUNT"})["Handshake"]

        self.open("handshakes", org=org, state="OPEN")
        self.assertIn(h["Id"], self.page.text("main tbody"))
        self.assertIn("in 14d 23h", self.page.text("main tbody"))

        self.page.click("#nav a[data-page=clock]")
        self.page.wait_ready("clock")
        self.page.click_text("main button", "+ 15 days")
        self.page.wait_for("document.getElementById('clock-status').innerText.startsWith('Moved forward 15 days')")
        self.page.wait_for("document.querySelector('main').innerText.includes('15d 0h ahead of the real time')")
        self.assertEqual(self.server.control("GET", "/_localorgs/clock").json["OffsetSeconds"], 15 * DAY)
        self.shoot("clock-advanced")

        # The status links to what expired.
        self.page.click("#clock-status a")
        self.page.wait_ready("handshakes")
        self.page.wait_for(f"document.querySelector('main tbody') && "
                           f"document.querySelector('main tbody').innerText.includes({json.dumps(h['Id'])})")
        row = [r for r in self.page.texts("main tbody tr") if h["Id"] in r][0]
        self.assertIn("EXPIRED", row)
        self.assertIn("ago", row)
        self.assertEqual(m.describe_handshake(HandshakeId=h["Id"])["Handshake"]["State"], "EXPIRED")
        self.shoot("handshakes-expired")

        # A typed duration moves it back; a wrong one is refused on the page.
        self.page.click("#nav a[data-page=clock]")
        self.page.wait_ready("clock")
        self.page.focus("#clock-duration")
        self.page.type("15")
        self.page.click("form.inline button[type=submit]")
        self.page.wait_for("document.getElementById('clock-status').innerText.includes('is not a duration')")
        self.page.evaluate("document.getElementById('clock-duration').value = '-14d23h'")
        self.page.click("form.inline button[type=submit]")
        self.page.wait_for("document.getElementById('clock-status').innerText.startsWith('Moved back')")
        self.assertEqual(self.server.control("GET", "/_localorgs/clock").json["OffsetSeconds"], 3600)
        self.page.click_text("main button", "Reset to real time")
        self.page.wait_for("document.getElementById('clock-status').innerText.startsWith('Back to the real time')")
        self.assertEqual(self.server.control("GET", "/_localorgs/clock").json["OffsetSeconds"], 0)


TOKEN = "console-test-token-9f2"


class ConsoleTokenTest(BrowserTestCase):
    server_args = ("--admin-token", TOKEN)

    def test_the_console_asks_for_the_token_and_keeps_it_out_of_urls(self):
        self.page.navigate(console_url(self.server, "overview"))
        self.page.wait_for("document.getElementById('token-dialog').open", what="the token prompt")
        self.assertEqual(self.page.evaluate("document.querySelector('main').dataset.state"), "locked")
        self.assertEqual(self.page.count("main .card"), 0)
        self.shoot("token-prompt")

        self.page.focus("#token-input")
        self.page.type("wrong-token")
        self.page.key("Enter")
        self.page.wait_for("document.getElementById('token-dialog').open && "
                           "document.getElementById('token-error').innerText.includes('not accepted')")

        self.page.focus("#token-input")
        self.page.type(TOKEN)
        self.page.key("Enter")
        self.page.wait_ready("overview")
        self.assertFalse(self.page.evaluate("document.getElementById('token-dialog').open"))
        self.assertEqual(self.page.evaluate("sessionStorage.getItem('localorgs.adminToken')"), TOKEN)
        self.open("handshakes")
        self.open("requests")

        # Sent as a Bearer header, never in a URL.
        sent = self.browser.events("Network.requestWillBeSent", self.page.session)
        data = [e["params"]["request"] for e in sent if "/_localorgs/" in e["params"]["request"]["url"]
                and "/_localorgs/console/" not in e["params"]["request"]["url"]]
        self.assertTrue(data)
        for request in data:
            self.assertNotIn(TOKEN, request["url"])
        self.assertIn(f"Bearer {TOKEN}", {r["headers"].get("Authorization") for r in data})
        self.assertNotIn(TOKEN, self.page.evaluate("location.href"))


class ConsoleCrossSiteTest(BrowserTestCase):
    """A page of another origin cannot drive the emulator through the browser."""

    def serve_attacker(self, html):
        """Serves `html` at http://127.0.0.1:<another port>/: another origin on the same machine."""
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=site.serve_forever, daemon=True).start()
        self.addCleanup(site.server_close)
        self.addCleanup(site.shutdown)
        return f"http://127.0.0.1:{site.server_address[1]}/"

    def test_forms_and_scripts_elsewhere_change_nothing(self):
        s = self.server
        s.control("POST", "/_localorgs/faults", {"Operation": "*", "Error": "ServiceException", "Count": 5})
        target = s.url
        # The classic ways: scripts sending requests no page may read the answer of (no CORS
        # preflight is needed for them), and a form posting JSON-looking text/plain.
        url = self.serve_attacker(
            "<form id=f method=post action='" + target + "/_localorgs/clock' enctype='text/plain'>"
            "<input name='{\"AdvanceSeconds\": 86400, \"x\":\"' value='\"}'></form>"
            "<script>Promise.allSettled(["
            "fetch('" + target + "/_localorgs/reset', {method: 'POST', mode: 'no-cors'}),"
            "fetch('" + target + "/_localorgs/faults', {method: 'POST', mode: 'no-cors', body: "
            "'{\"Operation\": \"*\", \"Error\": \"ServiceException\"}'})])"
            ".then(() => document.getElementById('f').submit());</script>")
        self.page.navigate(url)
        self.page.wait_for(f"location.href.startsWith({json.dumps(target)}) && document.readyState === 'complete'",
                           what="the form post to land on the emulator")
        self.assertEqual(json.loads(self.page.evaluate("document.body.innerText"))["Error"], "CrossSiteRequest")
        self.assertEqual(s.control("GET", "/_localorgs/clock").json["OffsetSeconds"], 0)
        self.assertEqual(len(s.control("GET", "/_localorgs/faults").json["Faults"]), 1)
        log = s.stderr()
        for line in ('operation="POST /_localorgs/clock" status=403 error=CrossSiteRequest',
                     'operation="POST /_localorgs/reset" status=403 error=CrossSiteRequest',
                     'operation="POST /_localorgs/faults" status=403 error=CrossSiteRequest'):
            self.assertIn(line, log)

        # The console itself, same origin, may.
        self.open("clock")
        self.page.click_text("main button", "+ 1 hour")
        self.page.wait_for("document.getElementById('clock-status').innerText.startsWith('Moved forward')")
        self.assertEqual(s.control("GET", "/_localorgs/clock").json["OffsetSeconds"], 3600)


class ConsoleScaleTest(BrowserTestCase):
    """1,000 accounts and 10,000 handshakes: each view shows a page of them, filters on the server,
    and stays responsive. How long it takes is the bench's to say (bench/console), not this test's."""

    MEMBERS = 999  # with the management account, 1,000 accounts
    OPEN = 9001  # with the 999 accepted invitations, 10,000 handshakes

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.mgmt = new_account_id(4)
        m = s.client(cls.mgmt)
        cls.org = m.create_organization()["Organization"]["Id"]
        total = cls.MEMBERS + cls.OPEN
        res = s.control("PUT", f"/_localorgs/organizations/{cls.org}/quotas",
                        {"MaxAccounts": total + 10, "InvitationsPerDay": total + 10})
        assert res.status == 200, res
        cls.members = [new_account_id(4) for _ in range(cls.MEMBERS)]
        cls.invitees = [new_account_id(4) for _ in range(cls.OPEN)]

        def seed(batch):
            conn = ApiConnection(s, timeout=60)
            try:
                for account, accept in batch:
                    status, out = conn.call("InviteAccountToOrganization",
                                            {"Target": {"Id": account, "Type": "ACCOUNT"}}, cls.mgmt)
                    assert status == 200, out
                    if accept:
                        status, out = conn.call("AcceptHandshake", {"HandshakeId": out["Handshake"]["Id"]}, account)
                        assert status == 200, out
            finally:
                conn.close()

        work = [(a, True) for a in cls.members] + [(a, False) for a in cls.invitees]
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(seed, [work[i::4] for i in range(4)]))

    def test_ten_thousand_handshakes_page_and_filter(self):
        self.open("handshakes", org=self.org)
        self.assertIn("10,000 handshakes", self.main_text())
        self.assertEqual(self.page.count("main tbody tr"), 50)
        self.assertIn("showing 1–50", self.main_text())
        first = self.page.texts("main tbody tr td:first-child")
        self.page.click_text("main .pager button", "Older →")
        self.page.wait_for("document.querySelector('main .summary').innerText.includes('showing 51–100')")
        second = self.page.texts("main tbody tr td:first-child")
        self.assertEqual(len(second), 50)
        self.assertFalse(set(first) & set(second))
        self.page.click_text("main .pager button", "← Newer")
        self.page.wait_for("document.querySelector('main .summary').innerText.includes('showing 1–50')")
        self.assertEqual(self.page.texts("main tbody tr td:first-child"), first)
        self.shoot("handshakes-10000")

        self.choose("filter-state", "ACCEPTED")
        self.page.wait_for("document.querySelector('main .summary').innerText.startsWith('999 handshakes')")
        self.page.focus("#filter-party")
        self.page.type(self.members[500])
        self.page.wait_for("document.querySelector('main .summary').innerText.startsWith('1 handshake,')")
        self.assertIn(self.members[500], self.page.text("main tbody"))
        # Never more rows in the page than one page holds.
        self.assertLessEqual(self.page.count("main tr"), 51)

    def test_thousand_accounts_tree(self):
        self.open("tree", org=self.org)
        self.assertIn("1,000 accounts", self.main_text())
        self.assertEqual(self.page.count(".tree .account-node"), 100)
        self.page.click(".tree button.link")
        self.page.wait_for("document.querySelectorAll('.tree .account-node').length === 200")
        self.page.focus("#tree-search")
        self.page.type(f"account-{self.members[777]}@")
        self.page.wait_for("document.querySelectorAll('.tree .results .account-node').length === 1")
        self.shoot("tree-1000")

    def test_overview_stays_small(self):
        self.open("overview")
        self.assertIn("1,000", self.main_text())
        self.assertIn("9,001", self.main_text())
        self.assertLessEqual(self.page.count("main tbody tr"), 20)


if __name__ == "__main__":
    harness.main()
