"""The production shape, started for real: DEBUG off, gunicorn with threaded workers, static files through
whitenoise after collectstatic, a Celery worker and beat, against the test run's PostgreSQL and Redis.
A member of staff signs in, loads a page and its static assets, and a task goes through the worker."""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, TownshipFactory, make_staff
from township.celery import app
from township.launch import free_port
from township.org.roles import Role

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90


def database_url() -> str:
    """The URL of the test database, which the servers below must share with this test."""
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "", db["PORT"] or ""
    # django-environ keeps a socket directory (and other URL parameters) in OPTIONS
    query = {key: str(value) for key, value in db["OPTIONS"].items()}
    if host.startswith("/"):
        query["host"], host = host, ""
    netloc = f"{user}{password}@{host}{f':{port}' if port else ''}"
    return f"postgres://{netloc}/{db['NAME']}" + (f"?{urllib.parse.urlencode(query)}" if query else "")


class Servers:
    """Child processes with the production settings; their output goes to log files shown on failure."""

    def __init__(self, tmp_path: Path):
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "PYTEST_", "PORTAL_TEST"))
        } | {
            "DJANGO_SETTINGS_MODULE": "township.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "ALLOWED_HOSTS": "127.0.0.1",
            # no TLS proxy in front of this test: the production defaults otherwise, plain-HTTP cookies
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "NOTIFY_OUTBOX_DIR": str(tmp_path / "outbox"),
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], env=self.env, cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, name: str, args: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("w")
        self.children.append((name, subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log, stderr=log)))

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def all_logs(self) -> str:
        return "\n".join(f"---- {name} ----\n{self.log(name)}" for name, _ in self.children)

    def assert_running(self) -> None:
        for name, proc in self.children:
            assert proc.poll() is None, f"{name} exited with {proc.returncode}\n{self.all_logs()}"

    def stop(self) -> None:
        for _name, proc in self.children:
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in self.children:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def servers(tmp_path):
    servers = Servers(tmp_path)
    yield servers
    servers.stop()


def wait_for(condition, servers: Servers, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        servers.assert_running()
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} within {timeout:.0f}s\n{servers.all_logs()}")


class Browser:
    """Just enough of a browser: cookies, redirects, and the CSRF token from the page's form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str):
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.status, dict(response.headers), response.read(), response.url

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, data=body, timeout=20) as response:
            return response.status, response.read().decode(), response.url


def healthz(base: str) -> dict:
    """/healthz's report, also when it answers 503; {} while the server does not answer."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - our server
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read())
    except OSError:
        return {}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_production_shape_serves_pages_static_files_and_tasks(servers):
    app.control.purge()  # tasks queued by earlier tests in this process must not reach the new worker
    township = TownshipFactory(name="青石镇")
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township, username="smoke-admin")
    # the servers run the production password hashers, not the tests' fast one
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8))
    admin.save(update_fields=["password"])

    servers.manage("collectstatic", "--noinput")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    servers.start(
        "web",
        [sys.executable, "-m", "gunicorn", "township.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
    )
    servers.start(
        "worker",
        [sys.executable, "-m", "celery", "-A", "township", "worker", "-l", "INFO", "--concurrency", "1"]
        + ["-n", f"smoke-{secrets.token_hex(4)}@%h"],
    )
    servers.start(
        "beat",
        [sys.executable, "-m", "celery", "-A", "township", "beat", "-l", "INFO"]
        + ["-s", str(servers.logs / "celerybeat-schedule")],
    )

    health = wait_for(lambda: healthz(base), servers, "/healthz did not answer")
    assert health["database"] == "ok" and health["broker"] == "ok", health
    assert "Using worker: gthread" in servers.log("web")

    browser = Browser(base)
    status, _headers, login_page, _url = browser.get("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1).decode()
    status, page, landed = browser.post(
        "/accounts/login/", {"csrfmiddlewaretoken": token, "username": "smoke-admin", "password": PASSWORD}
    )
    assert status == 200 and not landed.endswith("/accounts/login/"), page[:2000]
    assert (admin.get_full_name() or "smoke-admin") in page and 'action="/accounts/logout/"' in page
    status, _headers, back_office, landed = browser.get("/admin/")
    assert status == 200 and landed == f"{base}/admin/"  # the back office itself, not its sign-in page

    # collectstatic's hashed names, served by whitenoise with a far-future cache
    assets = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page + back_office.decode()))
    assert len(assets) >= 2, "the pages link no static files"
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), f"{asset} is not a collected, hashed name"
        status, headers, body, _url = browser.get(asset)
        assert status == 200 and body, asset
        assert "immutable" in headers.get("Cache-Control", ""), (asset, headers)

    roundtrip = servers.manage("celery_roundtrip", "--timeout", str(TIMEOUT))
    assert "executed by worker" in roundtrip

    # beat's heartbeat runs each minute on the minute, through the worker, and /healthz reports it
    beat = wait_for(
        lambda: healthz(base).get("beat_last_seen_seconds") is not None,
        servers,
        "no beat heartbeat reached /healthz",
        timeout=75,
    )
    assert beat
