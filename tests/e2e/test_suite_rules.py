"""Rules the end-to-end suite keeps so that a green run means what it says (issue 12 item 1).

Every test file runs through harness.main(), which records skips and fails them in CI; a file
that called unittest.main() itself would skip silently. Prerequisites go through harness.require,
never a bare skipTest or SkipTest, so that CI fails when something it must provide is missing.
"""

import glob
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class SuiteRulesTest(unittest.TestCase):

    def files(self):
        # This file names what it forbids, so it is the one file the text checks leave out.
        files = sorted(f for f in glob.glob(os.path.join(HERE, "test_*.py")) if f != os.path.abspath(__file__))
        self.assertGreater(len(files), 10)
        return files

    def test_every_file_runs_through_harness_main(self):
        for path in self.files():
            with self.subTest(file=os.path.basename(path)):
                text = open(path, encoding="utf-8").read()
                self.assertNotIn("unittest.main(", text)
                self.assertRegex(text, r'if __name__ == "__main__":\n    harness\.main\(\)\n*$')

    def test_no_bare_skips(self):
        for path in self.files():
            with self.subTest(file=os.path.basename(path)):
                text = open(path, encoding="utf-8").read()
                self.assertIsNone(re.search(r"skipTest\(|SkipTest|@unittest\.skip", text),
                                  "use harness.require for prerequisites")

    def test_skip_log_is_set_for_ctest(self):
        # tests/CMakeLists.txt hands every e2e test the file tools/test lists skips from.
        cmake = open(os.path.join(HERE, "..", "CMakeLists.txt"), encoding="utf-8").read()
        self.assertIn("LOCALORGS_SKIP_LOG=", cmake)


class RequireTest(unittest.TestCase):
    """harness.require skips on a developer's machine and fails in CI."""

    def run_probe(self, ci):
        class Probe(unittest.TestCase):
            def test_needs_something(self):
                harness.require(self, False, "the probe's tool is missing")

        saved = os.environ.get("CI")
        os.environ["CI"] = "true" if ci else ""
        try:
            result = unittest.TestResult()
            Probe("test_needs_something").run(result)
        finally:
            if saved is None:
                os.environ.pop("CI", None)
            else:
                os.environ["CI"] = saved
        return result

    def test_skips_outside_ci(self):
        result = self.run_probe(ci=False)
        self.assertEqual(([reason for _, reason in result.skipped], result.failures), (["the probe's tool is missing"], []))

    def test_fails_in_ci(self):
        result = self.run_probe(ci=True)
        self.assertEqual(result.skipped, [])
        self.assertEqual(len(result.failures), 1)
        self.assertIn("CI must provide it", result.failures[0][1])

    def test_recording_result_logs_and_fails_bare_skips_in_ci(self):
        class Probe(unittest.TestCase):
            def test_bare(self):
                self.skipTest("a reason")

        import tempfile
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "skips.jsonl")
            saved = {k: os.environ.get(k) for k in ("CI", "LOCALORGS_SKIP_LOG")}
            os.environ["LOCALORGS_SKIP_LOG"] = log
            try:
                for ci, failures in ((False, 0), (True, 1)):
                    os.environ["CI"] = "1" if ci else "0"
                    with open(os.devnull, "w") as devnull:
                        result = harness._SkipRecordingResult(devnull, False, 0)
                        Probe("test_bare").run(result)
                    self.assertEqual(len(result.failures), failures)
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            lines = open(log, encoding="utf-8").read().splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn('"reason": "a reason"', lines[0])


if __name__ == "__main__":
    harness.main()
