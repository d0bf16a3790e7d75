"""The Docker image's recipe against the repository and the real binary (issue 7 item 1).

tests/e2e/test_container.py builds and runs the image for real with Podman, in minutes; this
checks in seconds, without an engine, what can be checked without one, and names the culprit when
the real test fails: the two stages and their bases, that everything the build COPYs exists and
is enough to configure the build, that the build runs the README's tools/build, that the run stage
is non-root with its state in the volume and listens on 0.0.0.0:4566, that the binary needs no
shared library the slim image lacks, that the entrypoint with the image's environment starts the
real server, that the HEALTHCHECK script finds a live server on the port it really listens on
(not the image's LOCALORGS_PORT) and calls a stopped one unhealthy, and that
docker/compose.yaml's mounted config is a valid localorgs config.
"""

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml  # noqa: E402

import harness  # noqa: E402
from harness import REPO_ROOT, Server, binary_path, make_client  # noqa: E402

DOCKERFILE = os.path.join(REPO_ROOT, "Dockerfile")
COMPOSE = os.path.join(REPO_ROOT, "docker", "compose.yaml")
TIMEOUT = 120  # seconds for one helper process (cmake configure, the healthcheck script)

# Shared libraries debian:bookworm-slim has without installing anything (libc6, libgcc-s1 and
# libstdc++6 are part of it: apt itself needs them), and the package that brings each other one.
SLIM_LIBRARIES = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libpthread.so.0", "libdl.so.2",
                  "librt.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
PACKAGE_OF_LIBRARY = {"libsqlite3.so.0": "libsqlite3-0"}


# --- a small Dockerfile reader --------------------------------------------------------------------

class Instruction:
    def __init__(self, keyword, args):
        self.keyword = keyword.upper()
        self.args = args.strip()

    def exec_form(self):
        """The JSON array of an exec-form CMD/ENTRYPOINT (None for the shell form)."""
        return json.loads(self.args) if self.args.startswith("[") else None

    def flags_and_rest(self):
        """`--name=value` options before the arguments (COPY --from=..., HEALTHCHECK --interval=...)."""
        words = self.args.split()
        flags = {}
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name] = value
        return flags, " ".join(words)

    def __repr__(self):
        return f"{self.keyword} {self.args}"


