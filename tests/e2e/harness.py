"""End-to-end harness: runs the built localorgs binary and drives it with real AWS clients.

Every server listens on port 0 (the port is read from its ready line), keeps its database in a
temporary directory, and is stopped with SIGTERM, which must end it with exit code 0. Every
subprocess has a timeout, so a broken server fails a test instead of hanging it.

Skips are never silent. A test whose prerequisite is missing (a client, a tool, a resource limit)
calls `require(test, condition, reason)`: on a developer's machine that skips with the reason, and
when the environment variable CI is set it fails, because CI is supposed to provide everything.
Test files run through `main()`, which records every skip (with its reason) in the file named by
LOCALORGS_SKIP_LOG, so that tools/test can list them at the end of a run; in CI a skip that did not
come through `require` (a bare skipTest) fails as well.

The clients never see the developer's AWS configuration: this module points AWS_CONFIG_FILE and
AWS_SHARED_CREDENTIALS_FILE at empty temporary files for the whole test process, and passes the
credentials of the calling account explicitly (a 12-digit access key id is that account).
"""

import atexit
import concurrent.futures
import http.client
import itertools
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

READY_TIMEOUT = 10  # seconds until the ready line must have appeared
STOP_TIMEOUT = 10  # seconds from SIGTERM until the process must have exited
CLI_TIMEOUT = 60  # seconds for one aws CLI invocation
HTTP_TIMEOUT = 10  # seconds for one raw HTTP exchange

READY_LINE = re.compile(r"^localorgs listening on http://(?P<host>[^\s:]+):(?P<port>\d+)$")

ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
REQUEST_ID = re.compile(r"^[0-9A-Za-z-]{16,}$")

# Regions the clients cycle through: the emulator must accept any region in the credential scope.
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-2", "sa-east-1", "us-west-2", "eu-central-1", "ca-central-1"]
_region_cycle = itertools.cycle(REGIONS)

# Isolate every client of this process from the developer's ~/.aws.
_ISOLATION = tempfile.TemporaryDirectory(prefix="localorgs-e2e-aws-")
EMPTY_AWS_CONFIG = os.path.join(_ISOLATION.name, "config")
EMPTY_AWS_CREDENTIALS = os.path.join(_ISOLATION.name, "credentials")
for _path in (EMPTY_AWS_CONFIG, EMPTY_AWS_CREDENTIALS):
    open(_path, "w").close()
# CLI v2 prints timestamps as ISO 8601 by default; "wire" makes it print what the server sent, as
# v1 does, so one set of assertions holds for both (v1 would refuse the value, hence two files).
WIRE_TIMESTAMPS_AWS_CONFIG = os.path.join(_ISOLATION.name, "config-v2")
with open(WIRE_TIMESTAMPS_AWS_CONFIG, "w") as _f:
    _f.write("[default]\ncli_timestamp_format = wire\n")
os.environ["AWS_CONFIG_FILE"] = EMPTY_AWS_CONFIG
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = EMPTY_AWS_CREDENTIALS
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_CA_BUNDLE"):
    os.environ.pop(_name, None)


# --- skips -----------------------------------------------------------------------------------------

