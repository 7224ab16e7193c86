"""Who sees what in the back office: the approvers' admin list (most urgent first, department only,
bounded queries), the detail page and its buttons, guessed ids, the API, e-supervision and the inbox."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.services import start_review
from services.models import Application
from tests.approvals.helpers import Office, assignee_of
from tests.factories import make_staff
from township.casework.models import WarningLevel
from township.org.roles import Role

pytestmark = pytest.mark.django_db


def make_red(application):
    Application.objects.filter(pk=application.pk).update(
        warning_level=WarningLevel.RED, due_at=timezone.now() - timedelta(days=2)
    )


def test_the_admin_list_shows_the_department_only_and_the_red_item_first(
    client, django_assert_max_num_queries
):
    office, elsewhere = Office(), Office()
    normal = [office.in_review() for _ in range(5)]
    red = office.in_review()
    make_red(red)
    foreign = elsewhere.in_review()
    client.force_login(office.chiefs[0])
    url = reverse("admin:approvals_reviewcase_changelist")
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows[0] == red and set(rows) == {red, *normal}
    assert foreign.number not in response.content.decode()
    red_only = client.get(url, {"warning": "2"})
    assert list(red_only.context["cl"].result_list) == [red]


def test_an_approver_of_another_department_gets_no_access_anywhere(client):
    office, elsewhere = Office(), Office()
    application = office.in_review()
    outsider = elsewhere.chiefs[0]
    client.force_login(outsider)
    detail = client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk]))
    assert detail.status_code == 302  # the admin says the object does not exist and goes back
    acted = client.post(reverse("admin:approvals_reviewcase_act", args=[application.pk, "approve"]))
    assert acted.status_code == 404
    application.refresh_from_db()
    assert application.status == "in_review"
    for guess in (application.pk, application.pk + 1):
        assert (
            client.get(reverse("services-application-document", args=[guess, "receipt"])).status_code == 404
        )
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/applications/{application.pk}/").status_code == 404
    assert api.get("/api/applications/").json()["count"] == 0
    assert client.get(reverse("approvals-supervised-timeline", args=[application.pk])).status_code == 403


def test_the_assignee_decides_from_the_detail_page(client):
    office = Office()
    application = office.in_review()
    chief = assignee_of(application)
    client.force_login(chief)
    page = client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="approve"' in html and application.number in html
    client.post(reverse("admin:approvals_reviewcase_act", args=[application.pk, "supplement"]), {"items": ""})
    application.refresh_from_db()
    assert application.status == "in_review"  # nothing listed: refused, nothing changed
    client.post(
        reverse("admin:approvals_reviewcase_act", args=[application.pk, "approve"]), {"opinion": "同意"}
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.result_id


def test_a_colleague_sees_the_case_but_has_no_buttons(client):
    office = Office()
    application = office.in_review()
    colleague = next(c for c in office.chiefs if c != assignee_of(application))
    client.force_login(colleague)
    html = client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk])).content.decode()
    assert application.number in html and 'id="approve"' not in html


def test_command_centre_reads_the_whole_township_and_supervises(client, django_assert_max_num_queries):
    office = Office()
    second = Office(township=office.township)
    a, b = office.in_review(), second.in_review()
    make_red(a)
    command = make_staff(Role.COMMAND_CENTRE, township=office.township)
    client.force_login(command)
    rows = list(client.get(reverse("admin:approvals_reviewcase_changelist")).context["cl"].result_list)
    assert set(rows) == {a, b}
    with django_assert_max_num_queries(12):
        page = client.get(reverse("approvals-supervision"))
    assert a.number in page.content.decode() and b.number not in page.content.decode()
    timeline = client.get(reverse("approvals-supervised-timeline", args=[a.pk])).content.decode()
    assert "受理" in timeline or "Accepted" in timeline


def test_a_grid_member_gets_no_back_office(client):
    office = Office()
    application = office.in_review()
    member = make_staff(Role.GRID_MEMBER, township=office.township)
    client.force_login(member)
    assert client.get(reverse("admin:approvals_reviewcase_changelist")).status_code in (302, 403)
    assert client.get(reverse("approvals-supervision")).status_code == 403
    assert client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk])).status_code in (
        302,
        403,
    )


def test_the_review_starts_from_the_acceptance_hook(django_capture_on_commit_callbacks):
    office = Office()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = office.accepted()
    assert callbacks  # the hook is queued for after commit
    start_review(application_id=application.pk)
    assert Application.objects.get(pk=application.pk).status == "in_review"


@pytest.mark.django_db
def test_an_approver_cannot_download_another_departments_documents(client):
    from tests.approvals.helpers import Office
    from township.documents.services import issue_document

    office = Office(chiefs=1)
    application = office.in_review()
    receipt = issue_document(
        township=office.township,
        doc_type="receipt",
        title="受理回执",
        template_name="documents/notice.html",
        context={"addressee": "申请人", "body": "现予受理。"},
        subject=application,
    )
    other = Office(chiefs=1, township=office.township)
    client.force_login(other.chiefs[0])
    assert client.get(reverse("documents-pdf", args=[receipt.number])).status_code == 404
    client.force_login(office.chiefs[0])
    assert client.get(reverse("documents-pdf", args=[receipt.number])).status_code == 200


@pytest.mark.django_db
def test_staff_do_not_list_residents_unsubmitted_drafts_through_the_api():
    from rest_framework.test import APIClient

    from services.services.intake import start_online_application
    from tests.approvals.helpers import Office
    from tests.factories import make_resident

    office = Office(chiefs=1)
    resident = make_resident(phone="13800000091", id_number="11010519491231002X")
    draft = start_online_application(resident=resident, item=office.item())
    api = APIClient()
    for staff in (office.clerk, office.chiefs[0], office.head):
        api.force_authenticate(staff)
        ids = [row["id"] for row in api.get("/api/applications/").json()["results"]]
        assert draft.pk not in ids
        assert api.get(f"/api/applications/{draft.pk}/").status_code == 404
    api.force_authenticate(resident)
    assert api.get(f"/api/applications/{draft.pk}/").status_code == 200


@pytest.mark.django_db
def test_the_work_list_count_is_capped_and_still_pages(client, settings, monkeypatch):
    from tests.approvals.helpers import Office
    from township.paginators import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    office = Office(chiefs=1)
    cases = [office.in_review() for _ in range(5)]
    client.force_login(office.chiefs[0])
    monkeypatch.setattr("approvals.admin.ReviewCaseAdmin.list_per_page", 2)
    first = client.get(reverse("admin:approvals_reviewcase_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert "more than 3" in first.content.decode()
    listed = {c.pk for c in first.context["cl"].result_list}
    second = client.get(reverse("admin:approvals_reviewcase_changelist") + "?p=2")
    listed |= {c.pk for c in second.context["cl"].result_list}
    assert len(listed) == 4 and listed <= {c.pk for c in cases}  # two full pages, no overlap
