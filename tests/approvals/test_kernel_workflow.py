"""The back office on the kernel's workflow: refusals are messages (never 500s), a bundle withdrawn while a
part is decided never deadlocks, timelines read as people's words, urging from e-supervision."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from approvals.services import (
    ApprovalError,
    approve_application,
    request_extension,
    request_supplement,
    start_excluded_period,
    supply_supplement,
)
from services.errors import IntakeError
from services.models import Application, ApplicationStatus
from services.selectors.applications import public_timeline, staff_timeline
from services.services.intake import withdraw_application
from services.services.materials import attach_material
from tests.approvals.helpers import Office, assignee_of, bundle_in_review
from tests.factories import make_resident, make_staff
from tests.services.intake_helpers import pdf_upload
from township.casework.models import Urging
from township.notify.models import InboxItem, OutboxMessage
from township.org.roles import Role

S = ApplicationStatus


@pytest.mark.django_db
def test_a_supplement_asked_during_an_excluded_period_is_refused_with_a_clear_message(client):
    office = Office(chiefs=1)
    application = office.in_review()
    chief = assignee_of(application)
    start_excluded_period(application=application, by=chief, kind="hearing")
    with translation.override("en"), pytest.raises(ApprovalError, match="excluded period"):
        request_supplement(application=application, by=chief, items=["户口簿"])
    # through the admin page: a message on the case page, not a server error
    client.force_login(chief)
    response = client.post(
        reverse("admin:approvals_reviewcase_act", args=[application.pk, "supplement"]),
        {"items": "户口簿", "note": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = client.get(response.url)
    messages = [str(m) for m in page.context["messages"]]
    assert any("excluded period" in m or "不计算" in m or "期间" in m for m in messages), messages
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


@pytest.mark.django_db(transaction=True)
def test_withdrawing_a_bundle_while_a_part_is_decided_gives_one_clear_outcome_and_no_deadlock():
    parent = bundle_in_review()
    part = parent.children.order_by("pk").last()  # the later row: the old code locked it before the parent
    chief = assignee_of(part)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide():
        try:
            barrier.wait()
            approve_application(application=Application.objects.get(pk=part.pk), by=chief)
            outcomes["decide"] = "done"
        except Exception as error:  # noqa: BLE001 - the test reports whatever happened
            outcomes["decide"] = error
        finally:
            connection.close()

    def withdraw():
        try:
            barrier.wait()
            withdraw_application(application=Application.objects.get(pk=parent.pk), by=parent.clerk)
            outcomes["withdraw"] = "done"
        except Exception as error:  # noqa: BLE001
            outcomes["withdraw"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=decide), threading.Thread(target=withdraw)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(t.is_alive() for t in threads)
    assert outcomes["withdraw"] == "done", outcomes
    part.refresh_from_db()
    parent.refresh_from_db()
    assert parent.status == S.WITHDRAWN
    if outcomes["decide"] == "done":  # the decision came first: the part stays decided
        assert part.status == S.APPROVED
    else:  # the withdrawal came first: the decision is refused with a message, not a deadlock
        assert isinstance(outcomes["decide"], ApprovalError), outcomes
        assert part.status == S.WITHDRAWN


@pytest.mark.django_db
def test_residents_and_approvers_read_translated_labels_and_names():
    office = Office(chiefs=1)
    office.clerk.first_name, office.clerk.last_name = "窗口", "王"
    office.clerk.save()
    application = office.in_review()
    chief = assignee_of(application)
    chief.first_name, chief.last_name = "首席", "李"
    chief.save()
    request_supplement(application=application, by=chief, items=["户口簿"], note="请补户口簿")
    with translation.override("zh-hans"):
        public = public_timeline(Application.objects.get(pk=application.pk))
        staff = staff_timeline(Application.objects.get(pk=application.pk))
    public_labels = [row.label for row in public]
    assert "已受理" in public_labels or "受理" in "".join(public_labels)
    assert not any(row.label in {"accept", "start-review", "request-supplement", "pause"} for row in public)
    assert all(row.actor_name == "" for row in public)  # no staff names on the applicant's side
    assert not any(row.is_internal for row in public)
    staff_names = {row.actor_name for row in staff}
    assert "王窗口" in staff_names and "李首席" in staff_names
    assert chief.username not in staff_names
    assert not any(row.label in {"accept", "start-review", "request-supplement", "assign"} for row in staff)


@pytest.mark.django_db
def test_the_resident_tracking_page_shows_translated_labels(client):
    office = Office(chiefs=1)
    application = office.in_review()
    page = client.get(
        reverse("services-track"),
        {"number": application.number, "code": application.query_code},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "start-review" not in body and ">accept<" not in body


@pytest.mark.django_db
def test_urging_from_supervision_notifies_the_approver_once(client, django_capture_on_commit_callbacks):
    office = Office(chiefs=1)
    application = office.in_review()
    chief = assignee_of(application)
    chief.staff_profile.phone = "13900001234"
    chief.staff_profile.save()
    command = make_staff(Role.COMMAND_CENTRE, township=office.township)
    client.force_login(command)
    url = reverse("approvals-urge", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"note": "请今天处理", "level": "urge"})
        again = client.post(url, {"note": "请今天处理", "level": "urge"})  # a double click
    assert first.status_code == 302 and again.status_code == 302
    assert Urging.objects.filter(urged_user=chief).count() == 1
    assert InboxItem.objects.filter(user=chief, key__startswith="urging:").count() == 1
    assert (
        OutboxMessage.objects.filter(recipient="13900001234", idempotency_key__startswith="urging:").count()
        == 1
    )
    rows = staff_timeline(application)
    assert any(row.action == "urge" and "请今天处理" in row.note for row in rows)


@pytest.mark.django_db
def test_urging_a_case_of_another_township_is_refused(client):
    office = Office(chiefs=1)
    application = office.in_review()
    other = Office(chiefs=1)
    command = make_staff(Role.COMMAND_CENTRE, township=other.township)
    client.force_login(command)
    response = client.post(reverse("approvals-urge", args=[application.pk]), {"note": "x", "level": "urge"})
    assert response.status_code == 404
    assert not Urging.objects.exists()


def _with_supplement(items=("户口簿复印件", "收入证明")):
    office = Office(chiefs=1)
    resident = make_resident(phone="13800000071", id_number="11010519491231002X")
    application = office.in_review()
    request_supplement(application=application, by=assignee_of(application), items=list(items), note="请补齐")
    return office, resident, Application.objects.get(pk=application.pk)


@pytest.mark.django_db
def test_a_supplement_with_nothing_handed_in_is_refused_and_the_clock_stays_paused():
    office, resident, application = _with_supplement()
    with (
        translation.override("en"),
        pytest.raises(ApprovalError, match="still missing: 户口簿复印件、收入证明"),
    ):
        supply_supplement(application=application, by=resident)
    attach_material(
        application=application,
        requirement_id="",
        upload=pdf_upload(),
        by=resident,
        supplement_item="收入证明",
    )
    with translation.override("en"), pytest.raises(ApprovalError, match=r"still missing: 户口簿复印件\.$"):
        supply_supplement(application=application, by=resident)
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT and application.clock_paused_at is not None


@pytest.mark.django_db
def test_a_file_must_say_which_requested_material_it_is():
    office, resident, application = _with_supplement()
    with pytest.raises(IntakeError):
        attach_material(application=application, requirement_id="", upload=pdf_upload(), by=resident)
    with pytest.raises(IntakeError):
        attach_material(
            application=application,
            requirement_id="",
            upload=pdf_upload(),
            by=resident,
            supplement_item="别的",
        )


@pytest.mark.django_db
def test_materials_online_and_at_the_window_together_complete_the_supplement(client):
    office, resident, application = _with_supplement()
    attach_material(
        application=application,
        requirement_id="",
        upload=pdf_upload(),
        by=resident,
        supplement_item="收入证明",
    )
    client.force_login(office.clerk)
    url = reverse("approvals-supplement-window", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200 and "户口簿复印件" in page.content.decode()
    with pytest.raises(ApprovalError):  # a resident cannot tick papers as handed in
        supply_supplement(application=application, by=resident, received=["户口簿复印件"])
    done = client.post(url, {"received": ["户口簿复印件"]})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW and application.clock_paused_at is None
    request = application.supplement_requests.get()
    assert request.received_at_window == ["户口簿复印件"] and request.supplied_at is not None


@pytest.mark.django_db
def test_ticks_are_kept_when_something_is_still_missing(client):
    office, resident, application = _with_supplement()
    client.force_login(office.clerk)
    url = reverse("approvals-supplement-window", args=[application.pk])
    client.post(url, {"received": ["户口簿复印件"]})
    application.refresh_from_db()
    assert application.status == S.SUPPLEMENT
    assert application.supplement_requests.get().received_at_window == ["户口簿复印件"]
    client.post(url, {"received": ["收入证明"]})
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW


@pytest.mark.django_db
def test_the_supplement_sms_and_the_tracking_page_say_what_to_bring(
    client, django_capture_on_commit_callbacks
):
    office = Office(chiefs=1)
    application = office.in_review()
    with django_capture_on_commit_callbacks(execute=True):
        request_supplement(
            application=application, by=assignee_of(application), items=["户口簿复印件", "收入证明"]
        )
    sms = OutboxMessage.objects.filter(recipient=application.applicant_phone).order_by("-id").first()
    assert "户口簿复印件" in sms.body and "收入证明" in sms.body
    page = client.get(
        reverse("services-track"), {"number": application.number, "code": application.query_code}
    )
    assert "户口簿复印件" in page.content.decode()


@pytest.mark.django_db
def test_the_case_page_offers_only_the_steps_that_can_succeed_now(client):
    office = Office(chiefs=1)
    application = office.in_review()
    chief = assignee_of(application)
    client.force_login(chief)
    url = reverse("admin:approvals_reviewcase_change", args=[application.pk])
    page = client.get(url).content.decode()
    assert 'id="approve"' in page and 'id="request-supplement"' in page
    request_supplement(application=application, by=chief, items=["户口簿"])
    page = client.get(url).content.decode()
    assert 'id="approve"' not in page and 'id="request-supplement"' not in page
    assert "/act/pause/" not in page
    assert "/act/extend/" in page  # an extension can still be asked while the supplement is awaited


@pytest.mark.django_db
def test_the_head_is_told_of_a_pending_extension():
    office = Office(chiefs=1)
    application = office.in_review()
    request_extension(application=application, by=assignee_of(application), days=5, reason="需要现场核查")
    told = InboxItem.objects.filter(key__startswith="extension:")
    assert list(told.values_list("user_id", flat=True)) == [office.head.pk]
    assert application.number in told.get().title and told.get().body == "需要现场核查"
