"""The README's client matrix (issue 7 item 2): every client runs the invitation flow against the
real binary, once with the endpoint given explicitly and once through AWS_ENDPOINT_URL alone.

The flow: the management account creates an organization and invites a second account; the
invitee lists what it received and accepts; the management account lists its accounts and finds
the new member; the member's own ListAccounts is refused. The two identities are two 12-digit
access key ids (the key id names the account), each with a secret of its own: any secret works.

Clients:
- AWS CLI v1: an `aws` on PATH whose version is 1.x (pip's). Debian 12 packages no v1; without
  one the v1 tests skip on a developer's machine and fail in CI (harness.require).
- AWS CLI v2: Debian 12's `awscli` package (2.9.19), installed by `tools/deps --test`.
- boto3: whatever `python3` imports (pip's, or Debian's python3-boto3).
- AWS SDK for JavaScript v3: @aws-sdk/client-organizations at the version pinned in
  tests/e2e/js/package-lock.json, installed with `npm ci` into the build tree on first use and
  reused while the lock file and the Node.js version stay the same. Required.
- AWS SDK for Go v2 (the SDK Terraform's AWS provider is built on): Debian 12's
  golang-github-aws-aws-sdk-go-v2-dev (1.17.1) with golang-go (1.19), both installed by
  `tools/deps --test`. tests/e2e/go is built offline from Debian's packaged sources in GOPATH mode
  into the build tree, and reused while its sources, the Go version and the SDK are unchanged.
  Without them the Go tests skip on a developer's machine and fail in CI (harness.require). Beside
  the flow it checks what a typed SDK adds: ListAccounts through its paginator, and
  DuplicateHandshakeException / ConstraintViolationException (with its Reason) matched by errors.As.
  The Go SDK reads AWS_ENDPOINT_URL(_ORGANIZATIONS) only since its release of 2023-11-01 (the one
  that added aws.Config.BaseEndpoint): with an older one, such as Debian 12's, the Go environment
  test asserts that the variables are ignored (the client goes to AWS's own endpoint, which the
  program refuses to contact).

AWS_ENDPOINT_URL is read by AWS CLI 1.29.0 / 2.13.0 and later, and by botocore 1.31.0 (boto3
1.28.0) and later. For an older client the environment-variable test checks what the README's
matrix says of it: the variable is ignored and the call never reaches the server.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
import botocore  # noqa: E402
import botocore.config  # noqa: E402
import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import (CLI_TIMEOUT, HTTP_TIMEOUT, ORG_ID, ServerTestCase, binary_path, cli_env,  # noqa: E402
                     clean_env, new_account_id)

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
NPM_TIMEOUT = 600  # seconds for `npm ci` with a cold cache
NODE_TIMEOUT = 120  # seconds for one run of the JavaScript flow

GO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "go")
GO_BUILD_TIMEOUT = 420  # seconds for a cold build (the SDK compiles from source), within ctest's 600
GO_RUN_TIMEOUT = 120  # seconds for one run of the Go program
# Where Debian's golang-*-dev packages put their sources: a GOPATH.
DEBIAN_GOPATH = "/usr/share/gocode"
GO_SDK = os.path.join(DEBIAN_GOPATH, "src", "github.com", "aws", "aws-sdk-go-v2")
GO_SDK_PACKAGES = "golang-go golang-github-aws-aws-sdk-go-v2-dev"


# First releases that read AWS_ENDPOINT_URL (AWS's announcement of configurable endpoint URLs).
CLI_ENV_ENDPOINT_SINCE = {1: (1, 29, 0), 2: (2, 13, 0)}
BOTOCORE_ENV_ENDPOINT_SINCE = (1, 31, 0)


def version_tuple(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


# --- the AWS CLIs on PATH -------------------------------------------------------------------------

class Cli:
    def __init__(self, path, version):
        self.path = path
        self.version = version  # e.g. "2.9.19"
        self.major = version_tuple(version)[0]

    def reads_endpoint_env(self):
        return version_tuple(self.version) >= CLI_ENV_ENDPOINT_SINCE[self.major]

    def service_error_rc(self):
        return 254 if self.major >= 2 else 255


def installed_clis():
    """The first `aws` of each major version on PATH (pip's v1 usually comes before Debian's v2)."""
    found = {}
    seen = set()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        path = os.path.join(folder or ".", "aws")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=CLI_TIMEOUT,
                                 stdin=subprocess.DEVNULL, env=clean_env())
        except (OSError, subprocess.TimeoutExpired):
            continue
        m = re.search(r"aws-cli/(\d+\.\d+\.\d+)", out.stdout + out.stderr)
        if m:
            cli = Cli(path, m.group(1))
            found.setdefault(cli.major, cli)
    return found


# --- the JavaScript SDK ---------------------------------------------------------------------------

def node_version():
    out = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=60,
                         stdin=subprocess.DEVNULL)
    return out.stdout.strip()


def js_node_modules():
    """node_modules for tests/e2e/js, installed by `npm ci` into the build tree next to the binary.

    npm's own cache makes a reinstall quick; the stamp makes it unnecessary while the lock file and
    the Node.js version are unchanged. Nothing is written into the source tree.
    """
    target = os.path.join(os.path.dirname(binary_path()), "e2e-js")
    manifests = [os.path.join(JS_DIR, name) for name in ("package.json", "package-lock.json")]
    digest = hashlib.sha256(node_version().encode())
    for path in manifests:
        with open(path, "rb") as f:
            digest.update(f.read())
    stamp_path = os.path.join(target, "installed.sha256")
    modules = os.path.join(target, "node_modules")
    try:
        with open(stamp_path, encoding="utf-8") as f:
            if f.read() == digest.hexdigest() and os.path.isdir(modules):
                return modules
    except OSError:
        pass
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    for path in manifests:
        shutil.copy(path, target)
    # --ignore-scripts: nothing the SDK needs runs at install time, and nothing else should.
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--prefer-offline",
                        "--loglevel=error"], cwd=target, capture_output=True, text=True, timeout=NPM_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError(f"npm ci failed with {p.returncode}:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    with open(stamp_path, "w", encoding="utf-8") as f:
        f.write(digest.hexdigest())
    return modules


def js_sdk_version(modules):
    with open(os.path.join(modules, "@aws-sdk", "client-organizations", "package.json"), encoding="utf-8") as f:
        return json.load(f)["version"]


# --- the Go SDK -----------------------------------------------------------------------------------

def go_version():
    """`go version`'s answer, or None without a go on PATH."""
    if shutil.which("go") is None:
        return None
    out = subprocess.run(["go", "version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                         env=clean_env({"GOTOOLCHAIN": "local"}))
    return out.stdout.strip() if out.returncode == 0 else None


def go_sdk_present():
    return os.path.isfile(os.path.join(GO_SDK, "service", "organizations", "api_client.go"))


def go_flow_binary():
    """The program of tests/e2e/go, built into the build tree next to the binary.

    GOPATH mode (GO111MODULE=off) over Debian's packaged sources: no module proxy, no network, no
    go.mod to keep in step with what Debian ships. The build cache lives in the build tree too;
    the program is rebuilt only when its sources, the Go version or the SDK's version files change.
    Returns (path, seconds the build took, or None when it was reused).
    """
    target = os.path.join(os.path.dirname(binary_path()), "e2e-go")
    digest = hashlib.sha256(go_version().encode())
    for name in sorted(os.listdir(GO_DIR)):
        if name.endswith(".go"):
            with open(os.path.join(GO_DIR, name), "rb") as f:
                digest.update(name.encode() + b"\0" + f.read())
    for module in ("aws", "config", os.path.join("service", "organizations"), os.path.join("..", "smithy-go")):
        try:
            with open(os.path.join(GO_SDK, module, "go_module_metadata.go"), "rb") as f:
                digest.update(f.read())
        except OSError:
            pass
    exe = os.path.join(target, "orgs-flow-" + digest.hexdigest()[:16])
    if os.access(exe, os.X_OK):
        return exe, None
    os.makedirs(target, exist_ok=True)
    env = clean_env({
        "GO111MODULE": "off",
        "GOPATH": DEBIAN_GOPATH,
        "GOCACHE": os.path.join(target, "cache"),
        "GOENV": "off",  # no user go.env settings
        "GOFLAGS": "-buildvcs=false",  # also replaces any GOFLAGS of the developer's
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    })
    partial = f"{exe}.{os.getpid()}.partial"
    started = time.monotonic()
    p = subprocess.run(["go", "build", "-trimpath", "-o", partial, "."], cwd=GO_DIR, capture_output=True, text=True,
                       timeout=GO_BUILD_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
    took = time.monotonic() - started
    if p.returncode != 0:
        raise AssertionError(f"go build of {GO_DIR} failed with {p.returncode}:\n"
                             f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    os.replace(partial, exe)
    for name in os.listdir(target):
        if name.startswith("orgs-flow-") and os.path.join(target, name) != exe:
            try:
                os.remove(os.path.join(target, name))
            except OSError:
                pass
    return exe, took


def go_flow(exe, plan, env_extra=None):
    """Runs the Go program with `plan`; returns (exit code, parsed JSON result, stderr)."""
    env = clean_env()
    # The SDK must not find credentials, a region or an endpoint anywhere but where the test puts
    # them. (The shared config files are harness.py's empty ones.)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL",
                 "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        env.pop(name, None)
    env.update(env_extra or {})
    p = subprocess.run([exe, json.dumps(plan)], capture_output=True, text=True, timeout=GO_RUN_TIMEOUT,
                       stdin=subprocess.DEVNULL, env=env)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        raise AssertionError(f"the Go program exited {p.returncode} without a JSON result:\n"
                             f"{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    return p.returncode, out, p.stderr


def go_versions(out):
    """"Go go1.19.8, aws-sdk-go-v2 1.17.1 (service/organizations 1.16.15)" from a run's report."""
    sdk = out["sdk"]
    m = re.search(r"api/organizations[/#](\S+)", sdk["user_agent"])
    service = f" (service/organizations {m.group(1)})" if m else ""
    return f"Go {sdk['go']}, aws-sdk-go-v2 {sdk['aws']}{service}"


# --- the flow, client by client -------------------------------------------------------------------
# Each runner returns the same shape: organization, invited, received, accepted, accounts, and
# member_error (the error code the member's ListAccounts got). `endpoint` None means "only from
# AWS_ENDPOINT_URL".

def secret_for(account):
    return f"secret-of-{account}-anything-works"


def cli_flow(cli, url, use_env, management, invitee, region):
    def run(account, *args, expect_ok=True):
        argv = [cli.path, "organizations", *args, "--output", "json"]
        extra = {"AWS_SECRET_ACCESS_KEY": secret_for(account)}
        if use_env:
            extra["AWS_ENDPOINT_URL"] = url
        else:
            argv += ["--endpoint-url", url]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL,
                           env=cli_env(account, region, extra, major=cli.major))
        if expect_ok:
            if p.returncode != 0:
                raise AssertionError(f"{argv} exited {p.returncode}:\n{p.stderr[-2000:]}")
            return json.loads(p.stdout)
        return p

    out = {"organization": run(management, "create-organization", "--feature-set", "ALL")["Organization"]}
    out["invited"] = run(management, "invite-account-to-organization", "--target", f"Id={invitee},Type=ACCOUNT",
                         "--notes", "from the AWS CLI")["Handshake"]
    out["received"] = run(invitee, "list-handshakes-for-account")["Handshakes"]
    out["accepted"] = run(invitee, "accept-handshake", "--handshake-id", out["invited"]["Id"])["Handshake"]
    out["accounts"] = run(management, "list-accounts")["Accounts"]
    refused = run(invitee, "list-accounts", expect_ok=False)
    m = re.search(r"An error occurred \((\w+)\) when calling the ListAccounts operation", refused.stderr)
    out["member_error"] = m.group(1) if m and refused.returncode == cli.service_error_rc() else repr(refused)
    return out


def cli_ignores_env(cli, url, account):
    """Runs describe-organization with only AWS_ENDPOINT_URL naming the server; "answered" if it
    got an answer from anywhere, else "not answered" (AWS's endpoint is not reachable from tests)."""
    argv = [cli.path, "organizations", "describe-organization", "--output", "json",
            "--cli-connect-timeout", "2", "--cli-read-timeout", "2"]
    extra = {"AWS_SECRET_ACCESS_KEY": secret_for(account), "AWS_ENDPOINT_URL": url, "AWS_MAX_ATTEMPTS": "1"}
    p = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL,
                       env=cli_env(account, "eu-west-1", extra, major=cli.major))
    answered = p.returncode == 0 or "when calling the DescribeOrganization operation" in p.stderr
    return "answered" if answered else "not answered"


def boto3_client(url, account, region):
    session = boto3.session.Session(aws_access_key_id=account, aws_secret_access_key=secret_for(account),
                                    region_name=region)
    config = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                    connect_timeout=HTTP_TIMEOUT, read_timeout=HTTP_TIMEOUT)
    return session.client("organizations", endpoint_url=url, config=config)


def boto3_flow(url, management, invitee, region):
    """`url` None: the clients get no endpoint_url and must take it from the environment."""
    m, i = boto3_client(url, management, region), boto3_client(url, invitee, region)
    out = {"organization": m.create_organization(FeatureSet="ALL")["Organization"]}
    out["invited"] = m.invite_account_to_organization(Target={"Id": invitee, "Type": "ACCOUNT"},
                                                      Notes="from boto3")["Handshake"]
    out["received"] = i.list_handshakes_for_account()["Handshakes"]
    out["accepted"] = i.accept_handshake(HandshakeId=out["invited"]["Id"])["Handshake"]
    out["accounts"] = m.list_accounts()["Accounts"]
    try:
        i.list_accounts()
        out["member_error"] = None
    except botocore.exceptions.ClientError as e:
        out["member_error"] = e.response["Error"]["Code"]
    out["endpoints"] = {m.meta.endpoint_url, i.meta.endpoint_url}
    return out


def js_flow(modules, url, use_env, management, invitee, region):
    plan = {"endpoint": None if use_env else url, "region": region, "management": management, "invitee": invitee}
    env = clean_env({"NODE_PATH": modules})
    # The SDK must not find credentials or an endpoint anywhere but where the test puts them.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name, None)
    if use_env:
        env["AWS_ENDPOINT_URL"] = url
    p = subprocess.run(["node", os.path.join(JS_DIR, "invite_flow.js"), json.dumps(plan)], capture_output=True,
                       text=True, timeout=NODE_TIMEOUT, stdin=subprocess.DEVNULL, env=env)
    if p.returncode != 0:
        raise AssertionError(f"the JavaScript flow exited {p.returncode}:\n{p.stderr[-3000:]}")
    out = json.loads(p.stdout)
    out["member_error"] = out.pop("memberListAccounts")["error"]
    return out


# --- tests ----------------------------------------------------------------------------------------

_clis = None


def clis():
    global _clis
    if _clis is None:
        _clis = installed_clis()
    return _clis


class ClientMatrixTest(ServerTestCase):

    def check_flow(self, out, management, invitee):
        """The answers of one run of the flow, and the server's own view of who is where."""
        org = out["organization"]
        self.assertRegex(org["Id"], ORG_ID)
        self.assertEqual((org["MasterAccountId"], org["FeatureSet"]), (management, "ALL"), org)

        invited = out["invited"]
        self.assertEqual((invited["Action"], invited["State"]), ("INVITE", "OPEN"), invited)
        self.assertIn({"Id": invitee, "Type": "ACCOUNT"}, invited["Parties"], invited)
        self.assertEqual([(h["Id"], h["State"]) for h in out["received"]], [(invited["Id"], "OPEN")], out["received"])
        self.assertEqual((out["accepted"]["Id"], out["accepted"]["State"]), (invited["Id"], "ACCEPTED"))

        accounts = {a["Id"]: a for a in out["accounts"]}
        self.assertEqual(set(accounts), {management, invitee}, out["accounts"])
        self.assertEqual((accounts[invitee]["JoinedMethod"], accounts[invitee]["Status"]), ("INVITED", "ACTIVE"))
        self.assertEqual(accounts[management]["JoinedMethod"], "CREATED")
        self.assertEqual(out["member_error"], "AccessDeniedException")

        # Both identities were told apart by their access key ids alone.
        for account in (management, invitee):
            seen = self.server.control("GET", f"/_localorgs/accounts/{account}").json
            self.assertEqual(seen["OrganizationId"], org["Id"], seen)

    def new_parties(self):
        return new_account_id(5), new_account_id(6)

    # AWS CLI ---------------------------------------------------------------------------------

    def cli_of(self, major):
        cli = clis().get(major)
        # Both are CI's to provide: v1 from pip (preinstalled), v2 from Debian (tools/deps --test).
        harness.require(self, cli is not None,
                        f"no AWS CLI v{major} on PATH (v1 comes from pip, v2 from Debian's awscli)")
        return cli

    def run_cli(self, major, use_env):
        cli = self.cli_of(major)
        management, invitee = self.new_parties()
        if use_env and not cli.reads_endpoint_env():
            # What the README's matrix says of this version: it ignores AWS_ENDPOINT_URL, so the
            # call goes to AWS's own endpoint (unreachable here) and never reaches the server.
            self.check_env_ignored(lambda: cli_ignores_env(cli, self.server.url, management))
            return
        self.check_flow(cli_flow(cli, self.server.url, use_env, management, invitee, "eu-west-1"),
                        management, invitee)

    def check_env_ignored(self, call):
        before = self.server.stderr().count("operation=DescribeOrganization")
        outcome = call()
        self.assertNotEqual(outcome, "answered", "a client said not to read AWS_ENDPOINT_URL reached the server")
        self.assertEqual(self.server.stderr().count("operation=DescribeOrganization"), before,
                         "the server saw a call from a client that does not read AWS_ENDPOINT_URL")

    def test_aws_cli_v1_endpoint_url(self):
        self.run_cli(1, use_env=False)

    def test_aws_cli_v1_env(self):
        self.run_cli(1, use_env=True)

    def test_aws_cli_v2_endpoint_url(self):
        self.run_cli(2, use_env=False)

    def test_aws_cli_v2_env(self):
        self.run_cli(2, use_env=True)

    # boto3 -----------------------------------------------------------------------------------

    def test_boto3_endpoint_url(self):
        management, invitee = self.new_parties()
        out = boto3_flow(self.server.url, management, invitee, "ap-southeast-2")
        self.check_flow(out, management, invitee)
        self.assertEqual(out["endpoints"], {self.server.url})

    def test_boto3_env(self):
        if version_tuple(botocore.__version__) < BOTOCORE_ENV_ENDPOINT_SINCE:
            # This botocore ignores AWS_ENDPOINT_URL (README's matrix): its client keeps AWS's endpoint.
            with mock.patch.dict(os.environ, {"AWS_ENDPOINT_URL": self.server.url}):
                client = boto3_client(None, new_account_id(6), "sa-east-1")
            self.assertNotEqual(client.meta.endpoint_url, self.server.url)
            self.assertIn("amazonaws.com", client.meta.endpoint_url)
            return
        # The general variable, and the one for this service alone, which wins over it.
        for variables in ({"AWS_ENDPOINT_URL": self.server.url},
                          {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_ORGANIZATIONS": self.server.url}):
            with self.subTest(variables=sorted(variables)):
                management, invitee = self.new_parties()
                with mock.patch.dict(os.environ, variables):
                    out = boto3_flow(None, management, invitee, "sa-east-1")
                self.check_flow(out, management, invitee)
                self.assertEqual(out["endpoints"], {self.server.url})

    # AWS SDK for JavaScript v3 ---------------------------------------------------------------

    def run_js(self, use_env):
        modules = js_node_modules()
        print(f"clients: @aws-sdk/client-organizations {js_sdk_version(modules)}", file=sys.stderr)
        management, invitee = self.new_parties()
        self.check_flow(js_flow(modules, self.server.url, use_env, management, invitee, "us-west-2"),
                        management, invitee)

    def test_js_sdk_v3_endpoint(self):
        self.run_js(use_env=False)

    def test_js_sdk_v3_env(self):
        self.run_js(use_env=True)

    # AWS SDK for Go v2 -----------------------------------------------------------------------

    def go_program(self):
        version = go_version()
        # CI's to provide: tools/deps --test installs both from Debian.
        harness.require(self, version is not None, f"no go on PATH; tools/deps --test installs {GO_SDK_PACKAGES}")
        harness.require(self, go_sdk_present(), f"the AWS SDK for Go v2 is not in {GO_SDK}; "
                                                f"tools/deps --test installs {GO_SDK_PACKAGES}")
        exe, took = go_flow_binary()
        if took is not None:
            print(f"clients: built tests/e2e/go with {version} in {took:.1f} s", file=sys.stderr)
        return exe

    def run_go(self, endpoint_mode, extra=(), env=None, region="ca-central-1"):
        management, invitee = self.new_parties()
        plan = {"endpoint": None if endpoint_mode == "environment" else self.server.url,
                "endpoint_mode": endpoint_mode, "region": region, "management": management, "invitee": invitee,
                "extra": list(extra), "page_size": 2, "allowed_host": f"{self.server.host}:{self.server.port}"}
        rc, out, stderr = go_flow(self.go_program(), plan, env)
        print(f"clients: {go_versions(out)}", file=sys.stderr)
        return management, invitee, rc, out, stderr

    def check_go_flow(self, management, invitee, rc, out, stderr):
        self.assertEqual(rc, 0, f"{out.get('failed')}\n{stderr[-2000:]}")
        member = out["member_list_accounts"]
        out["member_error"] = member and member.get("code")
        self.check_flow(out, management, invitee)
        # The member's refusal is the SDK's generated type, with the answer's status and request id.
        self.assertTrue(member["typed"], member)
        self.assertEqual(member["status"], 400, member)
        self.assertRegex(member["request_id"], harness.REQUEST_ID)
        # Every request went to the emulator; the SDK reports its own version in the User-Agent.
        self.assertEqual(out["requests"]["urls"], [self.server.url + "/"], out["requests"])
        self.assertIn(f"aws-sdk-go-v2/{out['sdk']['aws']} ", out["sdk"]["user_agent"])

    def test_go_sdk_v2_service_endpoint_resolver(self):
        # organizations.EndpointResolverFromURL; then the paginator and the typed errors.
        extra = [new_account_id(7) for _ in range(4)]
        management, invitee, rc, out, stderr = self.run_go("service_resolver", extra=extra)
        self.check_go_flow(management, invitee, rc, out, stderr)

        # Four more members, one of them invited twice: the second invitation is refused.
        self.assertEqual(out["joined"], extra)
        dup = out["duplicate"]
        self.assertIsNotNone(dup, "a second invitation to an account with an OPEN one was accepted")
        self.assertTrue(dup["typed"], f"errors.As(err, &*types.DuplicateHandshakeException) was false: {dup}")
        self.assertEqual((dup["code"], dup["status"], dup["fault"]), ("DuplicateHandshakeException", 400, "client"))
        self.assertTrue(dup["typed_message"], dup)
        self.assertEqual(dup["typed_message"], dup["message"])
        self.assertRegex(dup["request_id"], harness.REQUEST_ID)

        # ListAccounts through its paginator, two per page: every account exactly once.
        pages = out["pages"]
        seen = [account for page in pages for account in page]
        everyone = [management, invitee, *extra]
        self.assertEqual(sorted(seen), sorted(everyone), pages)
        self.assertGreaterEqual(len(pages), 3, pages)
        self.assertTrue(all(0 < len(page) <= 2 for page in pages), pages)

        # 51 tags: ConstraintViolationException with Reason MAX_TAG_LIMIT_EXCEEDED, nothing added.
        cv = out["constraint"]
        self.assertIsNotNone(cv, "a 51st tag was accepted")
        self.assertTrue(cv["typed"], f"errors.As(err, &*types.ConstraintViolationException) was false: {cv}")
        self.assertEqual((cv["code"], cv["reason"], cv["status"]), ("ConstraintViolationException",
                                                                    "MAX_TAG_LIMIT_EXCEEDED", 400), cv)
        self.assertTrue(cv["reason_is_max_tag_limit"], cv)
        self.assertFalse(cv["also_duplicate_handshake"], cv)
        self.assertEqual(out["tags"]["count"], 50, out["tags"])

    def test_go_sdk_v2_config_endpoint_resolver(self):
        # aws.EndpointResolverWithOptionsFunc given to config.LoadDefaultConfig, as Terraform's AWS
        # provider configured custom endpoints before the SDK read them from the environment.
        self.check_go_flow(*self.run_go("config_resolver", region="eu-central-1"))

    def test_go_sdk_v2_env(self):
        # AWS_ENDPOINT_URL_ORGANIZATIONS (with AWS_ENDPOINT_URL elsewhere: the service's own wins),
        # no endpoint in code. Read by SDKs that have aws.Config.BaseEndpoint; ignored by older ones.
        variables = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_ORGANIZATIONS": self.server.url}
        management, invitee, rc, out, stderr = self.run_go("environment", env=variables, region="us-west-2")
        if out["sdk"]["config_base_endpoint"]:
            self.check_go_flow(management, invitee, rc, out, stderr)
            return
        # This SDK ignores both variables: its first request is for AWS's own endpoint (refused by
        # the program's HTTP client), and the emulator never heard of the caller.
        self.assertEqual(rc, 1, out)
        self.assertEqual(out["failed"]["step"], "CreateOrganization", out)
        self.assertIn("refused by the test", out["failed"]["error"])
        self.assertEqual(out["requests"], {"urls": ["https://organizations.us-east-1.amazonaws.com/"], "count": 1})
        self.assertEqual(self.server.control("GET", f"/_localorgs/accounts/{management}").status, 404)


def setUpModule():
    # The versions this run tested, for the CI log and the README's matrix.
    found = ", ".join(f"AWS CLI {c.version} ({c.path})" for _, c in sorted(clis().items())) or "no AWS CLI"
    print(f"clients: {found}; boto3 {boto3.__version__} (botocore {botocore.__version__}); "
          f"node {node_version()}; {go_version() or 'no go'}", file=sys.stderr)


if __name__ == "__main__":
    harness.main()
