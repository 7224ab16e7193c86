"""A new loop needs only a model, a workflow table and one registration (tests/casework_app): it then gets
numbers, transitions with refusals, several deadlines that warn on their own, the default escalation,
urging, timelines for people, data scope and protected timelines from the kernel."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import translation

from tests.casework_app.models import Complaint, ComplaintStatus, Permit
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.casework import deadlines
from township.casework.clock import start_clock
from township.casework.display import Audience, timeline_rows
from township.casework.models import LimitUnit, TimelineEntry, Urging, WarningLevel
from township.casework.numbers import next_number
from township.casework.registry import case_type_of, register_case_type
from township.casework.sweep import sweep_warning_levels
from township.casework.timeline import append_entry, verify_timelines
from township.casework.urging import UrgingError, reply_to_urging, urge_case
from township.casework.workflow import InvalidTransition, lock, transition
from township.notify.models import InboxItem, OutboxMessage
from township.org.roles import Role
from township.org.scope import visible_to

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
C = ComplaintStatus


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def place():
    township = TownshipFactory(short_code="QS")
    department = DepartmentFactory(township=township)
    handler = make_staff(Role.APPROVER, department=department)
    handler.first_name, handler.last_name = "小明", "王"
    handler.save()
    handler.staff_profile.phone = "13900000001"
    handler.staff_profile.save()
    head = make_staff(Role.DEPARTMENT_HEAD, department=department)
    head.staff_profile.phone = "13900000002"
    head.staff_profile.save()
    command = make_staff(Role.COMMAND_CENTRE, township=township)
    return township, department, handler, head, command


def new_complaint(township, department, handler, at=None):
    at = at or local(2026, 9, 21, 10, 0)
    with transaction.atomic():
        complaint = Complaint(
            township=township,
            department=department,
            handler=handler,
            title="噪音扰民",
            number=next_number(township=township, series="TS", at=at),
        )
        start_clock(complaint, at=at, limit_value=5, limit_unit=LimitUnit.WORKING_DAYS)
        complaint.save()
        append_entry(complaint, action="receive", at=at)
    return complaint


def test_numbers_are_per_township_series_and_year_without_gaps(place):
    township, department, handler, *_ = place
    first = new_complaint(township, department, handler)
    second = new_complaint(township, department, handler)
    assert (first.number, second.number) == ("QS-TS-2026-000001", "QS-TS-2026-000002")
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(township=township, series="TS", at=local(2026, 9, 22, 9, 0))
        raise RuntimeError("the step failed: its number goes back")
    assert new_complaint(township, department, handler).number == "QS-TS-2026-000003"
    assert next_number(township=township, series="TS", at=local(2027, 1, 4, 9, 0)) == "QS-TS-2027-000001"


def test_numbers_follow_a_configured_format(place, settings):
    township, *_ = place
    settings.CASE_NUMBER_FORMATS = {"ZF": "{township}综执罚〔{year}〕{serial}号"}
    assert next_number(township=township, series="ZF", at=local(2026, 3, 1, 9, 0)) == "QS综执罚〔2026〕1号"


def test_moves_follow_the_table_and_a_refused_move_says_why(place):
    township, department, handler, *_ = place
    complaint = new_complaint(township, department, handler)
    with transaction.atomic():
        complaint = lock(complaint)
        entry = transition(complaint, to=C.ASSIGNED, actor=handler, action="assign")
        complaint.save()
    assert (entry.from_state, entry.to_state, complaint.status) == ("open", "assigned", "assigned")
    with (
        translation.override("en"),
        pytest.raises(InvalidTransition, match="cannot become"),
        transaction.atomic(),
    ):
        transition(lock(complaint), to=C.CLOSED, actor=handler, action="close")
    complaint.refresh_from_db()
    assert complaint.status == C.ASSIGNED
    assert TimelineEntry.objects.filter(object_id=complaint.pk, action="close").count() == 0


def test_the_timeline_reads_as_labels_and_names_and_hides_internal_notes_from_the_public(place):
    township, department, handler, *_ = place
    complaint = new_complaint(township, department, handler)
    with transaction.atomic():
        complaint = lock(complaint)
        transition(
            complaint, to=C.ASSIGNED, actor=handler, action="assign", note="内部备注", is_internal=True
        )
        complaint.save()
    staff = timeline_rows(complaint, audience=Audience.STAFF)
    public = timeline_rows(complaint, audience=Audience.PUBLIC)
    assert [row.label for row in staff] == ["Received", "Assigned to a handler"]
    assert staff[1].actor_name == "王小明" and staff[1].note == "内部备注"
    assert [row.label for row in public] == ["Received"]


def test_two_open_deadlines_warn_each_on_their_own(place, django_capture_on_commit_callbacks):
    township, department, handler, head, command = place
    complaint = new_complaint(township, department, handler, at=local(2026, 9, 21, 10, 0))  # due 25 Sep
    with transaction.atomic():
        deadlines.open_deadline(
            complaint,
            kind="reply",
            label="Reply to the complainant",
            limit_value=2,
            limit_unit=LimitUnit.WORKING_HOURS,
            at=local(2026, 9, 21, 10, 0),
            actor=handler,
        )
        deadlines.open_deadline(
            complaint,
            kind="site-visit",
            label="Visit the site",
            limit_value=3,
            limit_unit=LimitUnit.CALENDAR_DAYS,
            at=local(2026, 9, 21, 10, 0),
        )
        # opening one again is a retry, not a second clock
        deadlines.open_deadline(
            complaint,
            kind="reply",
            label="Reply to the complainant",
            limit_value=2,
            limit_unit=LimitUnit.WORKING_HOURS,
            at=local(2026, 9, 21, 10, 5),
        )
    assert deadlines.open_deadlines(complaint).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        sweep_warning_levels(now=local(2026, 9, 21, 14, 0))  # the 2-hour reply limit has passed
    reply = deadlines.open_deadlines(complaint).get(kind="reply")
    visit = deadlines.open_deadlines(complaint).get(kind="site-visit")
    # the reply (2 working hours) is overdue; the visit (3 days, due at the end of 24 Sep) is not
    assert (reply.warning_level, visit.warning_level) == (WarningLevel.RED, WarningLevel.NORMAL)
    red = InboxItem.objects.filter(title__contains="Reply to the complainant is overdue")
    assert set(red.values_list("user_id", flat=True)) == {handler.pk, head.pk, command.pk}
    with django_capture_on_commit_callbacks(execute=True):
        sweep_warning_levels(now=local(2026, 9, 22, 9, 0))  # three days left of the visit: yellow
    assert list(
        InboxItem.objects.filter(title__contains="Visit the site").values_list("user_id", flat=True)
    ) == [handler.pk]
    assert complaint.warning_level == WarningLevel.NORMAL  # the case's own 5-day clock is not due yet
    with django_capture_on_commit_callbacks(execute=True):
        sweep_warning_levels(now=local(2026, 9, 25, 0, 0))  # the visit is overdue now
        sweep_warning_levels(now=local(2026, 9, 25, 0, 1))  # a second sweep tells nobody again
    assert InboxItem.objects.filter(title__contains="Visit the site is overdue").count() == 3
    assert InboxItem.objects.filter(title__contains="Reply to the complainant").count() == 3
    # SMS to those with a phone on file (the handler and the head)
    assert OutboxMessage.objects.filter(body__contains="Visit the site is overdue").count() == 2
    with transaction.atomic():
        closed = deadlines.close_deadline(complaint, kind="reply", at=local(2026, 9, 25, 9, 0), actor=handler)
    assert closed.warning_level == WarningLevel.RED  # closed late stays red
    assert [row.action for row in timeline_rows(complaint, audience=Audience.STAFF)].count(
        "deadline-open"
    ) == 2


def test_every_listener_of_a_case_type_runs_whatever_the_registration_order(place):
    township, department, handler, *_ = place
    heard = []
    case_type = case_type_of(Complaint)
    saved = list(case_type.listeners)
    try:
        register_case_type(Complaint, listeners=[lambda events: heard.append(("grid", len(events)))])
        register_case_type(Complaint, on_warning=lambda events: heard.append(("enforcement", len(events))))
        new_complaint(township, department, handler, at=local(2026, 9, 21, 10, 0))
        sweep_warning_levels(now=local(2026, 10, 30, 9, 0))
    finally:
        case_type.listeners = saved
    assert sorted(heard) == [("enforcement", 1), ("grid", 1)]
    # the default escalation ran too
    assert InboxItem.objects.filter(user=handler, title__contains="overdue").exists()


def test_urging_tells_the_handler_once_and_the_reply_reaches_the_urger(
    place, django_capture_on_commit_callbacks
):
    township, department, handler, head, command = place
    complaint = new_complaint(township, department, handler)
    with django_capture_on_commit_callbacks(execute=True):
        urge_case(case=complaint, by=command, note="请今天回复", level="supervise")
        urge_case(case=complaint, by=command, note="请今天回复", level="supervise")  # double click
    urging = Urging.objects.get()
    assert urging.urged_user == handler
    assert InboxItem.objects.filter(user=handler, key=f"urging:{urging.pk}").count() == 1
    assert OutboxMessage.objects.filter(recipient="13900000001").count() == 1
    reply_to_urging(urging=urging, by=handler, reply="已处理")
    assert InboxItem.objects.filter(user=command, key=f"urging-reply:{urging.pk}").exists()
    with pytest.raises(UrgingError):
        reply_to_urging(urging=urging, by=command, reply="不是我")
    actions = [row.action for row in timeline_rows(complaint, audience=Audience.STAFF)]
    assert actions.count("supervise") == 1 and "urge-reply" in actions


def test_urging_needs_a_note_and_someone_to_urge(place):
    township, department, handler, head, command = place
    complaint = new_complaint(township, department, None)
    with translation.override("en"), pytest.raises(UrgingError, match="Say what"):
        urge_case(case=complaint, by=command, note="  ")
    with translation.override("en"), pytest.raises(UrgingError, match="Nobody"):
        urge_case(case=complaint, by=command, note="快")


def test_the_data_scope_reaches_the_new_case_type(place):
    township, department, handler, head, command = place
    complaint = new_complaint(township, department, handler)
    other_department = DepartmentFactory(township=township)
    colleague = make_staff(Role.APPROVER, department=other_department)
    stranger = make_staff(Role.COMMAND_CENTRE, township=TownshipFactory())
    everyone = Complaint.objects.all()
    assert list(visible_to(everyone, command)) == [complaint]  # township-wide role
    assert list(visible_to(everyone, handler)) == [complaint]  # their department
    assert list(visible_to(everyone, colleague)) == []  # another department of the same township
    assert list(visible_to(everyone, stranger)) == []  # another township
    with pytest.raises(UrgingError):
        urge_case(case=complaint, by=stranger, note="看看")


@pytest.mark.django_db(transaction=True)
def test_a_removed_newest_entry_is_found(place):
    township, department, handler, *_ = place
    complaint = new_complaint(township, department, handler)
    append_entry(complaint, action="note", note="second")
    assert verify_timelines() == []
    content_type = ContentType.objects.get_for_model(Complaint)
    with connection.cursor() as cursor:  # what an owner of the table could do: drop the trigger's guard
        cursor.execute(
            "ALTER TABLE casework_timelineentry DISABLE TRIGGER casework_timelineentry_append_only"
        )
        cursor.execute(
            "DELETE FROM casework_timelineentry WHERE content_type_id = %s AND object_id = %s AND seq = 2",
            [content_type.pk, complaint.pk],
        )
        cursor.execute("ALTER TABLE casework_timelineentry ENABLE TRIGGER casework_timelineentry_append_only")
    with translation.override("en"):
        problems = verify_timelines()
        assert len(problems) == 1 and "removed" in str(problems[0])


def test_a_timeline_head_cannot_be_moved_back(place):
    township, department, handler, *_ = place
    complaint = new_complaint(township, department, handler)
    append_entry(complaint, action="note", note="second")
    with pytest.raises(Exception, match="refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE casework_timelinehead SET seq = 1 WHERE object_id = %s", [complaint.pk])


def test_permit_cases_without_a_workflow_still_sweep(place):
    permit = Permit(title="stall")
    start_clock(permit, at=local(2026, 9, 21, 10, 0), limit_value=1, limit_unit=LimitUnit.WORKING_DAYS)
    permit.save()
    result = sweep_warning_levels(now=local(2026, 9, 30, 9, 0))
    assert result["models"]["casework_app.permit"]["changed"] == 1