def read_dockerfile(path=DOCKERFILE):
    """Instructions grouped by stage: [[FROM, ...], [FROM, ...]]. Continuations joined, comments dropped."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    logical, current = [], ""
    for line in lines:
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.lstrip().startswith("#"):  # a comment inside a continued instruction
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages = []
    for text in logical:
        keyword, _, args = text.strip().partition(" ")
        ins = Instruction(keyword, args)
        if ins.keyword == "FROM":
            stages.append([])
        stages[-1].append(ins)
    return stages


def only(stage, keyword):
    found = [i for i in stage if i.keyword == keyword]
    assert len(found) == 1, f"expected one {keyword} in the stage, found {found}"
    return found[0]


def env_of(stage):
    """ENV KEY=VALUE pairs of a stage (the only ENV form the Dockerfile uses)."""
    env = {}
    for ins in stage:
        if ins.keyword == "ENV":
            for word in shlex.split(ins.args):
                key, sep, value = word.partition("=")
                assert sep, f"ENV {ins.args!r}: use KEY=VALUE"
                env[key] = value
    return env


def copies(stage):
    """(flags, sources, destination) of each COPY of a stage."""
    out = []
    for ins in stage:
        if ins.keyword == "COPY":
            flags, rest = ins.flags_and_rest()
            words = rest.split()
            out.append((flags, words[:-1], words[-1]))
    return out


def dockerignore_patterns():
    path = os.path.join(REPO_ROOT, ".dockerignore")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


class ImageServer(Server):
    """The binary started as the image starts it: its entrypoint and command, with its environment,
    except a free port and a temporary database, which flags set (flags win over the environment)."""

    def __init__(self, argv, env):
        super().__init__(env=env)
        self.argv = argv

    def command(self):
        return [binary_path(), *self.argv, "--port", "0", "--db", self.db]

    def start(self):
        super().start()
        # Bound to every interface as in the container; the tests reach it over loopback.
        self.bound_host = self.host
        self.host = "127.0.0.1"
        self.url = f"http://127.0.0.1:{self.port}"
        return self


# --- tests ----------------------------------------------------------------------------------------

class DockerfileTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.stages = read_dockerfile()
        cls.build_stage, cls.run_stage = cls.stages[0], cls.stages[-1]

    def test_two_stages_on_debian_12(self):
        self.assertEqual(len(self.stages), 2, self.stages)
        self.assertEqual(self.build_stage[0].args.split(), ["debian:bookworm", "AS", "build"])
        self.assertEqual(self.run_stage[0].args, "debian:bookworm-slim")

    def test_everything_copied_exists_and_is_not_ignored(self):
        ignored = dockerignore_patterns()
        for stage in self.stages:
            for flags, sources, _ in copies(stage):
                if "from" in flags:
                    continue
                for source in sources:
                    with self.subTest(source=source):
                        self.assertTrue(os.path.exists(os.path.join(REPO_ROOT, source)),
                                        f"COPY {source}: not in the repository")
                        top = source.strip("/").split("/")[0]
                        for pattern in ignored:
                            self.assertFalse(fnmatch.fnmatch(source.strip("/"), pattern)
                                             or fnmatch.fnmatch(top, pattern),
                                             f"COPY {source} is excluded by .dockerignore's {pattern!r}")

    def test_build_stage_runs_the_readmes_tools_build(self):
        runs = [i.args for i in self.build_stage if i.keyword == "RUN"]
        self.assertEqual(runs, ["tools/build"], "the image must build exactly as the README's commands do")
        with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        docker_section = readme.split("## Docker", 1)[1].split("\n## ", 1)[0]
        self.assertIn("`tools/build`", docker_section)
        # The README's quick start command (tools/run) and CI's (tools/test) build with it too.
        for script in ("run", "test"):
            with open(os.path.join(REPO_ROOT, "tools", script), encoding="utf-8") as f:
                self.assertRegex(f.read(), r"(?m)^tools/build\b", f"tools/{script} does not run tools/build")
        # What the run stage takes from the build stage is what tools/build makes.
        with open(os.path.join(REPO_ROOT, "tools", "build"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r"cmake -S \. -B build ")
        workdir = only(self.build_stage, "WORKDIR").args
        taken = [(flags, sources) for flags, sources, _ in copies(self.run_stage) if flags.get("from") == "build"]
        self.assertEqual(taken, [({"from": "build"}, [f"{workdir}/build/localorgs"])])

    def test_copied_sources_are_enough_to_configure_the_build(self):
        # A full second build would double CI's build time; configuring proves every file and
        # folder CMakeLists.txt needs without tests and benchmarks was copied.
        with tempfile.TemporaryDirectory(prefix="localorgs-docker-context-") as context:
            for _, sources, destination in copies(self.build_stage):
                for source in sources:
                    src = os.path.join(REPO_ROOT, source)
                    dst = os.path.join(context, destination if destination not in ("./", ".") else os.path.basename(source))
                    if os.path.isdir(src):
                        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
                    else:
                        shutil.copy2(src, dst)
            p = subprocess.run(["cmake", "-S", context, "-B", os.path.join(context, "build"), "-G", "Ninja",
                                "-DCMAKE_BUILD_TYPE=Release", "-DLOCALORGS_WERROR=ON", "-DLOCALORGS_TESTS=OFF"],
                               capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 0, f"configure in the image's build context failed:\n{p.stdout}\n{p.stderr}")

    def test_binary_needs_only_what_the_run_stage_has(self):
        p = subprocess.run(["readelf", "-d", binary_path()], capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", p.stdout)
        self.assertIn("libc.so.6", needed)
        installs = " ".join(i.args for i in self.run_stage if i.keyword == "RUN")
        for library in needed:
            with self.subTest(library=library):
                if library in SLIM_LIBRARIES:
                    continue
                self.assertIn(library, PACKAGE_OF_LIBRARY, f"{library}: which Debian package brings it?")
                self.assertRegex(installs, rf"apt-get install [^&]*\b{re.escape(PACKAGE_OF_LIBRARY[library])}\b")

    def test_run_stage_is_non_root_with_state_in_the_volume(self):
        user = only(self.run_stage, "USER").args
        self.assertNotIn(user.split(":")[0], ("root", "0"))
        volume = only(self.run_stage, "VOLUME").args
        volume = json.loads(volume)[0] if volume.startswith("[") else volume
        self.assertEqual(volume, "/var/lib/localorgs")
        # The user is created owning the volume's folder, or it could not write its database there.
        setup = " ".join(i.args for i in self.run_stage if i.keyword == "RUN")
        m = re.search(r"useradd ([^&]+)", setup)
        self.assertTrue(m, "the run stage creates no user")
        useradd = m.group(1).split()
        self.assertEqual(useradd[-1], user)
        self.assertIn("--create-home", useradd)
        self.assertEqual(useradd[useradd.index("--home-dir") + 1], volume)
        self.assertEqual(os.path.dirname(env_of(self.run_stage)["LOCALORGS_DB"]), volume)

    def test_run_stage_listens_on_all_interfaces_on_4566(self):
        env = env_of(self.run_stage)
        self.assertEqual(only(self.run_stage, "EXPOSE").args, "4566")
        self.assertEqual(env["LOCALORGS_PORT"], "4566")
        self.assertEqual(env["LOCALORGS_HOST"], "0.0.0.0")

    def entrypoint_argv(self):
        entry = only(self.run_stage, "ENTRYPOINT").exec_form()
        self.assertIsNotNone(entry, "ENTRYPOINT must be in exec form, so signals reach localorgs")
        cmd = [i for i in self.run_stage if i.keyword == "CMD"]
        args = entry[1:] + (cmd[0].exec_form() if cmd else [])
        copied_to = {destination: sources for flags, sources, destination in copies(self.run_stage)}
        self.assertIn(entry[0], copied_to, f"ENTRYPOINT {entry[0]} is not a file the image copies")
        return args

    def healthcheck_script(self):
        flags, rest = only(self.run_stage, "HEALTHCHECK").flags_and_rest()
        self.assertTrue(rest.startswith("CMD "), rest)
        command = json.loads(rest[len("CMD "):])
        copied = {destination: sources for _, sources, destination in copies(self.run_stage)}
        self.assertIn(command[0], copied, f"HEALTHCHECK runs {command[0]}, which the image does not copy")
        script = os.path.join(REPO_ROOT, copied[command[0]][0])
        self.assertTrue(os.access(script, os.X_OK), f"{script} is not executable (COPY keeps the mode)")
        return command[0], script

    def test_entrypoint_and_healthcheck_against_the_real_binary(self):
        path, script = self.healthcheck_script()
        image_env = env_of(self.run_stage)
        server = ImageServer(self.entrypoint_argv(), image_env)
        self.addCleanup(server.close)
        server.start()
        # The image's LOCALORGS_HOST was taken: the server is bound to every interface.
        self.assertEqual(server.bound_host, "0.0.0.0")
        health = server.http("GET", "/_localorgs/health")
        self.assertEqual((health.status, health.json["status"]), (200, "running"), health)

        def check(*pids):
            # The script as the image runs it, in the image's environment, whose LOCALORGS_PORT
            # (4566) is not the port this server was given with --port: the script must find the
            # port the server really listens on. Told the server's process id, as other localorgs
            # processes may run beside this test (in the container it looks at every one).
            env = {"PATH": os.environ["PATH"], **image_env}
            return subprocess.run([script, *map(str, pids)], capture_output=True, text=True, timeout=TIMEOUT,
                                  env=env, stdin=subprocess.DEVNULL)

        self.assertNotEqual(str(server.port), image_env["LOCALORGS_PORT"])
        pid = server.proc.pid
        live = check(pid)
        self.assertEqual(live.returncode, 0, f"{path} calls a live server unhealthy: {live.stderr}")
        with open(script, encoding="utf-8") as f:
            self.assertIn("/_localorgs/health", f.read())
        # A process that listens on nothing (this test) is no healthy server.
        self.assertNotEqual(check(os.getpid()).returncode, 0)
        server.stop_cleanly()
        self.assertNotEqual(check(pid).returncode, 0, f"{path} calls a stopped server healthy")


class ComposeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(COMPOSE, encoding="utf-8") as f:
            cls.compose = yaml.safe_load(f)
        cls.service = cls.compose["services"]["localorgs"]
        cls.run_stage = read_dockerfile()[-1]

    def test_builds_this_repository_and_publishes_the_exposed_port(self):
        context = os.path.normpath(os.path.join(os.path.dirname(COMPOSE), self.service["build"]))
        self.assertEqual(context, REPO_ROOT)
        exposed = only(self.run_stage, "EXPOSE").args
        # The host port is LOCALORGS_HOST_PORT, by default the same as the container's.
        self.assertIn(f"127.0.0.1:${{LOCALORGS_HOST_PORT:-{exposed}}}:{exposed}", self.service["ports"])

    def test_healthcheck_is_the_images(self):
        flags, rest = only(self.run_stage, "HEALTHCHECK").flags_and_rest()
        self.assertEqual(self.service["healthcheck"]["test"], ["CMD", *json.loads(rest[len("CMD "):])])

    def mounted_config(self):
        """The host file mounted where LOCALORGS_CONFIG points inside the container."""
        inside = self.service["environment"]["LOCALORGS_CONFIG"]
        for volume in self.service["volumes"]:
            source, target, *mode = volume.split(":")
            if target == inside:
                self.assertEqual(mode, ["ro"], "the config is mounted read-only")
                host = os.path.normpath(os.path.join(os.path.dirname(COMPOSE), source))
                self.assertTrue(os.path.isfile(host), f"{source}: no such file next to compose.yaml")
                return host
        self.fail(f"nothing is mounted at LOCALORGS_CONFIG={inside}")

    def test_state_volume_is_the_images(self):
        volume = only(self.run_stage, "VOLUME").args
        self.assertIn(f"localorgs-state:{volume}", self.service["volumes"])
        self.assertIn("localorgs-state", self.compose["volumes"])

    def test_mounted_config_is_a_valid_localorgs_config(self):
        host = self.mounted_config()
        with open(host, encoding="utf-8") as f:
            config = json.load(f)
        # Started as compose starts it: the image's environment, then the service's, with the
        # config's path inside the container replaced by the file it is mounted from.
        env = {**env_of(self.run_stage), **{k: str(v) for k, v in self.service["environment"].items()},
               "LOCALORGS_CONFIG": host}
        server = ImageServer([], env)
        self.addCleanup(server.close)
        server.start()
        self.assertEqual(server.bound_host, "0.0.0.0")
        for account in config["Accounts"]:
            with self.subTest(account=account["Id"]):
                seen = server.http("GET", f"/_localorgs/accounts/{account['Id']}")
                self.assertEqual(seen.status, 200, seen)
                self.assertEqual((seen.json["Email"], seen.json["Name"]), (account["Email"], account["Name"]))
        # Its access key maps to its account: that caller can create an organization as that account.
        for cred in config.get("Credentials", []):
            with self.subTest(access_key=cred["AccessKeyId"]):
                org = make_client(server.url, cred["AccessKeyId"]).create_organization()["Organization"]
                self.assertEqual(org["MasterAccountId"], cred["AccountId"])
        server.stop_cleanly()


if __name__ == "__main__":
    harness.main()
