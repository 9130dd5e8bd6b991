"""The shipped artefacts: the single-file binary and the Debian package, as a branch installs them.

`make test-package` runs this (it builds both first, when stale); plain `make test` skips it,
because a build takes minutes. The .deb is unpacked into a temporary root with `dpkg-deb -x`
and everything runs from there: `branchline --version`, `init`, `doctor`, the branch set up with
the packaged CLI, `serve`, and a SIPp call answered by a test phone (that phone runs from the
venv: it stands for a desk phone, not for what is shipped). The maintainer scripts run too,
without root: $DPKG_ROOT points them at the temporary root and stand-ins for useradd, runuser
and friends on PATH record what they would have done.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import signal
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from appliance import __version__
from tests.support.audio import read_wav, tone_seconds
from tests.support.branch import Phone, free_port, wait_until
from tests.support.calls import CALLER_HZ, call_did

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / "dist" / "branchline"
DEB = REPO / "dist" / f"branchline_{__version__}_amd64.deb"
DATA = "var/lib/branchline"  # inside the root the package is unpacked into
AGENT_HZ = 2100
BUILD_TIMEOUT_S = 1500

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("BRANCHLINE_PACKAGE_TESTS") != "1",
        reason="builds the single binary and the .deb (minutes): run `make test-package`",
    ),
    pytest.mark.timeout(BUILD_TIMEOUT_S + 300),
]


@pytest.fixture(scope="module")
def deb() -> Path:
    """Both artefacts, built by `make package` (which does nothing when they are fresher than
    their sources, as under `make test-package`)."""
    result = subprocess.run(["make", "--no-print-directory", "package"], cwd=REPO, capture_output=True, text=True,
                            timeout=BUILD_TIMEOUT_S)
    assert result.returncode == 0, f"make package failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert BINARY.is_file() and DEB.is_file()
    return DEB


def unpack(deb: Path, where: Path) -> Path:
    """The package's files under `where` (as `dpkg -i` would lay them out) and its control files
    in `where`/DEBIAN."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(where)], check=True)
    subprocess.run(["dpkg-deb", "-e", str(deb), str(where / "DEBIAN")], check=True)
    return where


@pytest.fixture(scope="module")
def root(deb, tmp_path_factory) -> Path:
    return unpack(deb, tmp_path_factory.mktemp("root"))


