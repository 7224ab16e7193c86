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
    # 10: the list itself (sub-units, cross-department cases, capped count, rows, their steps), signing in
    # and permissions (session, the user with both profiles in one query, two permission reads, groups)
    with django_assert_max_num_queries(10):  # the approver and item choices come from the cache
        again = client.get(reverse(LIST))
    approvers = dict(again.context["cl"].get_filters(again.wsgi_request)[0][4].lookup_choices)
    assert set(approvers) == {str(chief.pk) for chief in office.chiefs}
    assert first.status_code == again.status_code == 200


def test_a_department_sees_the_other_departments_applications_it_has_a_step_in(client):
    """A joint review (会签): the other department's approver finds the application in their list, even
    after their own step is done, and nothing else of the first department."""
    from approvals.models import ReviewStep, ReviewTask, StepKind
    from approvals.services import complete_task
    from tests.factories import DepartmentFactory, make_staff
    from township.org.roles import Role

    office = Office(chiefs=1)
    other = DepartmentFactory(township=office.township)
    other_chief = make_staff(Role.CHIEF_REPRESENTATIVE, department=other)
    item = office.item()
    ReviewStep.objects.create(
        item=item, stage=1, name="审核", kind=StepKind.REVIEW, department=office.department
    )
    ReviewStep.objects.create(item=item, stage=1, name="会签", kind=StepKind.REVIEW, department=other)
    joint = office.in_review(item=item)
    alone = office.in_review()
    assert list(
        ReviewTask.objects.filter(application=joint)
        .values_list("department_id", "crosses_department")
        .order_by("department_id")
    ) == sorted([(office.department.pk, False), (other.pk, True)])
    client.force_login(other_chief)
    numbers = {case.number for case in client.get(reverse(LIST)).context["cl"].result_list}
    assert numbers == {joint.number}
    complete_task(application=joint, by=other_chief, opinion="同意", favourable=True)
    numbers = {case.number for case in client.get(reverse(LIST)).context["cl"].result_list}
    assert numbers == {joint.number} and alone.number not in numbers
