"""Appointment slots: capacity holds when two people book the last place at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from services.models import Appointment, AppointmentSlot
from services.services.appointments import BookingError, book_appointment
from tests.factories import TownshipFactory, make_resident

pytestmark = pytest.mark.django_db


def _slot(capacity=2, **extra):
    start = timezone.now() + timedelta(days=1)
    return AppointmentSlot.objects.create(
        township=extra.pop("township", None) or TownshipFactory(),
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        capacity=capacity,
        **extra,
    )


def _two_slots_on_one_day():
    """10:00 and 14:00 tomorrow, local time (a day boundary must not fall between them)."""
    from datetime import datetime, time

    township = TownshipFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)
    slots = []
    for hour in (10, 14):
        start = timezone.make_aware(datetime.combine(tomorrow, time(hour)))
        slots.append(
            AppointmentSlot.objects.create(
                township=township, starts_at=start, ends_at=start + timedelta(minutes=30), capacity=5
            )
        )
    return slots


@pytest.mark.django_db(transaction=True)
def test_the_last_place_booked_at_once_from_two_connections_is_given_once():
    slot = _slot(capacity=3, booked=2)
    residents = [
        make_resident(phone="13800000011"),
        make_resident(phone="13800000012", id_number="440308199901010012"),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def book(resident):
        try:
            barrier.wait()
            outcomes.append(book_appointment(slot_id=slot.pk, resident=resident))
        except BookingError as exc:
            outcomes.append(exc)
        finally:
            connection.close()  # each thread used its own database connection

    threads = [threading.Thread(target=book, args=(r,)) for r in residents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, BookingError)]
    assert len(booked) == 1 and len(refused) == 1
    assert "已约满" in str(refused[0])
    slot.refresh_from_db()
    assert slot.booked == 3 and Appointment.objects.filter(slot=slot).count() == 1


def test_a_full_slot_refuses_with_a_clear_message():
    slot = _slot(capacity=1, booked=1)
    with pytest.raises(BookingError, match="已约满"):
        book_appointment(slot_id=slot.pk, resident=make_resident())


def test_booking_the_same_slot_twice_is_refused_and_takes_no_place():
    slot = _slot(capacity=5)
    resident = make_resident()
    book_appointment(slot_id=slot.pk, resident=resident)
    with translation.override("en"), pytest.raises(BookingError, match="already booked a visit on this day"):
        book_appointment(slot_id=slot.pk, resident=resident)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_past_slot_or_unknown_slot_cannot_be_booked():
    slot = _slot(capacity=5)
    AppointmentSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    with pytest.raises(BookingError, match="已开始"):
        book_appointment(slot_id=slot.pk, resident=make_resident())
    with pytest.raises(BookingError, match="不存在"):
        book_appointment(
            slot_id=10**9, resident=make_resident(phone="13800000013", id_number="440308199901010012")
        )


def test_the_database_itself_refuses_overbooking():
    slot = _slot(capacity=1, booked=1)
    with transaction.atomic(), pytest.raises(IntegrityError):
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked=2)


def test_slots_are_opened_over_office_hours_of_working_days_only_once():
    from datetime import date

    from services.services.appointments import open_appointment_slots
    from township.calendar.schedule import is_working_day

    township = TownshipFactory()
    monday = date(2026, 11, 23)
    created = open_appointment_slots(township=township, days=7, minutes=30, capacity=4, today=monday)
    working_days = sum(is_working_day(monday + timedelta(days=n)) for n in range(1, 8))
    # 09:00-12:00 and 13:30-17:30 give 6 + 8 half-hour slots a day
    assert created == working_days * 14
    assert open_appointment_slots(township=township, days=7, minutes=30, capacity=4, today=monday) == 0
    starts = {timezone.localtime(s.starts_at).strftime("%H:%M") for s in AppointmentSlot.objects.all()}
    assert "09:00" in starts and "17:00" in starts and "12:00" not in starts


def test_a_resident_books_and_cancels_from_the_page_and_gets_the_place_back(client):
    from django.urls import reverse

    slot = _slot(capacity=1)
    resident = make_resident()
    client.force_login(resident)
    page = client.get(reverse("services-appointments"), {"township": slot.township.code})
    assert page.status_code == 200 and f'value="{slot.pk}"' in page.content.decode()
    client.post(reverse("services-appointments") + f"?township={slot.township.code}", {"slot": slot.pk})
    appointment = Appointment.objects.get(resident=resident)
    slot.refresh_from_db()
    assert slot.booked == 1
    other = make_resident(phone="13800000013", id_number="440308199901010012")
    client.force_login(other)
    client.post(reverse("services-appointments"), {"cancel": appointment.pk})  # not theirs
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED
    client.force_login(resident)
    client.post(reverse("services-appointments"), {"cancel": appointment.pk})
    appointment.refresh_from_db()
    slot.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and slot.booked == 0


def test_the_daily_job_runs_through_the_task_and_is_idempotent():
    from services.tasks import open_slots_for_every_township

    TownshipFactory()
    first = open_slots_for_every_township.apply().get()
    assert first > 0 and open_slots_for_every_township.apply().get() == 0


def test_a_second_slot_on_the_same_day_is_refused_naming_the_booked_time():
    morning, afternoon = _two_slots_on_one_day()
    resident = make_resident()
    book_appointment(slot_id=morning.pk, resident=resident)
    booked_at = timezone.localtime(morning.starts_at).strftime("%H:%M")
    with translation.override("en"), pytest.raises(BookingError, match=f"already booked.*{booked_at}"):
        book_appointment(slot_id=afternoon.pk, resident=resident)
    afternoon.refresh_from_db()
    assert afternoon.booked == 0
    assert Appointment.objects.filter(resident=resident).count() == 1


def test_after_cancelling_the_resident_may_book_another_time_that_day():
    from services.services.appointments import cancel_appointment

    first, second = _two_slots_on_one_day()
    resident = make_resident()
    appointment = book_appointment(slot_id=first.pk, resident=resident)
    cancel_appointment(appointment_id=appointment.pk, resident=resident)
    assert book_appointment(slot_id=second.pk, resident=resident).slot_id == second.pk


def test_the_database_refuses_two_booked_visits_a_day_for_one_resident():
    first, second = _two_slots_on_one_day()
    resident = make_resident()
    Appointment.objects.create(township=first.township, slot=first, resident=resident)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Appointment.objects.create(township=second.township, slot=second, resident=resident)


def test_a_booking_texts_the_resident_a_confirmation_once(django_capture_on_commit_callbacks):
    from services.services.appointments import _text_confirmation
    from township.notify.models import OutboxMessage

    slot = _slot(capacity=5)
    resident = make_resident(phone="13800000021")
    appointment = book_appointment(slot_id=slot.pk, resident=resident)
    _text_confirmation(appointment)  # a retried notification queues nothing new
    messages = OutboxMessage.objects.filter(recipient="13800000021")
    assert messages.count() == 1
    assert timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M") in messages.get().body