def run(*command: str | Path, check: bool = True, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{shlex.join(map(str, command))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def unit_settings(path: Path) -> dict[str, list[str]]:
    """A systemd unit's settings: every value of each key (a key may repeat) across its sections."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


# ---- the .deb's metadata, files and unit ------------------------------------------------------


def test_the_deb_declares_itself_and_carries_the_binary_the_unit_and_the_scripts(deb, root):
    fields = run("dpkg-deb", "-f", deb, "Package", "Version", "Architecture", "Depends").stdout
    control = dict(line.split(": ", 1) for line in fields.splitlines())
    assert control["Package"] == "branchline"
    assert control["Version"] == __version__
    assert control["Architecture"] == "amd64"
    assert control["Depends"].startswith("libc6 (>= 2.")

    listing = {line.split()[-1]: line.split()[:2] for line in run("dpkg-deb", "-c", deb).stdout.splitlines()}
    assert listing["./usr/bin/branchline"] == ["-rwxr-xr-x", "root/root"]
    assert listing["./lib/systemd/system/branchline.service"] == ["-rw-r--r--", "root/root"]
    assert listing["./etc/default/branchline"] == ["-rw-r--r--", "root/root"]
    assert "./usr/share/doc/branchline/README.md" in listing
    assert not any(name.startswith("./var/") for name in listing), "postinst makes the data directory, owned by the service user"
    # The packaged binary is the one `make package` built.
    assert (root / "usr/bin/branchline").read_bytes() == BINARY.read_bytes()

    info = run("dpkg-deb", "-I", deb).stdout
    for script in ("postinst", "prerm", "postrm"):
        assert f" {script} " in info
        path = root / "DEBIAN" / script
        assert path.stat().st_mode & 0o777 == 0o755
        assert path.read_text().startswith("#!/bin/sh\n")
        run("sh", "-n", path)  # parses
    assert (root / "DEBIAN/conffiles").read_text().split() == ["/etc/default/branchline"]


def test_the_unit_runs_the_binary_as_its_own_user_confined_to_the_data_directory(root):
    unit = unit_settings(root / "lib/systemd/system/branchline.service")
    single = {key: values[-1] for key, values in unit.items()}
    assert (single["User"], single["Group"]) == ("branchline", "branchline")
    assert single["ProtectSystem"] == "strict"
    assert unit["ReadWritePaths"] == ["/var/lib/branchline"]
    assert single["AmbientCapabilities"] == "CAP_NET_BIND_SERVICE"
    assert single["CapabilityBoundingSet"] == "CAP_NET_BIND_SERVICE"
    assert single["NoNewPrivileges"] == "yes"
    assert single["PrivateTmp"] == "yes"
    # The one-file binary unpacks itself into $TMPDIR: a directory systemd makes writable, not /tmp.
    assert single["CacheDirectory"] == "branchline"
    assert "TMPDIR=/var/cache/branchline" in unit["Environment"]
    assert single["ExecStartPre"] == "/bin/sh -c 'rm -rf /var/cache/branchline/_MEI*'"
    assert (single["Restart"], single["KillSignal"], single["KillMode"]) == ("on-failure", "SIGTERM", "mixed")
    assert int(single["TimeoutStopSec"]) > 5  # the server hangs up calls and exits within 5 s of SIGTERM
    assert single["WantedBy"] == "multi-user.target"

    # ExecStart names the packaged binary, the data directory, and only options `serve` has.
    argv = single["ExecStart"].split()
    assert argv[:4] == ["/usr/bin/branchline", "--data", "/var/lib/branchline", "serve"]
    assert (root / argv[0].lstrip("/")).is_file()
    serve_help = run(root / "usr/bin/branchline", "serve", "--help").stdout
    options = [word for word in argv[4:] if word.startswith("--")]
    assert options == ["--bind", "--sip-port", "--http-port"]
    assert all(option in serve_help for option in options)
    # Every ${VARIABLE} it uses has a default in the unit and is set in /etc/default/branchline.
    used = {word[2:-1] for word in argv if word.startswith("${")}
    defaults = {pair.split("=")[0] for line in unit["Environment"] for pair in line.split()}
    assert {"BRANCHLINE_DATA", "TMPDIR"} <= defaults
    assert single["EnvironmentFile"] == "-/etc/default/branchline"
    configurable = {line.split("=")[0] for line in (root / "etc/default/branchline").read_text().splitlines()
                    if line and not line.startswith("#")}
    assert used == {"BRANCHLINE_BIND", "BRANCHLINE_SIP_PORT", "BRANCHLINE_HTTP_PORT"}
    assert used <= defaults and used == configurable
    assert "BRANCHLINE_SIP_PORT=5060" in (root / "etc/default/branchline").read_text().splitlines()


# ---- the packaged binary, run from the unpacked root -----------------------------------------


class PackagedServer:
    """`ROOT/usr/bin/branchline serve` on free loopback ports; `sip_port` is what call_did needs."""

    def __init__(self, binary: Path, data: Path, workdir: Path) -> None:
        self.sip_port = free_port()
        self.http_port = free_port(socket.SOCK_STREAM)
        self.log = workdir / "serve.log"
        # The one-file binary unpacks itself into $TMPDIR: a folder of the test's own, to see it cleaned up.
        self.tmpdir = workdir / "runtime-tmp"
        self.tmpdir.mkdir()
        self.proc = subprocess.Popen(
            [str(binary), "--data", str(data), "serve", "--bind", "127.0.0.1",
             "--sip-port", str(self.sip_port), "--http-port", str(self.http_port)],
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, cwd=workdir, env={**_clean_env(), "TMPDIR": str(self.tmpdir)},
        )

    def health(self) -> dict | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"the packaged server exited with {self.proc.returncode}:\n{self.log.read_text()}")
        import urllib.request

        try:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(f"http://127.0.0.1:{self.http_port}/healthz", timeout=2) as response:
                return json.loads(response.read())
        except (OSError, ValueError):
            return None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(20)


def _clean_env() -> dict[str, str]:
    """This environment without the venv's traces: the binary must not need them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "BRANCHLINE_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def test_the_packaged_binary_initialises_checks_serves_and_answers_a_sipp_call(root, tmp_path):
    binary = root / "usr/bin/branchline"
    data = tmp_path / "data"

    def bl(*args: str, **kwargs) -> subprocess.CompletedProcess:
        return run(binary, "--data", data, *args, cwd=tmp_path, env=_clean_env(), **kwargs)

    assert run(binary, "--version", cwd=tmp_path, env=_clean_env()).stdout.strip() == f"branchline, version {__version__}"

    init = bl("init").stdout
    assert f"Created Branchline data in {data}." in init
    assert "Admin user: admin  password: " in init

    doctor = bl("doctor")  # exit 0: nothing failed
    for check in ("data directory", "database", "prompts", "SIP engine"):
        assert f"[ok  ] {check}:" in doctor.stdout, doctor.stdout
    assert "schema version" in doctor.stdout and "up to date" in doctor.stdout  # migrations came with the binary

    bl("trunk", "add", "local", "--gateway", "127.0.0.1")
    bl("queue", "add", "general", "--skill", "general", "--ring-timeout", "5", "--wrapup", "1", "--max-wait", "30")
    bl("did", "add", "100", "--queue", "general")
    bl("agent", "add", "ann", "--name", "Ann Lee", "--skill", "general:5")
    desk = Phone(tmp_path, "--tone", str(AGENT_HZ), "--answer-delay", "0.3", user="desk1")
    server = None
    try:
        bl("seat", "add", "desk-1", "--phone", desk.uri)
        server = PackagedServer(binary, data, tmp_path)
        health = wait_until(server.health, 30, "the packaged server's /healthz")
        assert health["status"] == "ok" and health["engine"]["state"] == "running"
        assert health["engine"]["sip_port"] == server.sip_port

        # The web assets came with the binary: the agent desktop's page is served.
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{server.http_port}/desktop/", timeout=5) as page:
            assert page.status == 200 and b"<html" in page.read().lower()

        bl("agent", "login", "ann", "--seat", "desk-1")
        bl("agent", "ready", "ann")
        # The shipped welcome prompt (about 6 s) plays first, then the agent's phone rings.
        result, heard = call_did(server, tmp_path / "sipp", "call_caller_hangs_up.xml", talk_ms=12000, timeout_s=40)
        assert result.succeeded, result.summary()

        assert desk.wait_for("incoming", 5)["caller"] == "sipp"
        ended = desk.wait_for("ended", 10)
        assert ended["status"] == 200
        agent_heard, rate = read_wav(ended["recording"])
        assert tone_seconds(agent_heard, rate, CALLER_HZ) >= 1.0, "the caller's voice did not reach the agent"
        assert tone_seconds(heard, 8000, AGENT_HZ) >= 1.0, "the agent's voice did not reach the caller"
        first_seconds = heard[: 8000 * 3]
        rms = math.sqrt(sum(s * s for s in first_seconds) / max(1, len(first_seconds)))
        assert rms > 100, "the caller heard silence where the shipped welcome prompt plays"

        def ended_calls():
            calls = json.loads(bl("calls", "--json").stdout)
            return calls if calls and all(c["ended_at"] for c in calls) else None

        [record] = wait_until(ended_calls, 10, "the call's record")
        assert (record["did"], record["trunk"], record["queue"]) == ("100", "local", "general")
        assert (record["agent_id"], record["seat"]) == ("ann", "desk-1")
        assert (record["ended_by"], record["end_reason"]) == ("caller", "caller hung up")

        assert server.stop() == 0, server.log.read_text()
        assert list(server.tmpdir.iterdir()) == [], "the binary left its unpacked files behind"
    finally:
        if server is not None:
            server.stop()
        desk.close()


# ---- the maintainer scripts, without root ----------------------------------------------------

STUB = """#!/bin/sh
# Stand-in for {name}: records the call; see test_package.py.
echo "{name} $*" >> "$STUB_LOG"
{body}
"""
STUB_BODIES = {
    # The account exists once useradd/groupadd has "made" it.
    "getent": 'test -e "$STUB_STATE/$1-$2"',
    "groupadd": 'eval last=\\${$#}; touch "$STUB_STATE/group-$last"',
    "useradd": 'eval last=\\${$#}; touch "$STUB_STATE/passwd-$last"',
    "userdel": 'rm -f "$STUB_STATE/passwd-$1"',
    "groupdel": 'rm -f "$STUB_STATE/group-$1"',
    "chown": "exit 0",
    # runuser -u USER -- COMMAND...: runs COMMAND as whoever runs the test.
    "runuser": 'while [ "$1" != "--" ]; do shift; done; shift; exec "$@"',
    # Nothing may touch the machine's systemd from a test root.
    "systemctl": "exit 99",
}


def maintainer_env(tmp_path: Path, root: Path) -> tuple[dict[str, str], Path]:
    stubs = tmp_path / "stubs"
    state = tmp_path / "stub-state"
    stubs.mkdir()
    state.mkdir()
    for name, body in STUB_BODIES.items():
        path = stubs / name
        path.write_text(STUB.format(name=name, body=body))
        path.chmod(0o755)
    log = tmp_path / "stub.log"
    log.touch()
    env = {**_clean_env(), "DPKG_ROOT": str(root), "STUB_LOG": str(log), "STUB_STATE": str(state),
           "PATH": f"{stubs}{os.pathsep}{_clean_env()['PATH']}"}
    return env, log


def test_maintainer_scripts_install_upgrade_remove_and_purge(deb, tmp_path):
    root = unpack(deb, tmp_path / "root")
    env, log = maintainer_env(tmp_path, root)
    data = root / DATA

    def script(name: str, *args: str) -> subprocess.CompletedProcess:
        return run("sh", root / "DEBIAN" / name, *args, env=env, cwd=tmp_path)

    # First install: user, data directory, `branchline init` as that user, the password's file.
    first = script("postinst", "configure", "")
    calls = log.read_text().splitlines()
    assert "groupadd --system branchline" in calls
    assert any(c.startswith("useradd --system --gid branchline --home-dir /var/lib/branchline") and c.endswith(" branchline")
               for c in calls), calls
    assert f"chown branchline:branchline {data}" in calls
    assert f"runuser -u branchline -- {root}/usr/bin/branchline --data {data} init" in calls
    assert not any(c.startswith("systemctl") for c in calls), "no systemd runs in a test root"
    assert stat.S_IMODE(data.stat().st_mode) == 0o750
    cache = root / "var/cache/branchline"  # where the binary unpacks itself when postinst runs it
    assert f"chown branchline:branchline {cache}" in calls
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700 and list(cache.iterdir()) == []
    assert (data / "branchline.db").is_file()
    password_file = data / "initial-admin-password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    [password] = [line.split(": ", 1)[1] for line in password_file.read_text().splitlines() if line.startswith("password: ")]
    assert "/var/lib/branchline/initial-admin-password" in first.stdout
    assert password not in first.stdout + first.stderr, "the password must not land in apt's log"
    _assert_admin_password(data / "branchline.db", password)

    # Upgrade over the data: a backup first, then `branchline migrate`; the admin is untouched.
    prerm = script("prerm", "upgrade", "0.2.0")
    assert prerm.stdout == ""
    upgrade = script("postinst", "configure", "0.0.9")
    [backup] = (data / "backups").glob("branchline-*-before-upgrade-from-0.0.9.db")
    assert f"backed up the database to /var/lib/branchline/backups/{backup.name}" in upgrade.stdout
    assert "The database is up to date." in upgrade.stdout
    assert f"runuser -u branchline -- {root}/usr/bin/branchline --data {data} migrate" in log.read_text()
    assert _schema_version(backup) == _schema_version(data / "branchline.db") > 0
    _assert_admin_password(data / "branchline.db", password)
    assert f"password: {password}" in password_file.read_text()  # an upgrade leaves the first install's file alone

    # Removal keeps the data and the user; purge deletes both.
    script("prerm", "remove")
    removed = script("postrm", "remove")
    assert "kept in /var/lib/branchline" in removed.stdout
    assert (data / "branchline.db").is_file() and not log.read_text().count("userdel")
    script("postrm", "purge")
    assert not data.exists() and not cache.exists()
    assert "userdel branchline" in log.read_text() and "groupdel branchline" in log.read_text()
    assert not any(line.startswith("systemctl") for line in log.read_text().splitlines())


def _schema_version(database: Path) -> int:
    import apsw

    conn = apsw.Connection(str(database), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        return conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    finally:
        conn.close()


def _assert_admin_password(database: Path, password: str) -> None:
    import apsw
    from argon2 import PasswordHasher

    conn = apsw.Connection(str(database), flags=apsw.SQLITE_OPEN_READONLY)
    try:
        [(stored,)] = conn.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchall()
    finally:
        conn.close()
    assert PasswordHasher().verify(stored, password), "the password in the file does not sign the admin in"
