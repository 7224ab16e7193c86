"""Tracking by identity number plus an SMS code at a self-service terminal, and which results the
terminal may print (the item's guide version decides; a terminal may narrow it to some items)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from approvals.services import approve_application
from services.errors import TerminalTrackingError
from services.models import TerminalTrackingCode
from services.services.delivery import mark_result_ready
from services.services.terminal import may_print_result
from services.services.terminal_tracking import (
    MAX_ATTEMPTS,
    applications_for_code,
    request_tracking_code,
    send_tracking_code,
)
from tests.approvals.helpers import Office, assignee_of
from tests.services.points.helpers import Network
from township.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # the helpers' applicant, phone 13900000001
STRANGER_ID = "110105194912310038"
URL = "services-terminal-track-id"
WRONG = "do not match"


def _sms_code():
    message = OutboxMessage.objects.filter(channel="sms", idempotency_key__contains="terminal").latest("pk")
    return message, re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


@pytest.fixture
def setup():
    office = Office()
    net = Network(township=office.township)
    application = office.accepted(item=net.village_item)
    return net, application, net.terminal()


def _error(response):
    return re.search(r'id="terminal-error">([^<]+)<', response.content.decode()).group(1)


def _ask(client, id_number):
    return client.post(reverse(URL), {"step": "send", "id_number": id_number})


def _verify(client, id_number, code):
    return client.post(reverse(URL), {"step": "verify", "id_number": id_number, "code": code})


def test_a_resident_tracks_by_identity_number_and_the_code_sent_to_the_phone_on_the_application(
    client, setup, django_assert_max_num_queries
):
    net, application, terminal = setup
    client.force_login(terminal.user)
    assert "tile-track-id" in client.get(reverse("services-terminal")).content.decode()
    page = _ask(client, ID_NUMBER.lower())  # a lower-case x is the same number
    assert page.status_code == 200 and 'id="terminal-code-sent"' in page.content.decode()
    record = TerminalTrackingCode.objects.get()
    assert record.phone == "13900000001" and ID_NUMBER not in str(vars(record))
    assert send_tracking_code(record.pk) is True
    assert send_tracking_code(record.pk) is False  # a retried task sends nothing twice
    message, code = _sms_code()
    assert message.recipient == "13900000001" and net.hall.name in message.body
    record.refresh_from_db()
    assert record.phone == "" and record.code_hash  # the phone is forgotten once the code is out
    with django_assert_max_num_queries(16):
        listed = _verify(client, ID_NUMBER, code)
    body = listed.content.decode()
    assert listed.status_code == 200 and application.number in body and application.query_code in body
    # the code works once
    again = _verify(client, ID_NUMBER, code)
    assert again.status_code == 400 and _error(again) == _error(_verify(client, STRANGER_ID, code))


def test_an_identity_number_without_applications_gets_the_same_answer_and_no_sms(client, setup):
    _net, _application, terminal = setup
    client.force_login(terminal.user)
    known, unknown = _ask(client, ID_NUMBER), _ask(client, STRANGER_ID)
    assert known.status_code == unknown.status_code == 200

    def strip(response, id_number):
        return response.content.decode().replace(id_number, "").replace(id_number.lower(), "")

    csrf = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens in the form and the htmx headers
    assert csrf.sub("", strip(known, ID_NUMBER)) == csrf.sub("", strip(unknown, STRANGER_ID))
    stranger = TerminalTrackingCode.objects.get(phone="")
    assert send_tracking_code(stranger.pk) is False
    assert not OutboxMessage.objects.filter(idempotency_key__startswith="terminal-track-code").exists()
    # any code for the stranger fails exactly like a wrong code for the resident
    answers = set()
    for id_number in (STRANGER_ID, ID_NUMBER):
        response = _verify(client, id_number, "123456")
        assert response.status_code == 400
        answers.add(_error(response))
    assert len(answers) == 1


@translation.override("en")
def test_codes_are_throttled_expire_die_after_wrong_tries_and_stay_at_their_terminal(setup):
    net, _application, terminal = setup
    now = timezone.now()
    record = request_tracking_code(terminal=terminal, id_number=ID_NUMBER, at=now)
    with pytest.raises(TerminalTrackingError, match="just sent"):
        request_tracking_code(terminal=terminal, id_number=ID_NUMBER, at=now + timedelta(seconds=30))
    send_tracking_code(record.pk)
    _message, code = _sms_code()
    other = net.terminal()
    with pytest.raises(TerminalTrackingError, match=WRONG):
        applications_for_code(terminal=other, id_number=ID_NUMBER, code=code)
    with pytest.raises(TerminalTrackingError, match=WRONG):
        applications_for_code(
            terminal=terminal, id_number=ID_NUMBER, code=code, at=now + timedelta(minutes=6)
        )
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_ATTEMPTS - 1):  # one try was spent above on the expired code
        with pytest.raises(TerminalTrackingError, match=WRONG):
            applications_for_code(terminal=terminal, id_number=ID_NUMBER, code=wrong, at=now)
    with pytest.raises(TerminalTrackingError, match=WRONG):
        applications_for_code(terminal=terminal, id_number=ID_NUMBER, code=code, at=now)  # dead
    for minutes in range(1, 5):
        request_tracking_code(terminal=terminal, id_number=ID_NUMBER, at=now + timedelta(minutes=minutes))
    with pytest.raises(TerminalTrackingError, match="today"):
        request_tracking_code(terminal=terminal, id_number=ID_NUMBER, at=now + timedelta(minutes=10))
    assert TerminalTrackingCode.objects.count() == 5


def test_bad_input_is_answered_with_a_message_and_writes_nothing(client, setup):
    _net, _application, terminal = setup
    client.force_login(terminal.user)
    for value in ("110105194912310020", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "1101\x0005194912310", "", "x" * 500):
        assert _ask(client, value).status_code == 400  # a NUL byte is refused before the view
    assert not TerminalTrackingCode.objects.exists()
    assert client.post(reverse(URL), {"step": "nonsense"}).status_code == 404
    assert client.get(reverse(URL)).status_code == 200
    client.force_login(_net.hall_clerk)  # staff are no terminal
    assert client.get(reverse(URL)).status_code == 403


def test_the_items_guide_version_decides_whether_the_terminal_prints_its_result():
    office = Office(chiefs=1)
    net = Network(township=office.township)
    printable = office.item(name="社保参保证明", self_service_print=True)
    signed_for = office.item(name="建房许可")
    ready = {}
    for item in (printable, signed_for):
        application = office.in_review(item=item)
        approve_application(application=application, by=assignee_of(application), opinion="同意")
        application.refresh_from_db()
        mark_result_ready(application=application, by=office.clerk)
        application.refresh_from_db()
        ready[item.pk] = application
    every = net.terminal()  # lists no items: every result its guide allows
    assert may_print_result(every, ready[printable.pk])
    assert not may_print_result(every, ready[signed_for.pk])
    listing_the_other = net.terminal(signed_for)  # listing an item does not override its guide
    assert not may_print_result(listing_the_other, ready[signed_for.pk])
    assert not may_print_result(listing_the_other, ready[printable.pk])
    assert not may_print_result(Network().terminal(), ready[printable.pk])  # another township's machine