def in_ci():
    """True when the environment variable CI says so (any value but empty, 0, false, no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(test, condition, reason):
    """Skips `test` with `reason` unless `condition` holds; in CI, fails instead.

    For prerequisites CI provides: clients, tools, resource limits. Never for what a test is about.
    """
    if condition:
        return
    if in_ci():
        test.fail(f"missing prerequisite (CI must provide it): {reason}")
    test.skipTest(reason)


class _SkipRecordingResult(unittest.TextTestResult):
    """Writes every skip to LOCALORGS_SKIP_LOG (one JSON object per line); in CI a skip fails."""

    def addSkip(self, test, reason):
        log = os.environ.get("LOCALORGS_SKIP_LOG")
        if log:
            record = {"test": test.id(), "reason": reason}
            with open(log, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
        if in_ci():
            try:
                raise AssertionError(f"skipped in CI: {reason}")
            except AssertionError:
                self.addFailure(test, sys.exc_info())
            return
        super().addSkip(test, reason)


def main():
    """unittest.main() for the e2e test files, with skips recorded (see the module's docstring)."""
    runner = unittest.TextTestRunner(resultclass=_SkipRecordingResult, verbosity=2)
    unittest.main(module="__main__", testRunner=runner)


def binary_path():
    path = os.environ.get("LOCALORGS_BIN") or os.path.join(REPO_ROOT, "build-e2e", "localorgs")
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ServerError(f"localorgs binary not found at {path}: build it "
                          "(cmake --build build-e2e --target localorgs) or set LOCALORGS_BIN")
    return path


_account_counter = itertools.count(1)


def new_account_id(prefix=2):
    """A 12-digit account id no other test of this process has used."""
    return f"{prefix}{next(_account_counter):011d}"


class ServerError(AssertionError):
    pass


_live_servers = set()


@atexit.register
def _kill_leftover_servers():
    # A test process that dies between start and stop must not leave servers behind.
    for server in list(_live_servers):
        try:
            server.close()
        except Exception:
            pass


class Server:
    """One localorgs process. Restartable on the same database file."""

    def __init__(self, db=None, config=None, args=(), env=None, max_open_files=None):
        self._dir = tempfile.TemporaryDirectory(prefix="localorgs-e2e-")
        self.dir = self._dir.name
        self.db = db if db is not None else os.path.join(self.dir, "localorgs.db")
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(self.dir, "config.json")
            with open(self.config_path, "w", encoding="utf-8") as f:
                json.dump(config, f)
        self.args = list(args)
        self.env = env
        self.max_open_files = max_open_files  # RLIMIT_NOFILE (soft and hard) of the server process
        self.proc = None
        self.url = None
        self.host = None
        self.port = None
        self.stdout_lines = []
        self._stderr_path = None
        self._runs = 0

    # --- process ------------------------------------------------------------------------------

    def command(self):
        cmd = [binary_path(), "--port", "0", "--db", self.db]
        if self.config_path:
            cmd += ["--config", self.config_path]
        return cmd + self.args

    def start(self):
        assert self.proc is None, "server already running"
        self._runs += 1
        self._stderr_path = os.path.join(self.dir, f"stderr.{self._runs}.log")
        env = clean_env()
        if self.env:
            env.update(self.env)
        self.stdout_lines = []
        _live_servers.add(self)
        limit = self.max_open_files
        preexec = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) if limit else None
        with open(self._stderr_path, "wb") as stderr:
            # A session of its own, so a kill reaches anything the server might have started.
            self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=stderr,
                                         stdin=subprocess.DEVNULL, env=env, text=True, bufsize=1,
                                         start_new_session=True, preexec_fn=preexec)
        ready = threading.Event()
        first_line = []

        def drain(stream=self.proc.stdout):
            # Reads the ready line, then keeps the pipe empty so the server never blocks on stdout.
            for line in stream:
                line = line.rstrip("\n")
                self.stdout_lines.append(line)
                if not first_line:
                    first_line.append(line)
                    ready.set()
            ready.set()

        self._drain = threading.Thread(target=drain, daemon=True)
        self._drain.start()
        if not ready.wait(READY_TIMEOUT) or not first_line:
            try:
                rc = self.proc.wait(1)
                what = f"localorgs exited with code {rc} before printing its ready line"
            except subprocess.TimeoutExpired:
                what = f"localorgs printed no ready line within {READY_TIMEOUT} s"
            self._kill()
            raise ServerError(f"{what}; command {self.command()}; stderr:\n{self.stderr()}")
        m = READY_LINE.match(first_line[0])
        if not m:
            self._kill()
            raise ServerError(f"unexpected first stdout line {first_line[0]!r}; stderr:\n{self.stderr()}")
        self.host, self.port = m["host"], int(m["port"])
        if self.port == 0:
            self._kill()
            raise ServerError("the ready line names port 0, not the bound port")
        self.url = f"http://{self.host}:{self.port}"
        return self

    def stop(self, sig=signal.SIGTERM):
        """Stops the server with `sig` and returns its exit code (the caller asserts it)."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        proc.send_signal(sig)
        try:
            rc = proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)
            raise ServerError(f"localorgs did not exit within {STOP_TIMEOUT} s of {sig!r}; "
                              f"stderr:\n{self.stderr()}")
        finally:
            self._close_stdout(proc)
        return rc

    def stop_cleanly(self, sig=signal.SIGTERM):
        rc = self.stop(sig)
        if rc != 0:
            raise ServerError(f"localorgs exited with {rc} after {sig!r}, expected 0; stderr:\n{self.stderr()}")

    def restart(self):
        self.stop_cleanly()
        return self.start()

    def close(self):
        """Cleanup path: kills a server still running (no exit-code check) and removes its files."""
        try:
            self._kill()
        finally:
            _live_servers.discard(self)
            self._dir.cleanup()

    def _kill(self):
        if self.proc is not None:
            proc, self.proc = self.proc, None
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(STOP_TIMEOUT)
            self._close_stdout(proc)

    def _close_stdout(self, proc):
        # Closing while the reader thread is blocked in a read would block too: close only once
        # the pipe has reached its end.
        self._drain.join(2)
        if not self._drain.is_alive():
            proc.stdout.close()

    def stderr(self):
        try:
            with open(self._stderr_path, encoding="utf-8", errors="replace") as f:
                return f.read()[-4000:]
        except (OSError, TypeError):
            return ""

    # --- clients ------------------------------------------------------------------------------

    def cli(self, account, *args, region=None, env=None, timeout=CLI_TIMEOUT):
        """Runs `aws organizations ARGS` as `account`; returns a CliResult."""
        return run_cli(self.url, account, *args, region=region, env=env, timeout=timeout)

    def client(self, account, region=None, retries=1, access_key=None):
        """A boto3 Organizations client acting as `account` (an access key id, usually 12 digits)."""
        return make_client(self.url, access_key or account, region=region, retries=retries)

    def http(self, method, path, body=None, headers=None):
        """One raw HTTP exchange; returns an HttpResult."""
        return raw_http(self.host, self.port, method, path, body, headers)

    def api(self, operation, body=b"{}", account=None, headers=None, path="/"):
        """A raw awsJson 1.1 call (unsigned, or with a fake SigV4 Authorization naming `account`)."""
        h = {"Content-Type": "application/x-amz-json-1.1",
             "X-Amz-Target": f"AWSOrganizationsV20161128.{operation}"}
        if account is not None:
            h["Authorization"] = sigv4_header(account)
        if headers:
            h.update(headers)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        return self.http("POST", path, body, h)

    def control(self, method, path, body=None):
        """A control-plane call (`/_localorgs/...`); JSON in, HttpResult out."""
        headers = {}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        return self.http(method, path, body, headers)


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCALORGS_")}
    if extra:
        env.update(extra)
    return env


# --- AWS CLI ----------------------------------------------------------------------------------

class CliResult:
    def __init__(self, args, returncode, stdout, stderr):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.json = None
        if stdout.strip():
            try:
                self.json = json.loads(stdout)
            except ValueError:
                pass

    def __repr__(self):
        return (f"CliResult(args={self.args!r}, rc={self.returncode}, stdout={self.stdout[-2000:]!r}, "
                f"stderr={self.stderr[-2000:]!r})")


_cli_major = None


def cli_major_version():
    global _cli_major
    if _cli_major is None:
        out = subprocess.run(["aws", "--version"], capture_output=True, text=True, timeout=CLI_TIMEOUT,
                             env=clean_env())
        m = re.search(r"aws-cli/(\d+)", out.stdout + out.stderr)
        _cli_major = int(m.group(1)) if m else 1
    return _cli_major


def cli_service_error_rc():
    """Exit code for an error answered by the service: 255 in AWS CLI v1, 254 in v2."""
    return 254 if cli_major_version() >= 2 else 255


def cli_env(account, region=None, extra=None, major=None):
    """The environment of one CLI run as `account`; `major` is the CLI's major version (default:
    that of the `aws` on PATH)."""
    major = major or cli_major_version()
    env = clean_env()
    env.update({
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "dummy",
        "AWS_DEFAULT_REGION": region or next(_region_cycle),
        "AWS_CONFIG_FILE": EMPTY_AWS_CONFIG if major < 2 else WIRE_TIMESTAMPS_AWS_CONFIG,
        "AWS_SHARED_CREDENTIALS_FILE": EMPTY_AWS_CREDENTIALS,
        # One attempt: nothing is retried. CLI v1 in legacy mode prints a service error exactly as
        # "An error occurred (Code) when calling the Op operation: Message" (standard mode would
        # add "(reached max retries: 0)" to retryable ones); CLI v2 (Debian 12's) refuses legacy.
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "legacy" if major < 2 else "standard",
        "AWS_PAGER": "",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env


def run_cli(url, account, *args, region=None, env=None, timeout=CLI_TIMEOUT):
    argv = ["aws", "organizations", *args, "--endpoint-url", url, "--output", "json"]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=cli_env(account, region, env))
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"aws CLI did not finish within {timeout} s: {argv}") from e
    return CliResult(argv, p.returncode, p.stdout, p.stderr)


def cli_error_line(code, operation, attempts_used_up=True):
    """The start of what CLI v1/v2 print on stderr for a service error. CLI v2 (Debian 12's 2.9)
    adds "(reached max retries: 0)" when its attempts are used up, which with cli_env's
    AWS_MAX_ATTEMPTS=1 is every error; with more attempts, an error it does not retry has none."""
    retries = " (reached max retries: 0)" if cli_major_version() >= 2 and attempts_used_up else ""
    return f"An error occurred ({code}) when calling the {operation} operation{retries}: "


# --- boto3 ------------------------------------------------------------------------------------

# Clients for bulk work. One boto3 session for every client: a client of a warm session costs milliseconds, not 150 ms.
_SESSION = boto3.session.Session()
_clients = {}


def fast_client(server, account, retries=1):
    # The process id too: a later server may get the port of an earlier one.
    key = (server.url, server.proc.pid if server.proc else None, account, retries)
    if key not in _clients:
        config = botocore.config.Config(retries={"total_max_attempts": retries, "mode": "standard"},
                                        connect_timeout=HTTP_TIMEOUT, read_timeout=HTTP_TIMEOUT)
        _clients[key] = _SESSION.client("organizations", endpoint_url=server.url, aws_access_key_id=account,
                                        aws_secret_access_key="dummy",
                                        region_name=REGIONS[len(_clients) % len(REGIONS)], config=config)
    return _clients[key]


def make_client(url, access_key, region=None, retries=1):
    """`retries` is the total number of attempts per call (1: no retry)."""
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="dummy",
                                    region_name=region or next(_region_cycle))
    config = botocore.config.Config(retries={"total_max_attempts": retries, "mode": "standard"},
                                    connect_timeout=HTTP_TIMEOUT, read_timeout=HTTP_TIMEOUT)
    return session.client("organizations", endpoint_url=url, config=config)


# --- raw HTTP ---------------------------------------------------------------------------------

class HttpResult:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # http.client.HTTPMessage: case-insensitive get()
        self.body = body
        self.json = None
        if body:
            try:
                self.json = json.loads(body)
            except ValueError:
                pass

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"HttpResult(status={self.status}, headers={dict(self.headers)!r}, body={self.body[:2000]!r})"


def raw_http(host, port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(host, port, timeout=HTTP_TIMEOUT)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return HttpResult(resp.status, resp.headers, data)
    finally:
        conn.close()


class ApiConnection:
    """One keep-alive HTTP/1.1 connection for raw awsJson calls: far cheaper than a boto3 call, so
    tests that send thousands of requests (or race them) use it. After a failure the next call
    reconnects. Connection failures propagate (OSError, http.client.HTTPException)."""

    def __init__(self, server, timeout=HTTP_TIMEOUT):
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)

    def call(self, operation, body, account):
        """Returns (status, parsed JSON body) of one call as `account`."""
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "X-Amz-Target": f"AWSOrganizationsV20161128.{operation}",
                   "Authorization": sigv4_header(account)}
        try:
            self.conn.request("POST", "/", body=json.dumps(body).encode("utf-8"), headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except BaseException:
            self.conn.close()
            raise
        return resp.status, json.loads(data) if data else None

    def close(self):
        self.conn.close()


def race(test, server, calls, hang_guard=60):
    """Sends every (operation, body, account) of `calls` at once, each on a connection of its own
    opened beforehand and released together by a barrier; returns their (status, body) in order.
    A call that gets no answer within `hang_guard` seconds fails `test`."""
    connections = [ApiConnection(server) for _ in calls]
    for c in connections:
        c.conn.connect()
        test.addCleanup(c.close)
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def send(i):
        try:
            barrier.wait(hang_guard)
            results[i] = connections[i].call(*calls[i])
        except BaseException as e:  # reported below, in the test's thread
            results[i] = e

    threads = [threading.Thread(target=send, args=(i,), daemon=True) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(hang_guard)
        test.assertFalse(t.is_alive(), "a racing call got no answer")
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results


def sigv4_header(access_key, region="us-east-1", date="20260101"):
    """An Authorization header shaped like SigV4's; the emulator reads the key id, not the signature."""
    return (f"AWS4-HMAC-SHA256 Credential={access_key}/{date}/{region}/organizations/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


# --- test-case base ---------------------------------------------------------------------------

class ServerTestCase(unittest.TestCase):
    """Starts one server per class (setUpClass) and stops it (exit code 0 asserted) afterwards."""

    server_config = None  # dict written as --config, or None
    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = Server(config=cls.server_config, args=cls.server_args)
        # Runs even when a subclass's setUpClass fails after this point.
        cls.addClassCleanup(cls.server.close)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop_cleanly()  # SIGTERM must end the server with exit code 0
        super().tearDownClass()

    # Convenience wrappers --------------------------------------------------------------------

    def cli(self, account, *args, **kw):
        return self.server.cli(account, *args, **kw)

    def cli_many(self, calls, workers=4):
        """Runs independent CLI calls concurrently: `calls` is a list of (account, arg, ...)."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(self.server.cli, call[0], *call[1:]) for call in calls]
            return [f.result() for f in futures]

    def cli_ok(self, account, *args, **kw):
        r = self.server.cli(account, *args, **kw)
        self.assertEqual(r.returncode, 0, r)
        return r.json

    def assertCliError(self, result, code, operation, message=None):
        """The CLI failed with the service error `code` from `operation`; returns the message."""
        self.assertEqual(result.returncode, cli_service_error_rc(), result)
        prefix = cli_error_line(code, operation)
        self.assertIn(prefix, result.stderr, result)
        text = result.stderr.split(prefix, 1)[1].strip()
        self.assertTrue(text, f"empty error message: {result!r}")
        if message is not None:
            self.assertEqual(text, message)
        self.assertEqual(result.stdout.strip(), "", result)
        return text

    def client(self, account, **kw):
        return self.server.client(account, **kw)

    def assertClientError(self, ctx, code, reason=None, message=None):
        """For `with self.assertRaises(ClientError) as ctx`: checks code, 400, Reason; returns response."""
        resp = ctx.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 400, resp)
        if reason is None:
            self.assertNotIn("Reason", resp, resp)
        else:
            self.assertEqual(resp.get("Reason"), reason, resp)
        self.assertTrue(resp["Error"]["Message"], resp)
        if message is not None:
            self.assertEqual(resp["Error"]["Message"], message)
        return resp

    def new_org(self, feature_set=None, prefix=2):
        """A fresh account that creates its own organization; returns (account_id, Organization, root)."""
        account = new_account_id(prefix)
        c = self.client(account)
        org = c.create_organization(**({"FeatureSet": feature_set} if feature_set else {}))["Organization"]
        root = c.list_roots()["Roots"][0]
        return account, org, root


# --- adding members --------------------------------------------------------------------------------

def join_members(server, management, account_ids):
    """Makes each account a member of `management`'s organization through the real API.

    The organization's account quota (a control-plane setting, AWS's own is raised by a quota
    request) is raised first so that any number fits; then the management account invites each
    account and the account accepts, as at AWS. Returns the accepted handshakes' ids.
    """
    m = server.client(management)
    org_id = m.describe_organization()["Organization"]["Id"]
    members = len(m.list_accounts()["Accounts"])  # a first page is enough to size the quota
    needed = members + len(account_ids) + 20
    res = server.control("PUT", f"/_localorgs/organizations/{org_id}/quotas",
                         {"MaxAccounts": needed, "InvitationsPerDay": needed})
    if res.status != 200:
        raise AssertionError(f"raising the account quota of {org_id}: {res!r}")
    accepted = []
    for account in account_ids:
        h = m.invite_account_to_organization(Target={"Id": account, "Type": "ACCOUNT"})["Handshake"]
        out = server.client(account).accept_handshake(HandshakeId=h["Id"])["Handshake"]
        if out["State"] != "ACCEPTED":
            raise AssertionError(f"{account} could not join {org_id}: {out}")
        accepted.append(h["Id"])
    return accepted
