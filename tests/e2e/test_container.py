"""The Docker image for real (issue 12 items 4 and 5): built from the repository's Dockerfile with
rootful Podman, without a container registry, then run and driven with the AWS CLI.

Once for the whole file: tools/base-image makes debian:bookworm and debian:bookworm-slim with
debootstrap from the Debian mirror of this machine's apt sources, then `podman build --format
docker` builds the Dockerfile unchanged (its build stage compiles the project with tools/build:
minutes on 2 cores). The tests then:

- run the image on a named volume, wait for its ready line, drive the invitation flow with the AWS
  CLI through the published port, see `podman healthcheck run` call it healthy, see the server run
  as the user localorgs, stop it (exit code 0 on SIGTERM), and find the organization and its member
  again in a new container on the same volume;
- start the image with `--port 5000` and with `--port 0` while its LOCALORGS_PORT says 4566: the
  health check must find the port the server really listens on; a container of the image where no
  server runs is unhealthy;
- bring up docker/compose.yaml with podman-compose on LOCALORGS_HOST_PORT and reach the server,
  with the compose file's config, through the published port.

Nothing of it stays on the machine. Podman's storage, run state and network configs live in a
temporary folder (CONTAINERS_STORAGE_CONF and CONTAINERS_CONF point there); every container runs in
a network namespace of the test's own, so bridges, firewall rules and published ports never reach
the machine's (only the build, which needs the Debian mirror, uses the machine's network, with
--network host: no bridge); what rootful Podman writes outside its configured folders (/run/runc,
/run/netns, /run/containers, /var/lib/containers) is removed when the test created it. The end
checks that no container, volume, network, image, mount or process is left, and fails if one is.

The containers.conf is what this kind of machine needs: runc (crun refuses a hybrid cgroup
layout), cgroupfs (no systemd), events in a file, and default ulimits within what Podman itself
may set (open files: the hard limit; processes: the hard limit but at most pid_max, to which
Podman lowers its own).
"""

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import (CLI_TIMEOUT, ORG_ID, READY_LINE, REPO_ROOT, clean_env, cli_env,  # noqa: E402
                     cli_service_error_rc, require)

BASE_IMAGE_TIMEOUT = 600  # seconds for tools/base-image (debootstrap downloads ~100 packages)
BUILD_TIMEOUT = 1500  # seconds for the image build (apt-get and a full compile inside)
PODMAN_TIMEOUT = 120  # seconds for one other podman or podman-compose command
READY_TIMEOUT = 60  # seconds until a container's ready line must have appeared
STOP_TIMEOUT = 10  # seconds `podman stop` waits after SIGTERM before it kills

IMAGE = "localorgs"
MANAGEMENT, INVITEE = "111111111111", "222222222222"
COMPOSE = os.path.join(REPO_ROOT, "docker", "compose.yaml")
COMPOSE_CONFIG = os.path.join(REPO_ROOT, "docker", "localorgs.json")
COMPOSE_PROJECT = "lotest"  # podman-compose names: lotest_localorgs (image), lotest_localorgs_1, ...

# Where rootful Podman, runc and netavark write whatever the configuration says: runc's state,
# the bind mount that holds network namespaces, netavark's IP allocations, the blob info cache.
PODMAN_HOST_PATHS = ("/run/runc", "/run/netns", "/run/containers", "/var/lib/containers")
NETAVARK_DIRS = ("/usr/libexec/podman", "/usr/lib/podman", "/usr/local/libexec/podman", "/usr/local/lib/podman")


# --- a private rootful Podman ---------------------------------------------------------------------

def _die_with_parent():
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def hard_limit(which, cap):
    hard = resource.getrlimit(which)[1]
    return cap if hard == resource.RLIM_INFINITY else min(hard, cap)


