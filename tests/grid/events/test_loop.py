"""The six-step loop, step by step: who may do each step, when it is refused, and what it leaves behind."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from grid.errors import EventNotPossible, GridEventError
from grid.events import services
from grid.events.inputs import PhotoBatch
from grid.events.selectors import nearby_open_events
from grid.models import (
    CategoryLimit,
    DeferralStatus,
    EventPhoto,
    EventStatus,
    GridEvent,
    LimitStep,
    RejectReason,
    Satisfaction,
)
from tests.grid.events.helpers import (
    JPEG_BYTES,
    LAT,
    LNG,
    dispatched,
    fed_back,
    local,
    photo,
    registered,
    report,
)
from township.casework.deadlines import deadlines_for, open_deadlines
from township.casework.display import Audience, timeline_rows
from township.casework.models import LimitUnit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
S = EventStatus


def actions(event):
    return [row.action for row in timeline_rows(event, audience=Audience.STAFF)]


# --- step 1: report ------------------------------------------------------------------------------------


def test_a_grid_member_reports_with_photo_and_location_and_the_registration_clock_starts(place):
    event = report(place, at=local(2026, 9, 21, 9, 30))
    assert event.status == S.REPORTED and event.number.endswith("-SJ-2026-000001")
    assert (event.latitude, event.longitude, event.village_id) == (LAT, LNG, place.village.pk)
    assert event.photos.count() == 1 and default_storage.exists(event.photos.get().file.name)
    register = open_deadlines(event).get(kind="register")
    # 2 working hours from 09:30 Monday
    assert register.due_at == local(2026, 9, 21, 11, 30)
    assert actions(event) == ["report", "deadline-open"]


def test_a_report_sent_twice_is_one_event(place):
    first = report(place, client_key="draft-1")
    again = report(place, client_key="draft-1")
    assert first.pk == again.pk and GridEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"photos": []}, "photos"),
        ({"photos": [photo("notes.png", b"just text, not an image")]}, "photos"),
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "abc"}, "longitude"),
        ({"latitude": "３１.5"}, "latitude"),
        ({"latitude": float("nan")}, "latitude"),
        ({"description": ""}, "description"),
        ({"description": "垃圾\x00"}, "description"),
    ],
)
def test_a_bad_report_is_refused_with_the_field_named_and_leaves_nothing(place, change, field):
    arguments = {
        "by": place.member,
        "grid": place.grid,
        "category": place.category("暴露垃圾"),
        "description": "路边垃圾",
        "latitude": LAT,
        "longitude": LNG,
        "photos": [photo()],
        **change,
    }
    with pytest.raises(GridEventError) as refused:
        services.report_event(**arguments)
    assert field in refused.value.field_errors
    assert GridEvent.objects.count() == 0 and EventPhoto.objects.count() == 0


def test_a_failed_report_leaves_no_photo_file(place, monkeypatch):
    saved = []
    original = PhotoBatch.save

    def save_then_fail(self, event, photos, **kwargs):
        original(self, event, photos, **kwargs)
        saved.extend(self.names)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PhotoBatch, "save", save_then_fail)
    with pytest.raises(RuntimeError):
        report(place)
    assert saved and not any(default_storage.exists(name) for name in saved)
    assert GridEvent.objects.count() == 0


def test_only_a_member_of_the_grid_reports_in_it(place):
    with pytest.raises(GridEventError, match="grid"):
        report(place, by=place.other_member)
    with pytest.raises(GridEventError):
        report(place, by=place.centre)


def test_a_small_event_handled_on_the_spot_needs_a_photo_after_and_no_registration(place):
    with pytest.raises(GridEventError) as refused:
        report(place, handled_on_the_spot=True)
    assert "after_photos" in refused.value.field_errors
    event = report(place, handled_on_the_spot=True, after_photos=[photo("after.jpg", JPEG_BYTES)])
    assert event.status == S.SELF_HANDLED and event.closed_on_time is True
    assert not deadlines_for(event).exists()
    assert event.photos.filter(kind="feedback").count() == 1


# --- step 2: verify and register, or reject -------------------------------------------------------------


def test_the_centre_registers_on_time_and_a_grid_member_cannot(place):
    event = report(place, at=local(2026, 9, 21, 9, 30))
    with pytest.raises(GridEventError):
        services.register_event(event=event, by=place.member)
    event = services.register_event(event=event, by=place.centre, at=local(2026, 9, 21, 10, 0))
    assert event.status == S.REGISTERED and event.registered_at == local(2026, 9, 21, 10, 0)
    assert deadlines_for(event).get(kind="register").clock_stopped_at == local(2026, 9, 21, 10, 0)
    with translation.override("en"), pytest.raises(EventNotPossible, match="cannot become"):
        services.register_event(event=event, by=place.centre)


def test_nearby_open_events_of_the_same_category_are_suggested_nearest_first_at_most_five(place):
    # metres north of the point: 1° latitude ≈ 111,195 m
    def north(metres):
        return LAT + metres / 111_195

    near = [report(place, lat=north(m)) for m in (200, 30, 120, 60, 90, 150)]
    far = report(place, lat=north(300))
    other_category = report(place, category="道路不洁", lat=north(10))
    closed = report(place, lat=north(5))
    services.reject_event(event=closed, by=place.centre, reason=RejectReason.INVALID, note="误报")
    event = report(place)
    found = nearby_open_events(event)
    assert [e.pk for e in found] == [near[1].pk, near[3].pk, near[4].pk, near[2].pk, near[5].pk]
    assert far not in found and other_category not in found and closed not in found
    assert 29 < found[0].distance_m < 31


def test_a_duplicate_is_rejected_naming_the_open_event(place):
    first = report(place)
    second = report(place)
    with pytest.raises(GridEventError) as refused:
        services.reject_event(event=second, by=place.centre, reason=RejectReason.DUPLICATE)
    assert "duplicate_of" in refused.value.field_errors
    with pytest.raises(GridEventError):
        services.reject_event(event=second, by=place.centre, reason="whatever", note="x")
    second = services.reject_event(
        event=second, by=place.centre, reason=RejectReason.DUPLICATE, duplicate_of=first
    )
    assert (second.status, second.duplicate_of_id) == (S.REJECTED, first.pk)
    with pytest.raises(EventNotPossible):
        services.dispatch_event(event=second, by=place.centre, department=place.sanitation)


# --- step 3: dispatch and its clock ---------------------------------------------------------------------


def test_a_working_hours_limit_across_lunch_an_evening_and_a_holiday(place):
    category = place.category("暴露垃圾")
    CategoryLimit.objects.filter(category=category, step=LimitStep.HANDLE).update(amount=10)
    # Thursday 24 Sep 2026 11:00; office hours 09:00-12:00 and 13:30-17:30; Friday 25 Sep is the
    # Mid-Autumn holiday, then the weekend. 24 Sep: 11-12 (1 h) + 13:30-17:30 (4 h) = 5 h;
    # Mon 28 Sep: 09-12 (3 h) = 8 h, 13:30 + 2 h = 15:30.
    event = dispatched(place, at=local(2026, 9, 24, 11, 0))
    assert event.clock_started_at == local(2026, 9, 24, 11, 0)
    assert timezone.localtime(event.due_at) == local(2026, 9, 28, 15, 30)
    assert event.limit_unit == LimitUnit.WORKING_HOURS and event.limit_value == 10


def test_a_four_working_hours_limit_across_lunch(place):
    # 11:00-12:00 is 1 h, the other 3 h from 13:30: 16:30 the same day
    event = dispatched(place, at=local(2026, 9, 24, 11, 0))
    assert timezone.localtime(event.due_at) == local(2026, 9, 24, 16, 30)


def test_a_clock_hours_limit_runs_through_the_night(place):
    # 自来水管破裂: 2 hours, round the clock
    event = dispatched(place, category="自来水管破裂", at=local(2026, 9, 24, 22, 30))
    assert event.limit_unit == LimitUnit.CLOCK_HOURS
    assert timezone.localtime(event.due_at) == local(2026, 9, 25, 0, 30)


def test_only_the_centre_dispatches_and_only_to_a_department_of_its_township(place):
    from tests.factories import DepartmentFactory

    event = registered(place)
    with pytest.raises(GridEventError):
        services.dispatch_event(event=event, by=place.sanitation_handler, department=place.sanitation)
    with pytest.raises(GridEventError) as refused:
        services.dispatch_event(event=event, by=place.centre, department=DepartmentFactory())
    assert "department" in refused.value.field_errors
    assert GridEvent.objects.get(pk=event.pk).status == S.REGISTERED


def test_send_back_within_one_working_day_then_refused(place):
    # dispatched Thursday 24 Sep 10:00: the next working day is Monday 28 Sep (holiday, weekend)
    event = dispatched(place, at=local(2026, 9, 24, 10, 0))
    assert services.send_back_window_end(event) == local(2026, 9, 29, 0, 0)
    with pytest.raises(GridEventError):
        services.send_back_event(event=event, by=place.water_handler, reason="不是我们的")
    with pytest.raises(GridEventError) as refused:
        services.send_back_event(
            event=event, by=place.sanitation_handler, reason="", at=local(2026, 9, 28, 9, 0)
        )
    assert "reason" in refused.value.field_errors
    event = services.send_back_event(
        event=event,
        by=place.sanitation_handler,
        reason="属于水域保洁，应由水利站处理",
        at=local(2026, 9, 28, 17, 0),
    )
    assert event.status == S.RETURNED and event.send_backs.get().reason.startswith("属于水域")
    # redispatched Tuesday 29 Sep 09:00 to the water station: its window ends with Wednesday 30 Sep
    event = services.dispatch_event(
        event=event, by=place.centre, department=place.water, at=local(2026, 9, 29, 9, 0)
    )
    with translation.override("en"), pytest.raises(GridEventError, match="within 1 working day"):
        services.send_back_event(
            event=event, by=place.water_handler, reason="也不是我们的", at=local(2026, 10, 1, 9, 0)
        )
    assert GridEvent.objects.get(pk=event.pk).status == S.DISPATCHED


def test_a_sent_back_order_force_assigned_cannot_be_sent_back_again(place):
    event = dispatched(place, at=local(2026, 9, 21, 10, 0))
    event = services.send_back_event(
        event=event, by=place.sanitation_handler, reason="不归我们", at=local(2026, 9, 21, 11, 0)
    )
    with pytest.raises(GridEventError):
        services.force_assign_event(event=event, by=place.centre, note="")
    event = services.force_assign_event(
        event=event, by=place.centre, note="属地管理，由环卫所处理", at=local(2026, 9, 21, 11, 30)
    )
    assert (event.status, event.is_forced, event.department_id) == (S.IN_PROGRESS, True, place.sanitation.pk)
    # the clock restarted at the assignment: 4 working hours from 11:30: 0.5 h + 13:30-17:00
    assert timezone.localtime(event.due_at) == local(2026, 9, 21, 17, 0)
    with pytest.raises(EventNotPossible):
        services.send_back_event(
            event=event, by=place.sanitation_handler, reason="还是不归我们", at=local(2026, 9, 21, 12, 0)
        )


def test_signing_for_an_order_ends_the_send_back(place):
    event = dispatched(place, at=local(2026, 9, 21, 10, 0))
    event = services.accept_event(event=event, by=place.sanitation_handler, at=local(2026, 9, 21, 10, 5))
    assert event.status == S.IN_PROGRESS
    with pytest.raises(EventNotPossible):
        services.send_back_event(
            event=event, by=place.sanitation_handler, reason="不归我们", at=local(2026, 9, 21, 10, 10)
        )


# --- the whistle --------------------------------------------------------------------------------------


def test_a_whistle_summons_departments_who_report_on_site_in_time_and_the_lead_feeds_back(place):
    event = registered(place)
    with pytest.raises(GridEventError) as refused:
        services.whistle_event(
            event=event, by=place.centre, departments=[place.sanitation], lead=place.sanitation
        )
    assert "departments" in refused.value.field_errors
    event = services.whistle_event(
        event=event,
        by=place.centre,
        departments=[place.sanitation, place.water],
        lead=place.water,
        on_site_within=1,
        at=local(2026, 9, 21, 10, 0),
    )
    assert (event.status, event.is_whistle, event.department_id) == (S.DISPATCHED, True, place.water.pk)
    summonses = {s.department_id: s for s in event.summonses.all()}
    assert set(summonses) == {place.sanitation.pk, place.water.pk}
    assert summonses[place.water.pk].is_lead and not summonses[place.sanitation.pk].is_lead
    assert summonses[place.water.pk].due_at == local(2026, 9, 21, 11, 0)
    assert open_deadlines(event).filter(kind__startswith="on-site-").count() == 2

    with pytest.raises(GridEventError):
        services.report_on_site(event=event, by=place.enforcement_handler)
    on_time = services.report_on_site(event=event, by=place.water_handler, at=local(2026, 9, 21, 10, 40))
    late = services.report_on_site(event=event, by=place.sanitation_handler, at=local(2026, 9, 21, 11, 20))
    assert (on_time.on_time, late.on_time) == (True, False)
    assert services.report_on_site(event=event, by=place.water_handler).reported_at == local(
        2026, 9, 21, 10, 40
    )
    with pytest.raises(GridEventError):
        services.send_back_event(
            event=event, by=place.water_handler, reason="x", at=local(2026, 9, 21, 11, 30)
        )
    with pytest.raises(GridEventError):  # only the lead feeds back
        fed_back(place, event, at=local(2026, 9, 21, 12, 0), by=place.sanitation_handler)
    event = fed_back(place, event, at=local(2026, 9, 21, 14, 0), by=place.water_handler)
    assert event.status == S.FED_BACK
    assert actions(event).count("on-site") == 2


# --- steps 4 and 5: feed back, check, rework -----------------------------------------------------------


def test_a_failed_check_is_rework_counted_and_a_passed_check_closes_on_time(place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))  # 4 working hours: 09:30-12:00 and 13:30-15:00
    with pytest.raises(GridEventError) as refused:
        services.feed_back_event(event=event, by=place.sanitation_handler, note="已清运", photos=[])
    assert "photos" in refused.value.field_errors
    event = fed_back(place, event, at=local(2026, 9, 21, 11, 0))
    check = open_deadlines(event).get(kind="check")
    assert check.limit_unit == LimitUnit.WORKING_DAYS
    with pytest.raises(GridEventError):  # the handling department does not check itself
        services.check_event(event=event, by=place.sanitation_handler, passed=True)
    with pytest.raises(GridEventError):  # a member of another grid neither
        services.check_event(event=event, by=place.other_member, passed=True)
    with pytest.raises(GridEventError) as refused:
        services.check_event(event=event, by=place.member, passed=False, note="")
    assert "note" in refused.value.field_errors
    event = services.check_event(
        event=event, by=place.member, passed=False, note="仍有垃圾", at=local(2026, 9, 21, 11, 30)
    )
    assert (event.status, event.rework_count) == (S.IN_PROGRESS, 1)
    event = fed_back(place, event, at=local(2026, 9, 21, 13, 40))
    event = services.check_event(
        event=event, by=place.member, passed=True, photos=[photo("check.png")], at=local(2026, 9, 21, 14, 0)
    )
    assert (event.status, event.rework_count, event.closed_on_time) == (S.CLOSED, 1, True)
    assert event.clock_stopped_at == local(2026, 9, 21, 14, 0)
    assert actions(event).count("rework") == 1 and "check-pass" in actions(event)
    assert not open_deadlines(event).exists()


def test_closed_after_the_due_time_is_late(place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))  # due 15:00 (2.5 h before lunch, 1.5 h after)
    event = fed_back(place, event, at=local(2026, 9, 21, 15, 0))
    event = services.check_event(event=event, by=place.member, passed=True, at=local(2026, 9, 21, 16, 0))
    assert event.closed_on_time is False and event.warning_level == 2


def test_handling_in_stages_starts_each_stage_limit_and_feedback_waits_for_the_last(place):
    # 私搭乱建: stop work 4 working hours, penalty 7 working days, demolition 20 working days
    event = dispatched(place, category="私搭乱建", department=place.enforcement, at=local(2026, 9, 21, 9, 0))
    assert timezone.localtime(event.due_at) == local(2026, 9, 21, 14, 30)
    with translation.override("en"), pytest.raises(GridEventError, match="stop work|停工"):
        fed_back(place, event, at=local(2026, 9, 21, 10, 0), by=place.enforcement_handler)
    event = services.complete_stage(event=event, by=place.enforcement_handler, at=local(2026, 9, 21, 11, 0))
    # 7 working days from Monday 21 Sep: 22, 23, 24, 28, 29, 30 Sep, 8 Oct (holidays between)
    assert (event.stage, event.limit_unit, event.due_date.isoformat()) == (
        2,
        LimitUnit.WORKING_DAYS,
        "2026-10-08",
    )
    event = services.complete_stage(event=event, by=place.enforcement_handler, at=local(2026, 9, 22, 9, 0))
    with pytest.raises(GridEventError):
        services.complete_stage(event=event, by=place.enforcement_handler)
    event = fed_back(place, event, at=local(2026, 10, 9, 9, 0), by=place.enforcement_handler)
    assert event.status == S.FED_BACK and actions(event).count("stage-done") == 2


# --- step 6: evaluate ----------------------------------------------------------------------------------


def _closed(place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))
    event = fed_back(place, event, at=local(2026, 9, 21, 11, 0))
    return services.check_event(event=event, by=place.member, passed=True, at=local(2026, 9, 21, 11, 30))


def test_the_reporter_rates_the_result(place):
    event = _closed(place)
    with pytest.raises(GridEventError):
        services.evaluate_event(event=event, by=place.centre, satisfaction=3)
    with pytest.raises(GridEventError) as refused:
        services.evaluate_event(event=event, by=place.member, satisfaction="很好")
    assert "satisfaction" in refused.value.field_errors
    event = services.evaluate_event(
        event=event, by=place.member, satisfaction="3", at=local(2026, 9, 22, 9, 0)
    )
    assert (event.status, event.satisfaction) == (S.EVALUATED, Satisfaction.SATISFIED)
    with pytest.raises(EventNotPossible):
        services.evaluate_event(event=event, by=place.member, satisfaction=1)


# --- deferral ------------------------------------------------------------------------------------------


def test_a_deferral_is_requested_before_the_deadline_and_approved_by_the_centre(place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))  # due 15:00 (2.5 h before lunch, 1.5 h after)
    with pytest.raises(GridEventError):
        services.request_deferral(
            event=event, by=place.sanitation_handler, amount=2, reason="等车", at=local(2026, 9, 21, 15, 0)
        )
    with pytest.raises(GridEventError) as refused:
        services.request_deferral(event=event, by=place.sanitation_handler, amount=0, reason="等车")
    assert "amount" in refused.value.field_errors
    deferral = services.request_deferral(
        event=event,
        by=place.sanitation_handler,
        amount=2,
        reason="清运车辆检修",
        at=local(2026, 9, 21, 13, 0),
    )
    with pytest.raises(GridEventError):
        services.request_deferral(
            event=event, by=place.sanitation_handler, amount=1, reason="再等", at=local(2026, 9, 21, 13, 5)
        )
    with pytest.raises(GridEventError):
        services.decide_deferral(deferral=deferral, by=place.sanitation_handler, approve=True)
    deferral = services.decide_deferral(
        deferral=deferral, by=place.centre, approve=True, at=local(2026, 9, 21, 13, 30)
    )
    event.refresh_from_db()
    assert deferral.status == DeferralStatus.APPROVED and event.deferral_count == 1
    assert timezone.localtime(event.due_at) == local(2026, 9, 21, 17, 0)  # 15:00 + 2 working hours
    with pytest.raises(GridEventError):
        services.decide_deferral(deferral=deferral, by=place.centre, approve=False, note="x")
    assert {"deferral-request", "deferral-approve", "deadline-open"} <= set(actions(event))


def test_a_refused_deferral_needs_a_reason_and_changes_no_deadline(place):
    event = dispatched(place, at=local(2026, 9, 21, 9, 30))
    deferral = services.request_deferral(
        event=event, by=place.sanitation_handler, amount=2, reason="等车", at=local(2026, 9, 21, 10, 0)
    )
    with pytest.raises(GridEventError):
        services.decide_deferral(deferral=deferral, by=place.centre, approve=False)
    services.decide_deferral(deferral=deferral, by=place.centre, approve=False, note="可调配其他车辆")
    event.refresh_from_db()
    assert timezone.localtime(event.due_at) == local(2026, 9, 21, 15, 0) and event.deferral_count == 0


# --- links -----------------------------------------------------------------------------------------


def test_an_event_becomes_an_enforcement_clue_through_the_hook_once(place):
    event = registered(place)
    wired = services._clue_hook
    services.set_enforcement_clue_hook(None)
    try:
        with pytest.raises(GridEventError):
            services.make_enforcement_clue(event=event, by=place.centre)
    finally:
        services.set_enforcement_clue_hook(wired)
    made = []

    def create_clue(*, event, by, note):
        # any model stands in for the enforcement app's clue here: the event's own category row
        made.append(event.pk)
        return event.category

    services.set_enforcement_clue_hook(create_clue)
    try:
        clue = services.make_enforcement_clue(event=event, by=place.centre, note="违法经营")
        again = services.make_enforcement_clue(event=event, by=place.centre)
    finally:
        services.set_enforcement_clue_hook(wired)
    event.refresh_from_db()
    assert made == [event.pk] and clue == again == event.category
    assert (event.clue_type.model, event.clue_id) == ("eventcategory", event.category_id)
    assert "enforcement-clue" in actions(event)


def test_times_are_recorded_as_given(place):
    event = report(place, at=local(2026, 9, 21, 9, 30))
    assert event.reported_at == local(2026, 9, 21, 9, 30)
    assert timezone.localtime(event.reported_at).utcoffset() == timedelta(hours=8)


def test_an_event_becomes_a_clue_of_the_townships_enforcement_bureau(place):
    from enforcement.models import EnforcementCase

    place.enforcement.code = "ZHZF"
    place.enforcement.save()
    event = registered(place)
    clue = services.make_enforcement_clue(event=event, by=place.centre, note="占道经营屡教不改")
    assert isinstance(clue, EnforcementCase) and clue.department == place.enforcement
    assert clue.source == "grid_event" and clue.source_id == event.pk
    assert services.make_enforcement_clue(event=event, by=place.centre) == clue
