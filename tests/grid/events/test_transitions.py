"""Every step from every state: the steps the workflow allows succeed, all others are refused with the
states named, and a refused step changes nothing (state, timeline)."""

import pytest
from django.utils import translation

from grid.errors import EventNotPossible
from grid.events import services
from grid.models import EVENT_WORKFLOW, EventStatus, RejectReason
from tests.grid.events.helpers import local, photo, report
from township.casework.models import TimelineEntry

pytestmark = pytest.mark.django_db
S = EventStatus
T0 = local(2026, 9, 21, 9, 30)
LATER = local(2026, 9, 21, 10, 30)


def event_in(place, state):
    """An event brought to `state` through the services."""
    event = report(place, at=T0)
    if state == S.REPORTED:
        return event
    if state == S.REJECTED:
        return services.reject_event(
            event=event, by=place.centre, reason=RejectReason.INVALID, note="误报", at=T0
        )
    if state == S.SELF_HANDLED:
        return report(place, at=T0, handled_on_the_spot=True, after_photos=[photo("after.png")])
    event = services.register_event(event=event, by=place.centre, at=T0)
    if state == S.REGISTERED:
        return event
    event = services.dispatch_event(event=event, by=place.centre, department=place.sanitation, at=T0)
    if state == S.DISPATCHED:
        return event
    if state == S.RETURNED:
        return services.send_back_event(event=event, by=place.sanitation_handler, reason="不归我们", at=T0)
    event = services.accept_event(event=event, by=place.sanitation_handler, at=T0)
    if state == S.IN_PROGRESS:
        return event
    event = services.feed_back_event(
        event=event, by=place.sanitation_handler, note="已处理", photos=[photo()], at=T0
    )
    if state == S.FED_BACK:
        return event
    event = services.check_event(event=event, by=place.member, passed=True, at=T0)
    if state == S.CLOSED:
        return event
    return services.evaluate_event(event=event, by=place.member, satisfaction=3, at=T0)


STEPS = {
    "register": lambda p, e: services.register_event(event=e, by=p.centre, at=LATER),
    "reject": lambda p, e: services.reject_event(
        event=e, by=p.centre, reason="invalid", note="误报", at=LATER
    ),
    "dispatch": lambda p, e: services.dispatch_event(event=e, by=p.centre, department=p.water, at=LATER),
    "whistle": lambda p, e: services.whistle_event(
        event=e, by=p.centre, departments=[p.water, p.enforcement], lead=p.water, at=LATER
    ),
    "send-back": lambda p, e: services.send_back_event(
        event=e, by=p.sanitation_handler, reason="不归我们", at=LATER
    ),
    "force-assign": lambda p, e: services.force_assign_event(event=e, by=p.centre, note="属地管理", at=LATER),
    "accept": lambda p, e: services.accept_event(event=e, by=p.sanitation_handler, at=LATER),
    "feed-back": lambda p, e: services.feed_back_event(
        event=e, by=p.sanitation_handler, note="已处理", photos=[photo()], at=LATER
    ),
    "check-pass": lambda p, e: services.check_event(event=e, by=p.member, passed=True, at=LATER),
    "rework": lambda p, e: services.check_event(
        event=e, by=p.member, passed=False, note="未处理好", at=LATER
    ),
    "evaluate": lambda p, e: services.evaluate_event(event=e, by=p.member, satisfaction=2, at=LATER),
}
# the department handling the event in each state (dispatch targets the water station instead)
CASES = [(state, action) for state in S.values for action in STEPS]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_every_step_from_every_state(place, state, action):
    event = event_in(place, state)
    moves = [m for m in EVENT_WORKFLOW.moves if m.action == action and state in m.sources]
    before = TimelineEntry.objects.filter(object_id=event.pk).count()
    if moves:
        moved = STEPS[action](place, event)
        assert moved.status == moves[0].target
        assert TimelineEntry.objects.filter(object_id=event.pk, action=action).exists()
    else:
        with translation.override("en"), pytest.raises(EventNotPossible, match="cannot become"):
            STEPS[action](place, event)
        event.refresh_from_db()
        assert event.status == state
        assert TimelineEntry.objects.filter(object_id=event.pk).count() == before
