"""The hall's queue: numbering, priority for checked-in appointments, concurrent calls, transfer, the
kiosk and display pages, statistics from the database, and who may do what."""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from services.models import Appointment, AppointmentSlot, QueueTicket, TicketStatus
from services.selectors.queue import queue_statistics
from services.services.queue import (
    QueueError,
    call_next_ticket,
    check_in_appointment,
    finish_ticket,
    issue_walk_in_ticket,
    recall_ticket,
    skip_ticket,
    transfer_ticket,
)
from tests.factories import TownshipFactory, make_resident, make_staff
from tests.services.intake_helpers import clerk_at_window
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory()


def booked_today(township, resident, minutes_from_now=10, now=None):
    start = (now or timezone.now()) + timedelta(minutes=minutes_from_now)
    slot = AppointmentSlot.objects.create(
        township=township, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=5, booked=1
    )
    return Appointment.objects.create(township=township, slot=slot, resident=resident)


def test_tickets_are_numbered_per_township_and_day(township):
    first = issue_walk_in_ticket(township=township)
    second = issue_walk_in_ticket(township=township)
    elsewhere = issue_walk_in_ticket(township=TownshipFactory())
    assert (first.number, second.number, elsewhere.number) == ("A001", "A002", "A001")
    tomorrow = issue_walk_in_ticket(township=township, at=timezone.now() + timedelta(days=1))
    assert tomorrow.number == "A001"


def test_a_checked_in_appointment_is_called_before_earlier_walk_ins(township):
    clerk, _ = clerk_at_window(township)
    issue_walk_in_ticket(township=township)
    appointment = booked_today(township, make_resident())
    priority = check_in_appointment(appointment=appointment)
    assert priority.number == "Y001"
    assert call_next_ticket(clerk=clerk) == priority
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN


def test_checking_in_twice_gives_the_same_ticket(township):
    appointment = booked_today(township, make_resident())
    assert check_in_appointment(appointment=appointment) == check_in_appointment(appointment=appointment)
    assert QueueTicket.objects.count() == 1


