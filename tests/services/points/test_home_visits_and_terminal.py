"""Home visits record the agent and the consent; a terminal account stays on the terminal's pages."""

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from services.errors import IntakeError
from services.models import ApplicationStatus, ConsentMethod, Reception, VisitReason, VisitStatus
from services.services.delivery import mark_result_ready
from services.services.home_visits import request_home_visit, schedule_home_visit, take_application_at_home
from services.services.terminal import print_result_slip
from tests.approvals.helpers import Office, assignee_of
from tests.services.points.helpers import Network
from township.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


def _visit(net, item):
    return request_home_visit(
        point=net.point,
        item=item,
        by=net.village_clerk,
        resident_name="李奶奶",
        resident_id_number="11010519491231002X",
        resident_phone="13900000002",
        address="桃园村3组12号",
        reason=VisitReason.ELDERLY,
    )


def test_a_door_to_door_visit_records_the_agent_and_the_residents_consent():
    net = Network()
    member = net.grid_member()
    visit = _visit(net, net.town_item)
    schedule_home_visit(
        visit=visit, by=net.village_clerk, agent=member, when=timezone.now() + timedelta(days=1)
    )
    with pytest.raises(IntakeError) as refused:
        take_application_at_home(visit=visit, agent=member, checklist={}, consent_method="", consent_note="")
    assert {"consent_method", "consent_note"} <= set(refused.value.field_errors)
    with pytest.raises(IntakeError):
        take_application_at_home(
            visit=visit,
            agent=net.village_clerk,
            checklist={},
            consent_method=ConsentMethod.SIGNED,
            consent_note="本人签字授权委托书",
        )
    application = take_application_at_home(
        visit=visit,
        agent=member,
        checklist={},
        consent_method=ConsentMethod.SIGNED,
        consent_note="本人签字授权委托书，女儿在场",
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.application == application
    assert application.agent == member
    assert application.consent_method == ConsentMethod.SIGNED
    assert "女儿在场" in application.consent_note
    assert application.applicant_name == "李奶奶"
    # a grid member accepts nothing: the town-level item is forwarded to the hall, one number
    assert application.status == ApplicationStatus.SUBMITTED
    reception = Reception.objects.get(application=application)
    assert reception.is_forwarded and reception.home_visit == visit
    again = take_application_at_home(
        visit=visit, agent=member, checklist={}, consent_method=ConsentMethod.SIGNED, consent_note="重试提交"
    )
    assert again.pk == application.pk


def test_the_agent_takes_the_application_on_a_phone_width_page(client):
    net = Network()
    member = net.grid_member()
    visit = _visit(net, net.town_item)
    schedule_home_visit(
        visit=visit, by=net.village_clerk, agent=member, when=timezone.now() + timedelta(hours=2)
    )
    client.force_login(member)
    page = client.get(reverse("services-home-visit", args=[visit.pk]))
    assert 'id="take-application"' in page.content.decode()
    response = client.post(
        reverse("services-home-visit", args=[visit.pk]),
        {"step": "take", "consent_method": "in_person", "consent_note": "本人当面确认"},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.application.agent == member
    stranger = Network().grid_member()
    client.force_login(stranger)
    assert client.get(reverse("services-home-visit", args=[visit.pk])).status_code == 404


def _url_names(resolver=None, prefix=""):
    """Every named URL of the project with the path it reverses to (ids filled with 1)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _url_names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, entry


def _reverse(name, pattern):
    for args in ([], [1], ["1"], [1, 1], ["x"], [1, "receipt"]):
        try:
            return reverse(name, args=args)
        except Exception:  # noqa: BLE001, S112 - try the next shape of arguments
            continue
    return None


def test_the_terminal_account_cannot_reach_any_staff_page(client):
    net = Network()
    terminal = net.terminal()
    client.force_login(terminal.user)
    home = reverse("services-terminal")
    allowed = (home, reverse("services-kiosk"), reverse("display-mode"), "/jsi18n/")
    checked = set()
    for name, pattern in _url_names():
        path = _reverse(name, pattern)
        if path is None or path.startswith(allowed) or path.startswith("/static/") or path in checked:
            continue
        checked.add(path)
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == home, (
            name,
            path,
            response.status_code,
        )
    namespaces = {p.split("/")[1] for p in checked}
    assert {"admin", "services", "approvals", "org", "inbox", "api", "accounts", "device"} <= namespaces
    assert client.get(home).status_code == 200
    assert client.get(reverse("device-unlock")).status_code == 302  # there is no unlocking a terminal


def test_the_terminal_prints_a_ready_results_verification_slip_numbered_and_verifiable(client):
    office = Office(chiefs=1)
    net = Network(township=office.township)
    item = office.item(name="社保参保证明", self_service_print=True)
    application = office.in_review(item=item)
    from approvals.services import approve_application

    approve_application(application=application, by=assignee_of(application), opinion="同意")
    application.refresh_from_db()
    mark_result_ready(application=application, by=office.clerk)
    application.refresh_from_db()
    terminal = net.terminal(net.village_item)
    with pytest.raises(IntakeError):
        print_result_slip(terminal=terminal, application=application)  # this machine prints other items
    terminal.printable_items.add(item)
    client.force_login(terminal.user)
    data = {"number": application.number, "code": application.query_code}
    page = client.get(reverse("services-terminal-track"), data)
    assert 'id="print-result-slip"' in page.content.decode()
    response = client.post(reverse("services-terminal-print", args=["result-slip"]), data)
    assert response.status_code == 302
    slip = IssuedDocument.objects.get(doc_type="result_slip")
    assert client.post(reverse("services-terminal-print", args=["result-slip"]), data).status_code == 302
    assert IssuedDocument.objects.filter(doc_type="result_slip").count() == 1  # a second tap: same slip
    assert client.get(reverse("services-terminal-printed-pdf", args=[slip.number]))["Content-Type"] == (
        "application/pdf"
    )
    client.logout()
    verified = client.get(reverse("documents-verify", args=[slip.number]))
    assert verified.status_code == 200 and slip.number in verified.content.decode()
