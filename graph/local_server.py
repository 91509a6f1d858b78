"""The local Neo4j server: build the Java launcher (Maven, cached), start, stop and find it."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graph.errors import ConfigError, DatabaseUnavailable, LocalServerError
from graph.settings import Settings

LAUNCHER_CLASS = "org.hilorojo.Launcher"
LAUNCHER_SOURCES = ("launcher/pom.xml", "launcher/src/main/java/org/hilorojo/Launcher.java")
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 90.0

# The JVM flags Neo4j's own neo4j.conf sets for Java 17 (server.jvm.additional).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class StartResult:
    """What ``db start`` did."""

    started: bool
    message: str
    pid: int | None = None
    log: Path | None = None


def _pid_file(settings: Settings) -> Path:
    return settings.home / "neo4j.pid"


def _log_file(settings: Settings) -> Path:
    return settings.home / "logs" / "launcher.log"


def running_pid(settings: Settings) -> int | None:
    """PID of the local server started from this home, if it is alive."""
    pid_file = _pid_file(settings)
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        pid_file.unlink(missing_ok=True)
        return None
    except PermissionError:
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and LAUNCHER_CLASS.encode() not in cmdline.read_bytes():
        pid_file.unlink(missing_ok=True)  # a stale pid reused by another program
        return None
    return pid


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _require(tool: str, what: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise LocalServerError(f"{tool} not found: it is needed to {what}", "install Java 17+ and Maven")
    return path


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    return int(match.group(1)) if match else 0


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for name in LAUNCHER_SOURCES:
        digest.update(resources.files("graph").joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def launcher_dir(settings: Settings) -> Path:
    return settings.cache / f"launcher-{_sources_digest()}"


def build_launcher(settings: Settings, quiet: bool = True) -> Path:
    """Build the launcher jar and copy Neo4j's jars (once per launcher version; Maven caches downloads)."""
    target = launcher_dir(settings)
    if (target / "launcher.jar").exists() and (target / "lib").is_dir():
        return target
    mvn = _require("mvn", "build the local Neo4j launcher")
    settings.cache.mkdir(parents=True, exist_ok=True)
    with open(settings.cache / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "launcher.jar").exists() and (target / "lib").is_dir():
            return target
        staging = settings.cache / f"src-{target.name}"
        shutil.rmtree(staging, ignore_errors=True)
        for name in LAUNCHER_SOURCES:
            dest = staging / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(resources.files("graph").joinpath(name).read_bytes())
        build = settings.cache / f"build-{target.name}"
        shutil.rmtree(build, ignore_errors=True)
        cmd = [mvn, "-B", "-f", str(staging / "launcher/pom.xml"), "package", f"-Dlauncher.build.dir={build}"]
        if quiet:
            cmd.insert(1, "-q")
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = [line for line in (proc.stdout + proc.stderr).splitlines() if "ERROR" in line][:1]
            raise LocalServerError(
                f"building the Neo4j launcher with Maven failed: {tail[0] if tail else proc.returncode}",
                f"run `mvn -f {staging / 'launcher/pom.xml'} package` to see the whole error",
            )
        target.mkdir(parents=True, exist_ok=True)
        shutil.move(str(build / "launcher.jar"), target / "launcher.jar")
        shutil.move(str(build / "lib"), target / "lib")
        shutil.rmtree(build, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _password(settings: Settings) -> str:
    """The neo4j user's password: NEO4J_PASSWORD, else one generated once and kept in the home (0600)."""
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)  # data, logs and password: owner only
    password = settings.password
    if password is None and settings.password_file.exists():
        password = settings.password_file.read_text(encoding="utf-8").strip()
    if password is None:
        password = secrets.token_urlsafe(24)
    if len(password) < 8:
        raise ConfigError("NEO4J_PASSWORD is shorter than 8 characters", "Neo4j requires at least 8")
    fd = os.open(settings.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file with looser permissions is narrowed before the password goes in
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    return password


def neo4j_conf(settings: Settings) -> str:
    """The Neo4j settings of the local server: loopback Bolt, auth on, no usage reports, sized memory."""
    address = f"{settings.host}:{settings.port}"
    lines = [
        "# Written by hilorojo on every start; edit HILOROJO_* variables instead.",
        f"server.default_listen_address={settings.host}",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address={address}",
        f"server.bolt.advertised_address={address}",
        "server.bolt.tls_level=DISABLED",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.memory.pagecache.size={settings.pagecache}",
        "dbms.memory.transaction.total.max=0",
        "db.tx_log.rotation.retention_policy=1 days",
        "dbms.security.procedures.unrestricted=",
        "db.logs.query.enabled=OFF",
        f"server.directories.import={settings.home / 'import'}",  # LOAD CSV reads files from here only
    ]
    return "\n".join(lines) + "\n"


def start(settings: Settings, wait: bool = True) -> StartResult:
    """Start the local server from ``settings.home`` in the background and wait until Bolt answers."""
    if not settings.is_local:
        return StartResult(
            False, f"NEO4J_URI={settings.uri} is a server Hilo Rojo does not run; nothing to start"
        )
    pid = running_pid(settings)
    if pid is not None:
        return StartResult(False, f"already running (pid {pid}) on {settings.uri}", pid, _log_file(settings))
    if port_open(settings.host, settings.port):
        return StartResult(
            False,
            f"something not started from {settings.home} already listens on {settings.uri}; "
            "Hilo Rojo will use it as it is",
        )
    java = _require("java", "run the local Neo4j")
    if _java_major(java) < 17:
        raise LocalServerError("Java 17 or newer is needed to run Neo4j 5.26", "install OpenJDK 17")
    launcher = build_launcher(settings)
    password = _password(settings)
    conf = settings.home / "conf" / "neo4j.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(neo4j_conf(settings), encoding="utf-8")
    log = _log_file(settings)
    log.parent.mkdir(parents=True, exist_ok=True)
    classpath = f"{launcher / 'launcher.jar'}{os.pathsep}{launcher / 'lib'}/*"
    cmd = [
        java,
        f"-Xms{min_heap(settings.heap)}",
        f"-Xmx{settings.heap}",
        *JVM_FLAGS,
        "-cp",
        classpath,
        LAUNCHER_CLASS,
        str(settings.home),
        str(conf),
    ]
    # The launcher reads the password from the file; NEO4J_PASSWORD stays out of the JVM's environment.
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    env["HILOROJO_PASSWORD_FILE"] = str(settings.password_file)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    _pid_file(settings).write_text(str(proc.pid))
    if wait:
        _wait_ready(settings, proc, password)
    return StartResult(True, f"Neo4j listening on {settings.uri}", proc.pid, log)


def min_heap(heap: str) -> str:
    """Initial heap: a quarter of the maximum, so that a small test server does not take it all at once."""
    match = re.fullmatch(r"(\d+)([kmgKMG]?)", heap.strip())
    if not match:
        raise ConfigError(f"HILOROJO_HEAP={heap!r} is not a Java memory size", "use e.g. 512m or 4g")
    number, unit = int(match.group(1)), match.group(2).lower() or ""
    megabytes = number * {"k": 1 / 1024, "m": 1, "g": 1024, "": 1 / (1024 * 1024)}[unit]
    return f"{max(64, int(megabytes / 4))}m"


def _wait_ready(settings: Settings, proc: subprocess.Popen[bytes], password: str) -> None:
    import neo4j  # local import: only the waiting needs the driver

    deadline = time.monotonic() + START_TIMEOUT_S
    driver = neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, password), connection_timeout=2.0)
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _pid_file(settings).unlink(missing_ok=True)
                raise LocalServerError(
                    f"Neo4j exited during start (code {proc.returncode}): {_last_error(settings)}",
                    f"see {_log_file(settings)}",
                )
            if _log_says_ready(settings) and port_open(settings.host, settings.port):
                try:
                    driver.verify_connectivity()
                    return
                except Exception:
                    pass
            time.sleep(0.5)
    finally:
        driver.close()
    raise LocalServerError(
        f"Neo4j did not answer on {settings.uri} within {START_TIMEOUT_S:.0f} s",
        f"see {_log_file(settings)}",
    )