def test_an_appointment_for_later_cannot_check_in_now(township):
    # at a fixed time of day: three hours after "now" is tomorrow when the test runs in the evening
    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(9, 0)))
    appointment = booked_today(township, make_resident(), minutes_from_now=180, now=now)
    with translation.override("en"), pytest.raises(QueueError, match="Too early"):
        check_in_appointment(appointment=appointment, at=now)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_calling_at_the_same_moment_get_different_tickets(township):
    clerks = [clerk_at_window(township)[0] for _ in range(2)]
    for _ in range(2):
        issue_walk_in_ticket(township=township)
    barrier = threading.Barrier(2)
    called = []

    def call(clerk):
        try:
            barrier.wait()
            called.append(call_next_ticket(clerk=clerk))
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=(c,)) for c in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(called) == 2 and None not in called
    assert {t.pk for t in called} == set(QueueTicket.objects.values_list("pk", flat=True))
    assert QueueTicket.objects.filter(status=TicketStatus.CALLED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_calls_at_the_same_moment_at_one_window_call_one_person(township):
    clerk, window = clerk_at_window(township)
    for _ in range(2):
        issue_walk_in_ticket(township=township)
    barrier = threading.Barrier(2)
    outcomes = []

    def call():
        try:
            barrier.wait()
            outcomes.append(call_next_ticket(clerk=clerk))
        except QueueError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # a double click (or two tabs) at one window: one person is called, the other call says why
    assert QueueTicket.objects.filter(status=TicketStatus.CALLED, window=window).count() == 1
    assert sum(isinstance(o, QueueError) for o in outcomes) == 1


def test_a_clerk_finishes_the_current_ticket_before_calling_the_next(township):
    clerk, _ = clerk_at_window(township)
    issue_walk_in_ticket(township=township)
    issue_walk_in_ticket(township=township)
    ticket = call_next_ticket(clerk=clerk)
    with pytest.raises(QueueError):
        call_next_ticket(clerk=clerk)
    assert recall_ticket(ticket_id=ticket.pk, clerk=clerk).call_count == 2
    finish_ticket(ticket_id=ticket.pk, clerk=clerk)
    assert call_next_ticket(clerk=clerk).number == "A002"


def test_a_transferred_ticket_waits_for_its_new_window_only(township):
    clerk_a, _ = clerk_at_window(township)
    clerk_b, window_b = clerk_at_window(township)
    clerk_c, _ = clerk_at_window(township)
    issue_walk_in_ticket(township=township)
    ticket = call_next_ticket(clerk=clerk_a)
    transfer_ticket(ticket_id=ticket.pk, clerk=clerk_a, to_window=window_b)
    assert call_next_ticket(clerk=clerk_c) is None
    assert call_next_ticket(clerk=clerk_b) == ticket


def test_skipped_and_finished_tickets_cannot_be_finished_or_skipped_again_into_nonsense(township):
    clerk, _ = clerk_at_window(township)
    issue_walk_in_ticket(township=township)
    ticket = call_next_ticket(clerk=clerk)
    skip_ticket(ticket_id=ticket.pk, clerk=clerk)
    with pytest.raises(QueueError):
        finish_ticket(ticket_id=ticket.pk, clerk=clerk)


def test_a_clerk_cannot_touch_another_halls_ticket(township):
    clerk, _ = clerk_at_window(township)
    foreign = issue_walk_in_ticket(township=TownshipFactory())
    with pytest.raises(QueueError):
        skip_ticket(ticket_id=foreign.pk, clerk=clerk)


def test_statistics_come_from_the_database(township):
    clerk, window = clerk_at_window(township)
    # a whole day in the past, so the figures do not depend on the time the test runs at
    day = timezone.localdate() - timedelta(days=1)
    morning = timezone.make_aware(datetime.combine(day, time(9)))
    for minutes_waited, served_minutes in ((10, 5), (20, 15)):
        ticket = issue_walk_in_ticket(township=township, at=morning)
        QueueTicket.objects.filter(pk=ticket.pk).update(
            status=TicketStatus.DONE,
            window=window,
            called_at=ticket.issued_at + timedelta(minutes=minutes_waited),
            finished_at=ticket.issued_at + timedelta(minutes=minutes_waited + served_minutes),
        )
    issue_walk_in_ticket(township=township, at=morning + timedelta(hours=2))
    figures = queue_statistics(township, day, day)
    totals = figures["totals"]
    assert (totals["issued"], totals["served"], totals["waiting"]) == (3, 2, 1)
    assert totals["avg_wait"] == 15.0 and totals["avg_service"] == 10.0
    assert 18.0 <= totals["p90_wait"] <= 20.0
    assert figures["per_window"][0]["served"] == 2


class TestPages:
    def test_kiosk_issues_a_ticket_and_refuses_a_bad_phone(self, client, township):
        url = reverse("services-kiosk") + f"?township={township.code}"
        bad = client.post(url, {"phone": "12345", "township": township.code})
        assert bad.status_code == 400 and not QueueTicket.objects.exists()
        response = client.post(url, {"phone": "", "township": township.code})
        ticket = QueueTicket.objects.get()
        assert response.status_code == 302
        assert ticket.number in client.get(response["Location"]).content.decode()

    def test_kiosk_check_in_by_phone(self, client, township):
        resident = make_resident(phone="13800000055")
        booked_today(township, resident)
        response = client.post(
            reverse("services-checkin"), {"phone": "13800000055", "township": township.code}
        )
        assert response.status_code == 302
        assert QueueTicket.objects.get().number == "Y001"
        unknown = client.post(
            reverse("services-checkin"), {"phone": "13800000056", "township": township.code}
        )
        assert unknown.status_code == 400

    def test_hall_display_shows_called_numbers_without_phones(
        self, client, township, django_assert_max_num_queries
    ):
        clerk, window = clerk_at_window(township)
        for n in range(5):
            issue_walk_in_ticket(township=township, phone=f"1380000012{n}")
            ticket = call_next_ticket(clerk=clerk)
            finish_ticket(ticket_id=ticket.pk, clerk=clerk)
        with django_assert_max_num_queries(6):
            page = client.get(reverse("services-hall-display"), {"township": township.code}).content.decode()
        assert "A005" in page and f"{window.number}" in page and "13800000120" not in page
        assert 'hx-trigger="every 5s"' in page

    def test_panel_calls_next_and_shows_errors_in_the_panel(self, client, township):
        clerk, _ = clerk_at_window(township)
        client.force_login(clerk)
        empty = client.post(reverse("services-queue-call-next"))
        assert empty.status_code == 200 and 'role="alert"' in empty.content.decode()
        ticket = issue_walk_in_ticket(township=township)
        page = client.post(reverse("services-queue-call-next")).content.decode()
        assert f'data-ticket-id="{ticket.pk}"' in page and ticket.number in page
        finished = client.post(reverse("services-queue-finish"), {"ticket": ticket.pk})
        assert 'data-ticket-id=""' in finished.content.decode()

    def test_only_clerks_use_the_panel_and_statistics_stay_in_the_township(self, client, township):
        client.force_login(make_staff(Role.GRID_MEMBER, township=township))
        assert client.post(reverse("services-queue-call-next")).status_code == 403
        assert client.get(reverse("services-queue-stats")).status_code == 403
        client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
        issue_walk_in_ticket(township=TownshipFactory())
        page = client.get(reverse("services-queue-stats"))
        assert page.status_code == 200
        assert page.context["figures"]["totals"]["issued"] == 0

    def test_statistics_refuse_a_backwards_date_range(self, client, township):
        client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
        response = client.get(
            reverse("services-queue-stats"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
        )
        assert response.status_code == 400

    def test_a_clerk_without_a_window_is_told_so(self, client, township):
        clerk = make_staff(Role.WINDOW_CLERK, township=township)
        client.force_login(clerk)
        page = client.get(reverse("services-queue-panel")).content.decode()
        assert 'id="call-next"' not in page
