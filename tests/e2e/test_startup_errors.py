"""Start-up failures read well (issue 12 item 8): each says what could not be done, where, why,
and which flag or variable changes it, with no library source location and, but for a command
line that is not made of known flags, no usage text. Exit code 2 for a wrong command line,
environment or config file, 1 for what goes wrong while starting (the port, the database).
Nothing is ever printed on stdout, where harnesses wait for the ready line.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import binary_path, clean_env  # noqa: E402

# What a message must never contain: a library's source location or error category tag
# ("[system:98 at /usr/include/boost/...hpp:161:5 in function ...]"), or the usage text.
NEVER = ("[system:", ".hpp:", "in function", "asio.", "usage:")


def run(args, env=None, cwd=None):
    return subprocess.run([binary_path(), *args], capture_output=True, text=True, timeout=30,
                          stdin=subprocess.DEVNULL, env=clean_env(env), cwd=cwd)


class StartupErrorsTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="localorgs-startup-")
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def check(self, r, code, *parts):
        self.assertEqual(r.returncode, code, r)
        self.assertEqual(r.stdout, "", "nothing may be printed where the ready line goes")
        self.assertTrue(r.stderr.startswith("localorgs: "), r.stderr)
        for part in parts:
            self.assertIn(part, r.stderr)
        for bad in NEVER:
            self.assertNotIn(bad, r.stderr)

    # --- the address and port ----------------------------------------------------------------

    def test_port_in_use_names_it_and_the_way_out(self):
        taken = socket.socket()
        self.addCleanup(taken.close)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for args, env in ((["--port", str(port)], None), ([], {"LOCALORGS_PORT": str(port)})):
            with self.subTest(args=args, env=env):
                r = run(args + ["--db", ":memory:"], env=env)
                self.check(r, 1, f"cannot listen on 127.0.0.1:{port}: the address is already in use",
                           "--port N", "LOCALORGS_PORT", "--port 0 picks a free one")

    def test_host_that_is_not_this_machine(self):
        # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of a real machine.
        r = run(["--host", "192.0.2.1", "--port", "0", "--db", ":memory:"])
        self.check(r, 1, "cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine",
                   "--host", "LOCALORGS_HOST")

    def test_host_that_cannot_be_resolved(self):
        # .invalid never resolves (RFC 2606).
        r = run(["--host", "no-such-host.invalid", "--port", "0", "--db", ":memory:"])
        self.check(r, 1, "cannot listen on no-such-host.invalid:0: the host name no-such-host.invalid cannot be "
                         "resolved", "--host")

    # --- the database ----------------------------------------------------------------------------

    def test_database_in_a_folder_that_does_not_exist(self):
        db = self.path("missing/state.db")
        r = run(["--port", "0", "--db", db])
        self.check(r, 1, f"cannot open the database {db}: the folder {self.path('missing')} does not exist",
                   "--db", "LOCALORGS_DB", ":memory:")

    def test_database_that_is_a_folder(self):
        r = run(["--port", "0"], env={"LOCALORGS_DB": self.dir.name})
        self.check(r, 1, f"cannot open the database {self.dir.name}: it is a folder, not a file", "--db")

    def test_file_that_is_not_a_database(self):
        db = self.path("notes.txt")
        with open(db, "wb") as f:
            f.write(b"These are my notes, not a database.\n" * 200)
        r = run(["--port", "0", "--db", db])
        self.check(r, 1, f"the file {db} is not a SQLite database", "--db")
        with open(db, "rb") as f:
            self.assertEqual(f.read(), b"These are my notes, not a database.\n" * 200, "the file was changed")

    def test_database_of_a_newer_localorgs(self):
        db = self.path("newer.db")
        con = sqlite3.connect(db)
        with con:
            con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                        " applied_at TEXT NOT NULL DEFAULT '')")
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from the future')")
        con.close()
        r = run(["--port", "0", "--db", db])
        self.check(r, 1, f"cannot use the database {db}: it was written by a newer localorgs (schema version 9999",
                   "--db")

    # --- the config file, flags and variables --------------------------------------------------------

    def test_config_file_that_is_not_json_names_file_line_and_column(self):
        config = self.path("config.json")
        with open(config, "w") as f:
            f.write('{\n  "DefaultAccount": "111111111111",\n  "Accounts": [ }\n}\n')
        r = run(["--port", "0", "--db", ":memory:", "--config", config])
        self.check(r, 2, f"{config}:3:17: not valid JSON: syntax error")

    def test_config_file_that_cannot_be_read(self):
        config = self.path("absent.json")
        r = run(["--db", ":memory:"], env={"LOCALORGS_CONFIG": config})
        self.check(r, 2, f"cannot read the config file {config}: No such file or directory")

    def test_wrong_flag_value_says_what_is_expected(self):
        r = run(["--port", "99999"])
        self.check(r, 2, "--port: expected an integer from 0 to 65535, got '99999'")
        self.assertNotIn("--help", r.stderr)

    def test_unknown_flag_points_at_help(self):
        r = run(["--prot", "5"])
        self.check(r, 2, "unknown flag --prot", "Run 'localorgs --help' to see every flag.")


if __name__ == "__main__":
    harness.main()
