"""12345 work orders: every step, every refusal, the clocks hand-computed."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from grid.hotline import services as hotline
from grid.hotline.errors import HotlineError
from grid.models.hotline import HotlineOrder, HotlineSendBack, HotlineSource, HotlineStatus
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.casework.deadlines import open_deadlines
from township.casework.timeline import entries_for
from township.casework.workflow import InvalidTransition
from township.notify.models import OutboxMessage
from township.org.roles import Role

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
S = HotlineStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def town():
    township = TownshipFactory()
    unit = DepartmentFactory(township=township, name="城管中队")
    other_unit = DepartmentFactory(township=township, name="市场监管所")
    return {
        "township": township,
        "unit": unit,
        "other_unit": other_unit,
        "centre": make_staff(Role.COMMAND_CENTRE, township=township),
        "officer": make_staff(Role.ENFORCEMENT_OFFICER, department=unit),
        "stranger": make_staff(Role.ENFORCEMENT_OFFICER, department=other_unit),
    }


def incoming(**overrides):
    values = {
        "platform_order_id": "GD20261201000123",
        "hotline_number": "12345-20261201-0123",
        "urgency": "general",
        "kind": "complaint",
        "title": "夜间施工噪声扰民",
        "content": "幸福路工地每晚十点后仍在施工。",
        "received_at": local(2026, 9, 28, 9, 0),
        "caller_name": "王女士",
        "caller_phone": "13800001234",
        "address": "幸福路18号",
        "lng": "120.2846",
        "lat": "31.9123",
    }
    values.update(overrides)
    return hotline.IncomingOrder(**values)


def received(town, **overrides):
    at = overrides.pop("at", local(2026, 9, 28, 9, 0))
    order, created = hotline.receive_order(
        township=town["township"], incoming=incoming(**overrides), source=HotlineSource.API, at=at
    )
    assert created
    return order


def signed(town, *, at=None, **overrides):
    at = at or local(2026, 9, 29, 10, 0)
    order = received(town, **overrides)
    order = hotline.dispatch_order(order=order, department=town["unit"], by=town["centre"], at=at)
    return hotline.sign_for_order(order=order, by=town["officer"], at=at)


def test_an_order_is_numbered_once_however_often_the_platform_sends_it(town):
    order = received(town)
    again, created = hotline.receive_order(
        township=town["township"], incoming=incoming(title="changed"), source=HotlineSource.API
    )
    assert not created and again.pk == order.pk and again.title == "夜间施工噪声扰民"
    assert HotlineOrder.objects.count() == 1
    assert order.number.startswith(town["township"].short_code) and "RX" in order.number
    assert order.status == S.RECEIVED
    [dispatch] = open_deadlines(order)
    # a general order is dispatched within 24 clock hours
    assert dispatch.kind == "dispatch" and dispatch.due_at == local(2026, 9, 29, 9, 0)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urgency": "urgent"}, "urgency"),
        ({"kind": "rant"}, "kind"),
        ({"lng": "200"}, "lng"),
        ({"lat": "北纬31"}, "lat"),
        ({"caller_phone": "138０000１２３４x"}, "caller_phone"),
        ({"title": "a\x00b"}, "title"),
        ({"content": ""}, "content"),
        ({"platform_order_id": "GD 1"}, "platform_order_id"),
        ({"received_at": datetime(2026, 9, 28, 9, 0)}, "received_at"),
    ],
)
def test_a_faulty_order_is_refused_field_by_field_and_nothing_is_saved(town, overrides, field):
    with pytest.raises(HotlineError) as refused:
        hotline.receive_order(
            township=town["township"], incoming=incoming(**overrides), source=HotlineSource.API
        )
    assert field in refused.value.field_errors
    assert "nothing was saved" in refused.value.message
    assert not HotlineOrder.objects.exists()


def test_an_emergency_is_dispatched_within_an_hour_round_the_clock(town):
    order = received(town, urgency="emergency", at=local(2026, 10, 1, 23, 30))
    [dispatch] = open_deadlines(order)
    assert dispatch.due_at == local(2026, 10, 2, 0, 30)


def test_the_reply_clock_starts_at_sign_for_and_counts_working_days_across_national_day(town):
    order = received(town)
    order = hotline.dispatch_order(
        order=order, department=town["unit"], by=town["centre"], at=local(2026, 9, 28, 15, 0)
    )
    assert order.due_at is None  # dispatched is not yet signed for
    [sign] = open_deadlines(order)
    assert sign.kind == "sign" and sign.due_at == local(
        2026, 9, 29, 10, 30
    )  # 4 working hours: 2.5 today, 1.5 tomorrow
    order = hotline.sign_for_order(order=order, by=town["officer"], at=local(2026, 9, 29, 10, 0))
    assert order.status == S.SIGNED and order.handler == town["officer"]
    # 7 working days after 29 Sep: 30 Sep, 8, 9, 10 (a worked Saturday), 12, 13, 14 Oct
    assert order.due_date == date(2026, 10, 14)
    assert not open_deadlines(order).exists()


def test_only_the_unit_signs_and_only_the_centre_dispatches(town):
    order = received(town)
    with pytest.raises(HotlineError, match="command centre"):
        hotline.dispatch_order(order=order, department=town["unit"], by=town["officer"])
    order = hotline.dispatch_order(order=order, department=town["unit"], by=town["centre"])
    with pytest.raises(HotlineError, match="another unit"):
        hotline.sign_for_order(order=order, by=town["stranger"])
    foreign_centre = make_staff(Role.COMMAND_CENTRE, township=TownshipFactory())
    with pytest.raises(HotlineError, match="not in your area"):
        hotline.dispatch_order(order=order, department=town["other_unit"], by=foreign_centre)
    with pytest.raises(HotlineError, match="unit of this township"):
        hotline.dispatch_order(
            order=hotline.send_back_order(
                order=order, by=town["officer"], reason="remit", explanation="不属本单位职责"
            ),
            department=DepartmentFactory(),
            by=town["centre"],
        )


def test_a_send_back_is_possible_until_the_end_of_the_next_working_day(town):
    # dispatched on Friday 4 December at 16:00: one working day, as every clock reads it, runs to the end
    # of Monday 7 December (as for grid events)
    order = received(town, at=local(2026, 12, 4, 9, 0))
    order = hotline.dispatch_order(
        order=order, department=town["unit"], by=town["centre"], at=local(2026, 12, 4, 16, 0)
    )
    with pytest.raises(HotlineError, match="within one working day"):
        hotline.send_back_order(
            order=order,
            by=town["officer"],
            reason="remit",
            explanation="属市场监管",
            at=local(2026, 12, 8, 0, 1),
        )
    order = hotline.send_back_order(
        order=order,
        by=town["officer"],
        reason="remit",
        explanation="《食品安全法》第六条：属市场监管所职责",
        suggested_department=town["other_unit"],
        at=local(2026, 12, 7, 23, 59),
    )
    assert order.status == S.RETURNED and order.return_count == 1
    [record] = HotlineSendBack.objects.all()
    assert record.department == town["unit"] and record.suggested_department == town["other_unit"]
    assert [d.kind for d in open_deadlines(order)] == ["dispatch"]
    assert "属市场监管所职责" in entries_for(order, include_internal=False).get(action="send-back").note


def test_a_send_back_needs_a_reason_and_a_forced_order_cannot_be_sent_back(town):
    order = received(town)
    order = hotline.dispatch_order(
        order=order, department=town["unit"], by=town["centre"], at=local(2026, 9, 28, 10, 0)
    )
    with pytest.raises(HotlineError) as refused:
        hotline.send_back_order(
            order=order, by=town["officer"], reason="", explanation=" ", at=local(2026, 9, 28, 11, 0)
        )
    assert set(refused.value.field_errors) == {"reason", "explanation"}
    order = hotline.send_back_order(
        order=order, by=town["officer"], reason="remit", explanation="x", at=local(2026, 9, 28, 11, 0)
    )
    with pytest.raises(HotlineError, match="Say why"):
        hotline.force_assign_order(order=order, department=town["unit"], by=town["centre"], note="")
    order = hotline.force_assign_order(
        order=order,
        department=town["unit"],
        by=town["centre"],
        note="属地管理，由城管牵头",
        at=local(2026, 9, 28, 14, 0),
    )
    assert order.is_forced and order.status == S.ASSIGNED
    with pytest.raises(HotlineError, match="cannot be sent back"):
        hotline.send_back_order(
            order=order, by=town["officer"], reason="remit", explanation="x", at=local(2026, 9, 28, 15, 0)
        )


def test_an_order_is_sent_back_at_most_twice(town):
    order = received(town)
    for hour in (9, 11):
        order = hotline.dispatch_order(
            order=order, department=town["unit"], by=town["centre"], at=local(2026, 9, 28, hour, 0)
        )
        order = hotline.send_back_order(
            order=order, by=town["officer"], reason="remit", explanation="x", at=local(2026, 9, 28, hour, 30)
        )
    order = hotline.dispatch_order(
        order=order, department=town["unit"], by=town["centre"], at=local(2026, 9, 28, 14, 0)
    )
    with pytest.raises(HotlineError, match="sent back 2 times"):
        hotline.send_back_order(
            order=order, by=town["officer"], reason="remit", explanation="x", at=local(2026, 9, 28, 14, 30)
        )


def test_an_extension_is_asked_before_the_deadline_and_moves_it_when_approved(town):
    order = signed(town)
    with pytest.raises(HotlineError, match="before the deadline"):
        hotline.request_extension(
            order=order, by=town["officer"], amount=3, reason="需检测", at=local(2026, 10, 15, 9, 0)
        )
    extension = hotline.request_extension(
        order=order, by=town["officer"], amount=3, reason="需第三方检测", at=local(2026, 10, 12, 9, 0)
    )
    with pytest.raises(HotlineError, match="already waiting"):
        hotline.request_extension(
            order=order, by=town["officer"], amount=2, reason="x", at=local(2026, 10, 12, 9, 5)
        )
    with pytest.raises(HotlineError, match="command centre"):
        hotline.decide_extension(extension=extension, by=town["officer"], approve=True)
    hotline.decide_extension(
        extension=extension, by=town["centre"], approve=True, at=local(2026, 10, 12, 10, 0)
    )
    order.refresh_from_db()
    assert order.due_date == date(2026, 10, 19)  # 14 Oct + 3 working days: 15, 16, 19
    sms = OutboxMessage.objects.get(channel="sms", idempotency_key__startswith="hotline-extension-sms")
    assert "12345-20261201-0123" in sms.body
    with pytest.raises(HotlineError, match="decided already"):
        hotline.decide_extension(extension=extension, by=town["centre"], approve=False)


def test_the_reply_reaches_the_caller_and_the_platform_once(town):
    order = signed(town)
    reply = "已责令工地22时后停止施工，并立案调查。"
    for _attempt in range(2):
        order = hotline.reply_to_caller(
            order=order, by=town["officer"], reply=reply, at=local(2026, 10, 9, 10, 0)
        )
    assert order.status == S.REPLIED and order.clock_stopped_at == local(2026, 10, 9, 10, 0)
    platform = OutboxMessage.objects.get(channel="platform")
    assert platform.recipient == "hotline12345"
    assert '"order_id": "GD20261201000123"' in platform.body and reply in platform.body
    assert (
        OutboxMessage.objects.filter(channel="sms", idempotency_key__startswith="hotline-reply-sms").count()
        == 1
    )
    with pytest.raises(InvalidTransition):
        hotline.sign_for_order(order=order, by=town["officer"])


def test_a_caller_who_asked_for_confidentiality_gets_no_sms(town):
    order = signed(town, wants_anonymity=True)
    hotline.reply_to_caller(order=order, by=town["officer"], reply="已处理")
    assert not OutboxMessage.objects.filter(channel="sms").exists()
    assert OutboxMessage.objects.filter(channel="platform").exists()


def test_dissatisfied_for_the_units_fault_is_redone_with_a_fresh_limit(town):
    order = signed(town)
    order = hotline.reply_to_caller(
        order=order, by=town["officer"], reply="已处理", at=local(2026, 10, 9, 10, 0)
    )
    with pytest.raises(HotlineError) as refused:
        hotline.record_follow_up(order=order, by=town["centre"], result="dissatisfied")
    assert "unit_at_fault" in refused.value.field_errors
    order = hotline.record_follow_up(
        order=order,
        by=town["centre"],
        result="dissatisfied",
        unit_at_fault=True,
        note="仍在施工",
        at=local(2026, 10, 12, 9, 0),
    )
    assert order.status == S.SIGNED and order.redo_count == 1
    assert order.due_date == date(2026, 10, 21)  # 7 working days after 12 Oct
    order = hotline.reply_to_caller(
        order=order, by=town["officer"], reply="已停工并处罚", at=local(2026, 10, 14, 10, 0)
    )
    # the second reply is a new platform message (another key), not a resend of the first
    assert OutboxMessage.objects.filter(channel="platform").count() == 2
    order = hotline.record_follow_up(
        order=order, by=town["centre"], result="satisfied", at=local(2026, 10, 15, 9, 0)
    )
    assert order.status == S.CLOSED and order.closed_at == local(2026, 10, 15, 9, 0)


def test_dissatisfied_for_other_reasons_closes_with_the_result_kept(town):
    order = signed(town)
    order = hotline.reply_to_caller(order=order, by=town["officer"], reply="不属于政府职责，已解释")
    order = hotline.record_follow_up(
        order=order, by=town["centre"], result="dissatisfied", unit_at_fault=False
    )
    assert order.status == S.CLOSED and order.follow_up_unit_at_fault is False


def test_the_timeline_tells_the_whole_story_in_order(town):
    order = signed(town)
    hotline.reply_to_caller(order=order, by=town["officer"], reply="已处理")
    actions = [e.action for e in entries_for(order, include_internal=True)]
    assert actions[0] == "receive" and "dispatch" in actions and "sign" in actions and actions[-1] == "reply"
