"""The approvers' work list stays light: no checkbox per row, the export a link that keeps the page's
filters and the department's scope, the filter choices cached per department, bounded queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import Application
from tests.approvals.helpers import Office
from township.casework.models import WarningLevel

pytestmark = pytest.mark.django_db
LIST = "admin:approvals_reviewcase_changelist"
EXPORT = "admin:approvals_reviewcase_export"


def exported(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_list_has_no_row_checkboxes_and_links_its_export(client):
    office = Office(chiefs=1)
    office.in_review()
    client.force_login(office.chiefs[0])
    page = client.get(reverse(LIST)).content.decode()
    assert "action-select" not in page and 'name="action"' not in page
    assert reverse(EXPORT) in page


def test_the_export_keeps_the_filter_and_the_departments_scope(client):
    office, elsewhere = Office(chiefs=1), Office(chiefs=1)
    calm, red = office.in_review(), office.in_review()
    Application.objects.filter(pk=red.pk).update(
        warning_level=WarningLevel.RED, due_at=timezone.now() - timedelta(days=1)
    )
    foreign = elsewhere.in_review()
    client.force_login(office.chiefs[0])
    everything = exported(client.get(reverse(EXPORT)))
    assert {row[0] for row in everything[1:]} == {calm.number, red.number}  # not the other department's
    red_only = exported(client.get(reverse(EXPORT), {"warning": "2"}))
    assert [row[0] for row in red_only[1:]] == [red.number]
    assert foreign.number not in client.get(reverse(EXPORT), {"q": foreign.number}).content.decode()


def test_someone_without_the_back_office_cannot_export(client):
    office = Office(chiefs=1)
    office.in_review()
    client.force_login(office.clerk)
    response = client.get(reverse(EXPORT))
    assert response.status_code in (302, 403) or b"," not in response.content


def test_the_filter_choices_are_read_once_per_department(client, django_assert_max_num_queries):
    office = Office(chiefs=2)
    office.in_review()
    client.force_login(office.chiefs[0])
    first = client.get(reverse(LIST))
    # 11: the list itself (sub-units, cross-department cases, capped count, rows, their steps), signing in
    # and permissions (user, profile, two permission reads, groups), the top bar's resident account
    with django_assert_max_num_queries(11):  # the approver and item choices come from the cache
        again = client.get(reverse(LIST))
    approvers = dict(again.context["cl"].get_filters(again.wsgi_request)[0][4].lookup_choices)
    assert set(approvers) == {str(chief.pk) for chief in office.chiefs}
    assert first.status_code == again.status_code == 200
