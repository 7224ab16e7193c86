"""The replica router: with a "replica" database configured, the reads of the dashboard's selectors go
there and everything else (writes, other pages) stays on default; without one, everything is on
default. REPLICA_DATABASE_URL adds the alias in township/settings.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from command_center import selectors
from command_center.models import DailyRollup
from command_center.routers import DashboardReplicaRouter, in_replica_reads, replica_reads
from services.models import Application
from tests.command_center.helpers import Place

ROUTER = DashboardReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if REPLICA_DATABASE_URL had been set (the alias is only read, never connected to here)."""
    monkeypatch.setitem(django_settings.DATABASES, "replica", dict(django_settings.DATABASES["default"]))


def test_without_a_replica_every_read_stays_on_default(settings):
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert ROUTER.db_for_read(Application) is None
    assert ROUTER.db_for_read(Application) is None


def test_with_a_replica_only_the_dashboards_reads_go_there(with_replica):
    assert ROUTER.db_for_read(Application) is None  # a page acting on what it reads: the primary
    with replica_reads():
        assert ROUTER.db_for_read(Application) == "replica"
        assert ROUTER.db_for_read(DailyRollup) == "replica"
        assert ROUTER.db_for_write(DailyRollup) is None  # writes: default
    assert ROUTER.db_for_read(Application) is None
    assert ROUTER.allow_migrate("replica", "services") is False
    assert ROUTER.allow_migrate("default", "services") is None


@pytest.mark.django_db
def test_every_query_of_the_dashboard_and_the_rating_is_made_inside_the_replica_context():
    place = Place()
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(in_replica_reads())
        return execute(sql, params, many, context)

    today = timezone.localdate()
    with connection.execute_wrapper(spy):
        selectors.dashboard([place.township.pk], today.replace(day=1), today)
        selectors.rating(place.township.pk, today.replace(day=1))
    assert seen and all(seen)
    assert not in_replica_reads()  # and nothing leaks out of it


def test_the_setting_adds_the_alias_and_the_router_only_when_the_variable_is_set():
    root = Path(__file__).resolve().parents[2]
    code = (
        "import json, django.conf as c, township.settings as s; "
        "print(json.dumps({'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
        "'host': s.DATABASES.get('replica', {}).get('HOST')}))"
    )
    base = {k: v for k, v in os.environ.items() if k != "REPLICA_DATABASE_URL"}
    base.update(SECRET_KEY="dev", DEBUG="1", DATABASE_URL="postgres://u@primary:5432/portal")

    def run(env):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    plain = run(base)
    assert plain["aliases"] == ["default"]
    replica = run({**base, "REPLICA_DATABASE_URL": "postgres://u@replica1:5432/portal"})
    assert replica["aliases"] == ["default", "replica"] and replica["host"] == "replica1"
    assert replica["routers"] == ["command_center.routers.DashboardReplicaRouter"]