class Engine:
    """Podman with a store, run state and network configs of its own in a temporary folder, and a
    network namespace of its own for every container (held by a `sleep` that dies with the test)."""

    def __init__(self):
        self.created_host_paths = [p for p in PODMAN_HOST_PATHS if not os.path.lexists(p)]
        self.dir = tempfile.mkdtemp(prefix="localorgs-container-")
        self.holder = None
        self.netns_id = None
        try:
            self._set_up()
        except BaseException:
            self.close()
            raise

    def _set_up(self):
        self.root = os.path.join(self.dir, "root")
        self.runroot = os.path.join(self.dir, "run")
        self.timings = {}
        storage_conf = os.path.join(self.dir, "storage.conf")
        with open(storage_conf, "w", encoding="utf-8") as f:
            f.write(f'[storage]\ndriver = "overlay"\ngraphroot = "{self.root}"\nrunroot = "{self.runroot}"\n')
        with open("/proc/sys/kernel/pid_max", encoding="utf-8") as f:
            pid_max = int(f.read())
        nofile = hard_limit(resource.RLIMIT_NOFILE, 1048576)
        nproc = hard_limit(resource.RLIMIT_NPROC, pid_max)
        containers_conf = os.path.join(self.dir, "containers.conf")
        with open(containers_conf, "w", encoding="utf-8") as f:
            f.write(f'[containers]\ndefault_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
                    f'[network]\nnetwork_backend = "netavark"\n'
                    f'network_config_dir = "{os.path.join(self.dir, "networks")}"\n'
                    f'[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
                    f'tmp_dir = "{os.path.join(self.dir, "tmp")}"\n')
        self.env = clean_env({"CONTAINERS_CONF": containers_conf, "CONTAINERS_STORAGE_CONF": storage_conf})
        for name in ("CONTAINER_HOST", "CONTAINER_CONNECTION", "DOCKER_HOST", "BUILDAH_FORMAT",
                     "LOCALORGS_HOST_PORT"):
            self.env.pop(name, None)
        own_netns = os.readlink("/proc/self/ns/net")
        self.holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "infinity"], stdin=subprocess.DEVNULL,
                                       start_new_session=True, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.netns_id = os.readlink(f"/proc/{self.holder.pid}/ns/net")
            except OSError:
                self.netns_id = own_netns
            if self.netns_id != own_netns:
                break
            if time.monotonic() > deadline or self.holder.poll() is not None:
                raise AssertionError("unshare --net did not make a network namespace")
            time.sleep(0.02)
        self.netns = ["nsenter", f"--net=/proc/{self.holder.pid}/ns/net"]
        self.run(["ip", "link", "set", "lo", "up"])

    # --- commands ---------------------------------------------------------------------------------

    def run(self, argv, timeout=PODMAN_TIMEOUT, check=True, host_network=False, env=None, log=None):
        """Runs argv in the test's network namespace (or the machine's) with the private Podman
        configuration; returns the CompletedProcess, and with `check` asserts exit code 0."""
        argv = list(argv) if host_network else [*self.netns, *argv]
        out = open(log, "w", encoding="utf-8") if log else None
        try:
            p = subprocess.run(argv, stdout=out or subprocess.PIPE, stderr=subprocess.STDOUT if out else subprocess.PIPE,
                               text=True, timeout=timeout, stdin=subprocess.DEVNULL, env={**self.env, **(env or {})},
                               cwd=self.dir)
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"{argv} did not finish within {timeout} s") from e
        finally:
            if out:
                out.close()
        if check and p.returncode != 0:
            detail = tail(log) if log else f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
            raise AssertionError(f"{argv} exited {p.returncode}:\n{detail}")
        return p

    def podman(self, *args, **kw):
        return self.run(["podman", *args], **kw)

    def out(self, *args, **kw):
        return self.podman(*args, **kw).stdout.strip()

    def cli(self, url, account, *args):
        """`aws organizations ARGS` as `account` (dummy secret) in the containers' network namespace."""
        argv = [*self.netns, "aws", "organizations", *args, "--endpoint-url", url, "--output", "json"]
        try:
            p = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL,
                               env=cli_env(account, "us-east-1"))
        except subprocess.TimeoutExpired as e:
            raise AssertionError(f"aws CLI did not finish within {CLI_TIMEOUT} s: {argv}") from e
        return p

    def cli_ok(self, url, account, *args):
        p = self.cli(url, account, *args)
        if p.returncode != 0:
            raise AssertionError(f"aws organizations {' '.join(args)} as {account} exited {p.returncode}:\n{p.stderr}")
        return json.loads(p.stdout)

    # --- the image --------------------------------------------------------------------------------

    def build(self):
        base = [os.path.join(REPO_ROOT, "tools", "base-image"), "--root", self.root, "--runroot", self.runroot]
        t0 = time.monotonic()
        self.run(base, timeout=BASE_IMAGE_TIMEOUT, host_network=True, log=os.path.join(self.dir, "base-image.log"))
        self.timings["base image"] = time.monotonic() - t0
        ids = self.out("image", "inspect", "--format", "{{.Id}}", "debian:bookworm", "debian:bookworm-slim").split()
        if len(ids) != 2 or ids[0] != ids[1]:
            raise AssertionError(f"tools/base-image made {ids}, expected one image with both names")
        # A second run finds both images and changes nothing.
        again = self.run(base, timeout=60, host_network=True)
        now = self.out("image", "inspect", "--format", "{{.Id}}", "debian:bookworm").split()
        if again.stdout or again.stderr or now != ids[:1]:
            raise AssertionError(f"tools/base-image run again did something: {again}; images {now} were {ids[:1]}")

        # --format docker keeps HEALTHCHECK (OCI images have none); --network host: the build's
        # apt-get needs the mirror, and the machine's network needs no bridge for it.
        t0 = time.monotonic()
        self.run(["podman", "build", "--format", "docker", "--network", "host", "--pull=never", "-t", IMAGE, REPO_ROOT],
                 timeout=BUILD_TIMEOUT, host_network=True, log=os.path.join(self.dir, "build.log"))
        self.timings["image build"] = time.monotonic() - t0
        print("; ".join(f"{k}: {v:.0f} s" for k, v in self.timings.items()), file=sys.stderr)

    # --- containers -------------------------------------------------------------------------------

    def wait_ready(self, name):
        """The (host, port) of the container's ready line, which must come within READY_TIMEOUT."""
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            logs = self.podman("logs", name, check=False)
            for line in logs.stdout.splitlines():
                m = READY_LINE.match(line.strip())
                if m:
                    return m["host"], int(m["port"])
            state = self.out("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name)
            if not state.startswith("running") or time.monotonic() > deadline:
                raise AssertionError(f"{name}: no ready line (state {state}); output:\n"
                                     f"{logs.stdout[-3000:]}\n{logs.stderr[-3000:]}")
            time.sleep(0.2)

    def health(self, name):
        """(exit code of `podman healthcheck run`, its output, the health status podman records)."""
        p = self.podman("healthcheck", "run", name, check=False)
        status = self.out("inspect", "--format", "{{.State.Health.Status}}", name)
        return p.returncode, (p.stdout + p.stderr).strip(), status

    # --- cleanup ----------------------------------------------------------------------------------

    def _remove_podman_objects(self, leaks):
        left = {what: self.podman(*cmd, check=False).stdout.split()
                for what, cmd in (("containers", ("ps", "-a", "--format", "{{.Names}}")),
                                  ("volumes", ("volume", "ls", "-q")), ("pods", ("pod", "ls", "-q")),
                                  ("networks", ("network", "ls", "--format", "{{.Name}}")))}
        left["networks"] = [n for n in left["networks"] if n != "podman"]  # Podman's default, never on disk
        leaks += [f"a test left {what}: {names}" for what, names in left.items() if names]
        self.podman("rm", "--all", "--force", "--volumes", "--time", "0", check=False)
        self.podman("pod", "rm", "--all", "--force", check=False)
        reset = self.podman("system", "reset", "--force", check=False)
        if reset.returncode != 0:
            leaks.append(f"podman system reset failed: {reset.stdout}{reset.stderr}")

    def close(self):
        """Removes everything; raises if anything was left behind by a test or could not be removed."""
        leaks = []
        try:
            if self.holder is None or self.holder.poll() is not None:
                leaks.append("the test's network namespace was gone before the cleanup")
            else:
                self._remove_podman_objects(leaks)
        finally:
            if self.holder is not None:
                self.holder.kill()
                self.holder.wait()
            for pid in (p for p in os.listdir("/proc") if p.isdigit()):
                try:
                    if os.readlink(f"/proc/{pid}/ns/net") == self.netns_id:
                        leaks.append(f"process {pid} still runs in the test's network namespace")
                        os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            mounts = [m for m in mount_points() if m.startswith(self.dir + "/")]
            for mount in sorted(mounts, reverse=True):
                leaks.append(f"still mounted: {mount}")
                subprocess.run(["umount", "-l", mount], check=False)
            shutil.rmtree(self.dir, ignore_errors=True)
            for path in self.created_host_paths:
                # Podman makes /run/netns a bind mount of itself (os.path.ismount cannot tell).
                while path in mount_points():
                    if subprocess.run(["umount", path], check=False).returncode != 0:
                        leaks.append(f"cannot unmount {path}")
                        break
                if path in ("/run/runc", "/run/netns"):
                    try:
                        os.rmdir(path)  # empty once every container is gone
                    except FileNotFoundError:
                        pass
                    except OSError as e:
                        leaks.append(f"{path}: {e}")
                else:
                    shutil.rmtree(path, ignore_errors=True)
        if leaks:
            raise AssertionError("left behind:\n" + "\n".join(leaks))


def mount_points():
    with open("/proc/mounts", encoding="utf-8") as f:
        return [line.split()[1] for line in f]


def tail(path, n=60):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def netavark_installed():
    return any(os.access(os.path.join(d, "netavark"), os.X_OK) for d in NETAVARK_DIRS)


# --- tests ----------------------------------------------------------------------------------------

class ContainerTest(unittest.TestCase):
    engine = None
    build_error = None

    def setUp(self):
        require(self, os.geteuid() == 0, "rootful Podman needs root")
        for tool in ("podman", "podman-compose", "runc", "debootstrap", "aws", "nsenter", "unshare", "ip"):
            require(self, shutil.which(tool) is not None, f"{tool} is not installed (tools/deps --test installs it)")
        require(self, netavark_installed(), "netavark is not installed (tools/deps --test installs it)")
        cls = type(self)
        if cls.build_error is not None:
            self.fail(f"the image could not be built: {cls.build_error}")
        if cls.engine is None:
            cls.engine = Engine()
            cls.addClassCleanup(cls.engine.close)
            try:
                cls.engine.build()
            except Exception as e:
                cls.build_error = e
                raise
        self.engine = cls.engine

    def start(self, name, *args, publish=None, options=()):
        """Starts IMAGE as container `name` with `args` for localorgs; removed (with its anonymous
        volumes) after the test. `publish` (host port, container port) on 127.0.0.1."""
        argv = ["run", "--detach", "--name", name, *options]
        if publish:
            argv += ["--publish", f"127.0.0.1:{publish[0]}:{publish[1]}"]
        self.addCleanup(self.engine.podman, "rm", "--force", "--volumes", "--time", "0", name, check=False)
        self.engine.podman(*argv, IMAGE, *args)
        return name

    def stop(self, name):
        """Stops the container as `podman stop` does (SIGTERM): localorgs must exit with 0."""
        t0 = time.monotonic()
        self.engine.podman("stop", "--time", str(STOP_TIMEOUT), name, timeout=STOP_TIMEOUT + PODMAN_TIMEOUT)
        self.assertLess(time.monotonic() - t0, STOP_TIMEOUT, f"{name} did not stop on SIGTERM")
        code = self.engine.out("inspect", "--format", "{{.State.ExitCode}}", name)
        self.assertEqual(code, "0", f"{name} exited {code} after SIGTERM:\n{self.engine.podman('logs', name).stderr}")

    def assertHealthy(self, name):
        code, output, status = self.engine.health(name)
        self.assertEqual((code, status), (0, "healthy"), f"{name}: podman healthcheck run said {output!r}")

    def test_invitation_flow_health_user_stop_and_state_on_the_volume(self):
        e = self.engine
        e.podman("volume", "create", "state")
        self.addCleanup(e.podman, "volume", "rm", "--force", "state", check=False)
        volume = ("--volume", "state:/var/lib/localorgs")
        first = self.start("first", publish=(4566, 4566), options=volume)
        self.assertEqual(e.wait_ready(first), ("0.0.0.0", 4566))  # the image's LOCALORGS_HOST and _PORT
        url = "http://127.0.0.1:4566"

        org = e.cli_ok(url, MANAGEMENT, "create-organization")["Organization"]
        self.assertRegex(org["Id"], ORG_ID)
        self.assertEqual(org["MasterAccountId"], MANAGEMENT)
        invited = e.cli_ok(url, MANAGEMENT, "invite-account-to-organization",
                           "--target", f"Id={INVITEE},Type=ACCOUNT")["Handshake"]
        self.assertEqual(invited["State"], "OPEN", invited)
        accepted = e.cli_ok(url, INVITEE, "accept-handshake", "--handshake-id", invited["Id"])["Handshake"]
        self.assertEqual((accepted["Id"], accepted["State"]), (invited["Id"], "ACCEPTED"))
        accounts = {a["Id"]: a for a in e.cli_ok(url, MANAGEMENT, "list-accounts")["Accounts"]}
        self.assertEqual(set(accounts), {MANAGEMENT, INVITEE})
        self.assertEqual(accounts[INVITEE]["JoinedMethod"], "INVITED")

        self.assertHealthy(first)

        # The server (the container's process 1, the entrypoint) runs as localorgs, not root.
        top = e.out("top", first, "pid", "user", "comm").splitlines()
        self.assertIn(["1", "localorgs", "localorgs"], [line.split() for line in top[1:]], top)
        host_pid = e.out("inspect", "--format", "{{.State.Pid}}", first)
        with open(f"/proc/{host_pid}/status", encoding="utf-8") as f:
            uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)", f.read(), re.M).groups()
        self.assertEqual(uids[0], uids[1])
        self.assertNotEqual(uids[0], "0", "the server runs as root")
        self.assertEqual(e.out("exec", first, "id", "-u", "localorgs"), uids[0])

        self.stop(first)

        second = self.start("second", publish=(4566, 4566), options=volume)
        e.wait_ready(second)
        again = e.cli_ok(url, MANAGEMENT, "describe-organization")["Organization"]
        self.assertEqual(again["Id"], org["Id"])
        accounts = {a["Id"]: a for a in e.cli_ok(url, MANAGEMENT, "list-accounts")["Accounts"]}
        self.assertEqual(set(accounts), {MANAGEMENT, INVITEE})
        self.assertEqual((accounts[INVITEE]["JoinedMethod"], accounts[INVITEE]["Status"]), ("INVITED", "ACTIVE"))
        member_view = e.cli_ok(url, INVITEE, "describe-organization")["Organization"]
        self.assertEqual(member_view["Id"], org["Id"])
        self.stop(second)

    def test_health_check_finds_the_port_given_on_the_command_line(self):
        e = self.engine
        # The image's LOCALORGS_PORT says 4566; the command line wins, and so must the health check.
        flag = self.start("port-flag", "--port", "5000", publish=(5000, 5000))
        self.assertEqual(e.wait_ready(flag), ("0.0.0.0", 5000))
        self.assertEqual(e.out("exec", flag, "printenv", "LOCALORGS_PORT"), "4566")
        self.assertHealthy(flag)
        # It is the server that answers there: an account in no organization gets the service's error.
        p = e.cli("http://127.0.0.1:5000", "333333333333", "describe-organization")
        self.assertEqual(p.returncode, cli_service_error_rc(), p.stderr)
        self.assertIn("AWSOrganizationsNotInUseException", p.stderr)

        free = self.start("port-zero", "--port", "0")
        _, port = e.wait_ready(free)
        self.assertNotIn(port, (0, 4566))
        self.assertHealthy(free)

        # Where no server listens, the same image is unhealthy.
        idle = self.start("no-server", "600", options=("--entrypoint", "sleep"))
        code, output, _ = e.health(idle)
        self.assertNotEqual(code, 0, output)
        self.assertIn("unhealthy", output)

    def test_compose_publishes_on_LOCALORGS_HOST_PORT(self):
        e = self.engine
        with open(COMPOSE_CONFIG, encoding="utf-8") as f:
            config = json.load(f)
        credential = config["Credentials"][0]
        owner = next(a for a in config["Accounts"] if a["Id"] == credential["AccountId"])
        # The image built above is the one compose would build: no second build.
        e.podman("tag", IMAGE, f"{COMPOSE_PROJECT}_localorgs")
        compose = ["podman-compose", "--project-name", COMPOSE_PROJECT, "--file", COMPOSE]
        host_port = 4567  # not 4566: the variable must be what decides
        self.addCleanup(e.podman, "network", "rm", "--force", f"{COMPOSE_PROJECT}_default", check=False)
        self.addCleanup(e.run, [*compose, "down", "--volumes"], check=False)
        e.run([*compose, "up", "--detach"], env={"LOCALORGS_HOST_PORT": str(host_port)})
        name = f"{COMPOSE_PROJECT}_localorgs_1"
        self.assertEqual(e.out("inspect", "--format", "{{.Image}}", name),
                         e.out("image", "inspect", "--format", "{{.Id}}", IMAGE))
        self.assertEqual(e.wait_ready(name), ("0.0.0.0", 4566))
        self.assertEqual(e.out("port", name), f"4566/tcp -> 127.0.0.1:{host_port}")

        # The compose file's config is in effect: its access key is its account, with its email.
        url = f"http://127.0.0.1:{host_port}"
        org = e.cli_ok(url, credential["AccessKeyId"], "create-organization")["Organization"]
        self.assertEqual((org["MasterAccountId"], org["MasterAccountEmail"]), (owner["Id"], owner["Email"]))
        self.assertHealthy(name)

        e.run([*compose, "down", "--volumes"])
        label = f"label=io.podman.compose.project={COMPOSE_PROJECT}"
        self.assertEqual(e.out("ps", "--all", "--quiet", "--filter", label), "")
        self.assertEqual(e.out("volume", "ls", "--quiet", "--filter", label), "")


if __name__ == "__main__":
    harness.main()
