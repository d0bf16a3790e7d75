"""What people coming from LocalStack or moto rely on (issue 7 item 3): the health alias with GET
and HEAD, a ready line that Testcontainers-style log waiting finds (with the regexes the README
gives), and the README's pytest fixture for switching from moto, run as written.
"""

import os
import re
import subprocess
import sys
import threading
import types
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.exceptions  # noqa: E402

import harness  # noqa: E402
from harness import (READY_TIMEOUT, REPO_ROOT, ServerTestCase, binary_path, clean_env,  # noqa: E402
                     raw_http)

# The README's wait strategies. Testcontainers for Java matches each log line, newline included,
# against the whole regex; the Python and Node flavours search each line for the pattern.
JAVA_LOG_REGEX = r".*localorgs listening on http://.*\n"
SEARCH_LOG_REGEX = r"localorgs listening on http://"


class HealthAliasTest(ServerTestCase):

    def test_get_and_head(self):
        get = self.server.http("GET", "/_localstack/health")
        self.assertEqual(get.status, 200, get)
        self.assertEqual(get.header("Content-Type"), "application/json")
        self.assertEqual(get.json["services"], {"organizations": "running"})
        head = self.server.http("HEAD", "/_localstack/health")
        self.assertEqual(head.status, 200, head)
        self.assertEqual(head.body, b"")
        # A HEAD announces the length the GET sends.
        self.assertEqual(int(head.header("Content-Length")), len(get.body))


class ReadyLineTest(unittest.TestCase):
    """The server's output as a container runtime collects it: stdout and stderr in one stream."""

    def test_log_waiting_sees_the_ready_line_once_the_port_answers(self):
        # Debug logging, so the stream has more than the ready line to get wrong.
        proc = subprocess.Popen([binary_path(), "--port", "0", "--db", ":memory:", "--log-level", "debug"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=clean_env(), text=True, start_new_session=True)
        self.addCleanup(proc.kill)
        self.addCleanup(proc.stdout.close)
        lines, ready = [], threading.Event()

        def read():
            for line in proc.stdout:
                lines.append(line)
                if re.fullmatch(JAVA_LOG_REGEX, line):
                    ready.set()
            ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        self.assertTrue(ready.wait(READY_TIMEOUT), f"no ready line within {READY_TIMEOUT} s: {lines}")
        matched = [line for line in lines if re.fullmatch(JAVA_LOG_REGEX, line)]
        self.assertEqual(len(matched), 1, lines)
        self.assertTrue(re.search(SEARCH_LOG_REGEX, matched[0]))
        port = int(matched[0].rstrip("\n").rsplit(":", 1)[1])
        # A waiting strategy moves on at once: the first request after the line must be answered.
        health = raw_http("127.0.0.1", port, "GET", "/_localstack/health")
        self.assertEqual(health.status, 200, health)

        proc.terminate()
        self.assertEqual(proc.wait(READY_TIMEOUT), 0)
        reader.join(READY_TIMEOUT)
        self.assertEqual([line for line in lines if re.search(SEARCH_LOG_REGEX, line)], matched, lines)


def readme_snippet(name):
    """The code block that follows `<!-- snippet: NAME -->` in the README."""
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    m = re.search(rf"<!-- snippet: {re.escape(name)} -->\s*```python\n(.*?)```", readme, re.S)
    if not m:
        raise AssertionError(f"README has no python block after <!-- snippet: {name} -->")
    return m.group(1)


def pytest_stand_in():
    """Enough of pytest for the snippet's fixtures: they stay plain generator functions."""
    module = types.ModuleType("pytest")

    def fixture(function=None, **_options):
        return function if function is not None else (lambda f: f)

    module.fixture = fixture
    return module


class MigrationSnippetTest(unittest.TestCase):

    def test_readme_pytest_fixture_runs_as_written(self):
        code = readme_snippet("localorgs-pytest-fixture")
        saved = sys.modules.get("pytest")
        if saved is None:
            sys.modules["pytest"] = pytest_stand_in()
        try:
            namespace = {}
            exec(compile(code, "README.md (pytest fixture)", "exec"), namespace)
        finally:
            if saved is None:
                del sys.modules["pytest"]

        # What pytest would do: one server for the session, a reset before each test.
        session = namespace["localorgs_endpoint"]()
        endpoint = next(session)
        try:
            self.assertRegex(endpoint, r"^http://127\.0\.0\.1:\d+$")
            first = namespace["orgs"](endpoint)
            orgs = next(first)
            org = orgs.create_organization()["Organization"]
            self.assertEqual(org["MasterAccountId"], "111111111111")
            first.close()

            # The next test starts from nothing.
            second = namespace["orgs"](endpoint)
            orgs = next(second)
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                orgs.describe_organization()
            self.assertEqual(ctx.exception.response["Error"]["Code"], "AWSOrganizationsNotInUseException")
            second.close()
        finally:
            # The fixture's teardown stops the server; it must have exited.
            with self.assertRaises(StopIteration):
                next(session)


if __name__ == "__main__":
    harness.main()