def _log_says_ready(settings: Settings) -> bool:
    try:
        with open(_log_file(settings), "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 4096))
            tail = handle.read().decode("utf-8", "replace")
    except OSError:
        return False
    return tail.rfind("hilorojo-launcher: ready") > tail.rfind("hilorojo-launcher: shutting down")


def _last_error(settings: Settings) -> str:
    try:
        lines = _log_file(settings).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "no log"
    for line in reversed(lines):
        if "Exception" in line or "Error" in line:
            return line.strip()[:200]
    return lines[-1].strip()[:200] if lines else "no output"


def stop(settings: Settings) -> str:
    """Stop the local server started from this home (SIGTERM: a clean shutdown; SIGKILL after a timeout)."""
    pid = running_pid(settings)
    if pid is None:
        if settings.is_local and port_open(settings.host, settings.port):
            raise LocalServerError(
                f"the server on {settings.uri} was not started from {settings.home}",
                "stop it the way it was started",
            )
        return f"no local Neo4j running from {settings.home}"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not _alive(pid):
            _pid_file(settings).unlink(missing_ok=True)
            return f"stopped Neo4j (pid {pid})"
        time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    _pid_file(settings).unlink(missing_ok=True)
    return f"Neo4j (pid {pid}) did not stop within {STOP_TIMEOUT_S:.0f} s and was killed"


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        fields = stat.read_text().split(") ")
        if len(fields) > 1 and fields[1].startswith("Z"):
            return False
    return True


def ensure_running(settings: Settings) -> None:
    """Raise DatabaseUnavailable with a clear hint unless something answers on the URI's port."""
    if settings.is_local and not port_open(settings.host, settings.port):
        raise DatabaseUnavailable(
            f"nothing listens on {settings.uri}", "start the local server with `hilorojo db start`"
        )
