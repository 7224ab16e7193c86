"""The platform around the code: health check, real Celery round trip, deploy checks, translations."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command

from township.celery import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_broker_outage_as_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_round_trips_through_a_real_worker(capsys):
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        call_command("celery_roundtrip", timeout=30)
    assert "executed by worker" in capsys.readouterr().out


def test_deploy_check_is_clean_with_a_production_environment():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "x8#kQ2!vLr9@Zp4$Wm7^Tn1&Yb6*Hc3(Jd5)Fg0_Se-Ua+Ri=Oh~Pl",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": settings.DATABASES["default"].get("TEST_URL", os.environ.get("DATABASE_URL", "")),
        "DJANGO_SETTINGS_MODULE": "township.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "township.settings"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_the_chinese_catalogue_translates_every_string():
    catalogue = polib.pofile(str(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    assert missing == []
    assert (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo").exists()


@pytest.mark.django_db
def test_no_migrations_are_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_api(client):
    from tests.factories import make_staff
    from township.org.roles import Role

    assert client.get("/api/schema/").status_code == 403
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/catalog/items/" in response.content
    # the descriptions are in the reader's language: Chinese by default, English on request
    assert "六位查询码" in response.content.decode()
    english = client.get("/api/schema/", {"lang": "en"}).content.decode()
    assert "The six-digit query code." in english and "六位查询码" not in english


def test_offline_commands_run_without_a_secret_key_but_serving_does_not():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "township.settings"})
    offline = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr
    serving = subprocess.run(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:0", "--noreload"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert serving.returncode != 0 and "SECRET_KEY must be set" in serving.stderr
