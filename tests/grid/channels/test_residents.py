"""Residents' reports: into the loop as unverified events in the right grid, one number and query code,
an SMS at each step, rating, reopening as not fixed, "me too", and the "is it fixed?" question."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from grid.channels import intake, reporter
from grid.errors import GridEventError
from grid.events import services as loop
from grid.models import EventStatus, GridEvent
from grid.models.channels import EventSource, Supporter
from tests.factories import make_resident
from tests.grid.channels.helpers import mapped_place
from tests.grid.events.helpers import LAT, LNG, local, photo
from township.casework.deadlines import open_deadlines
from township.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
S = EventStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def place():
    return mapped_place()


def resident_report(place, *, lat=LAT, lng=LNG - 0.004, phone="13900002222", **extra):
    values = {
        "township": place.township,
        "source": EventSource.RESIDENT,
        "category": place.category("暴露垃圾"),
        "description": "小区门口垃圾三天没人清",
        "latitude": lat,
        "longitude": lng,
        "photos": [photo()],
        "phone": phone,
        "at": local(2026, 10, 9, 9, 0),
    }
    values.update(extra)
    return intake.receive_report(**values)


def sms_bodies():
    return list(OutboxMessage.objects.filter(channel="sms").order_by("pk").values_list("body", flat=True))


def test_a_residents_report_waits_for_verification_in_the_grid_its_place_lies_in(place):
    event = resident_report(place)
    assert event.status == S.REPORTED and event.grid == place.grid and event.reporter is None
    assert event.intake.source == EventSource.RESIDENT and len(event.intake.query_code) == 6
    assert [d.kind for d in open_deadlines(event)] == ["register"]
    [sms] = sms_bodies()
    assert event.number in sms and event.intake.query_code in sms
    other = resident_report(place, lng=LNG + 0.004)
    assert other.grid == place.other_grid


def test_a_point_on_the_shared_border_goes_to_the_grid_with_the_smaller_code(place):
    assert place.grid.code < place.other_grid.code
    assert resident_report(place, lng=LNG).grid == place.grid


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": LAT + 0.5}, "latitude"),  # outside every grid
        ({"lat": "北纬31度"}, "latitude"),
        ({"lng": "nan"}, "longitude"),
        ({"category": 999999}, "category"),
        ({"phone": "12345"}, "phone"),
        ({"description": "垃圾\x00"}, "description"),
        (
            {"photos": [SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image", content_type="image/png")]},
            "photos",
        ),
    ],
)
def test_a_faulty_report_is_refused_by_field_and_leaves_nothing(place, overrides, field):
    files_before = _stored_files()
    with pytest.raises(GridEventError) as refused:
        resident_report(place, **overrides)
    assert field in refused.value.field_errors
    assert not GridEvent.objects.exists() and not OutboxMessage.objects.exists()
    assert _stored_files() == files_before


def _stored_files():
    try:
        return sorted(default_storage.listdir("private/grid")[1])
    except FileNotFoundError:
        return []


def test_an_anonymous_resident_is_shown_as_anonymous(place):
    user = make_resident(phone="13700001111")
    event = resident_report(place, reporter=user, is_anonymous=True)
    entry = event.timeline.first() if hasattr(event, "timeline") else None
    assert event.intake.shown_reporter == "anonymous"
    from township.casework.timeline import entries_for

    first = entries_for(event, include_internal=True).first()
    assert first.actor_id is None and "Anonymous" in first.actor_label
    assert entry is None or entry.actor_id is None


def test_the_reporter_is_texted_at_each_step_and_can_rate_the_result(
    place, django_capture_on_commit_callbacks
):
    event = resident_report(place)
    with django_capture_on_commit_callbacks(execute=True):
        event = loop.register_event(event=event, by=place.centre, at=local(2026, 10, 9, 10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        event = loop.dispatch_event(
            event=event, by=place.centre, department=place.sanitation, at=local(2026, 10, 9, 10, 5)
        )
    texts = sms_bodies()
    assert any("已核实立案" in t for t in texts)  # the SMS goes out in the portal's language
    assert any("环卫所" in t for t in texts)
    event = loop.feed_back_event(
        event=event,
        by=place.sanitation_handler,
        note="已清运",
        photos=[photo()],
        at=local(2026, 10, 9, 15, 0),
    )
    with django_capture_on_commit_callbacks(execute=True):
        event = loop.check_event(event=event, by=place.member, passed=True, at=local(2026, 10, 9, 16, 0))
    assert any("现场核查" in t and event.intake.query_code in t for t in sms_bodies())
    event = reporter.rate_report(event=event, satisfaction=3, note="很及时", at=local(2026, 10, 10, 9, 0))
    assert event.status == S.EVALUATED and event.satisfaction == 3
    with pytest.raises(GridEventError, match="once"):
        reporter.rate_report(event=event, satisfaction=1)


def _closed(place, at=None):
    event = resident_report(place)
    event = loop.register_event(event=event, by=place.centre, at=local(2026, 10, 9, 10, 0))
    event = loop.dispatch_event(
        event=event, by=place.centre, department=place.sanitation, at=local(2026, 10, 9, 10, 5)
    )
    event = loop.feed_back_event(
        event=event,
        by=place.sanitation_handler,
        note="已清运",
        photos=[photo()],
        at=local(2026, 10, 9, 15, 0),
    )
    return loop.check_event(event=event, by=place.member, passed=True, at=at or local(2026, 10, 9, 16, 0))


def test_a_closed_report_is_reopened_as_not_fixed_within_the_period_and_goes_back_to_its_unit(place):
    event = _closed(place)
    event = reporter.reopen_report(event=event, reason="又堆满了", at=local(2026, 10, 23, 15, 0))
    assert event.status == S.IN_PROGRESS and event.department == place.sanitation and event.closed_at is None
    event.intake.refresh_from_db()
    assert event.is_clock_running and event.intake.reopened_count == 1


def test_reopening_after_the_period_is_refused_with_the_way_forward(place):
    event = _closed(place)
    with pytest.raises(GridEventError, match="within 14 days"):
        reporter.reopen_report(event=event, reason="又堆满了", at=local(2026, 10, 23, 16, 1))
    with pytest.raises(GridEventError):
        reporter.reopen_report(event=event, reason="")


def test_tracking_needs_the_right_code_and_a_wrong_code_reads_like_an_unknown_number(place):
    event = resident_report(place)
    request = RequestFactory().get("/grid/track/", REMOTE_ADDR="10.0.0.9")
    found, error = reporter.lookup(request, event.number, event.intake.query_code)
    assert found == event and not error
    wrong = "000000" if event.intake.query_code != "000000" else "111111"
    assert reporter.lookup(request, event.number, wrong) == (
        None,
        "No report matches this number and query code.",
    )
    assert reporter.lookup(request, "QS-SJ-2026-999999", wrong) == (
        None,
        "No report matches this number and query code.",
    )
    for _attempt in range(10):
        reporter.lookup(request, event.number, wrong)
    assert (
        reporter.lookup(request, event.number, event.intake.query_code)[0] is None
    )  # locked out for a while


def test_me_too_adds_a_supporter_once_per_account_and_texts_them_later(
    place, django_capture_on_commit_callbacks
):
    event = resident_report(place)
    neighbour = make_resident(phone="13600003333")
    intake.add_support(event=event, user=neighbour, phone="13600003333")
    intake.add_support(event=event, user=neighbour, phone="13600003333")
    assert Supporter.objects.filter(event=event).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        loop.register_event(event=event, by=place.centre, at=local(2026, 10, 9, 10, 0))
    recipients = set(
        OutboxMessage.objects.filter(body__contains="已核实立案").values_list("recipient", flat=True)
    )
    assert recipients == {"13900002222", "13600003333"}


def test_nearby_open_reports_of_the_same_kind_are_found_before_sending(place):
    event = resident_report(place)
    near = reporter.open_reports_near(
        township=place.township, category=event.category, latitude=LAT + 0.0005, longitude=LNG - 0.004
    )
    assert [e.pk for e in near] == [event.pk]
    far = reporter.open_reports_near(
        township=place.township, category=event.category, latitude=LAT + 0.009, longitude=LNG - 0.004
    )
    assert far == []


def test_the_is_it_fixed_question_goes_once_and_not_fixed_reopens(place):
    event = _closed(place, at=local(2026, 10, 9, 16, 0))
    assert reporter.send_follow_up_questions(now=local(2026, 11, 6, 15, 59)) == 0  # not yet 28 days
    assert reporter.send_follow_up_questions(now=local(2026, 11, 6, 16, 0)) == 1
    assert reporter.send_follow_up_questions(now=local(2026, 11, 7, 10, 0)) == 0
    event.intake.refresh_from_db()
    token = event.intake.follow_up_token
    assert token and len(token) == 32
    [question] = OutboxMessage.objects.filter(idempotency_key__startswith="grid-follow-up")
    assert token in question.body
    answered = reporter.answer_follow_up(token=token, fixed=True, at=local(2026, 11, 6, 11, 0))
    again = reporter.answer_follow_up(token=token, fixed=False, at=local(2026, 11, 6, 12, 0))
    assert answered.follow_up_answer == again.follow_up_answer == "fixed"
    with pytest.raises(GridEventError):
        reporter.answer_follow_up(token="nope", fixed=True)


def test_a_closed_event_more_than_the_period_ago_gets_the_question_but_is_not_reopened(place):
    event = _closed(place)
    assert event.closed_at + timedelta(days=28) < local(2026, 11, 7, 0, 0)
