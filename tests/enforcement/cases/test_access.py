"""Officers of one squad or township cannot reach another's cases in pages, admin or API (including
guessed ids); the heads' and reviewers' bureau sees its squads; lists make a fixed number of queries; the
public page shows no unmasked personal data."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enforcement.cases import services
from enforcement.models.cases import ServiceMethod
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.org.roles import Role

from .conftest import PERSON_ID, credential, local
from .helpers import clue, notified, proposed, registered

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_township_officer(db):
    township = TownshipFactory()
    squad = DepartmentFactory(township=township)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=squad, username="far-officer")
    credential(officer, township, "99000001")
    return officer


def test_case_pages_are_scoped_to_the_squad_and_township(world, other_township_officer):
    case = registered(world)
    url = reverse("enforcement-case", args=[case.pk])
    assert client_for(world.officer).get(url).status_code == 200
    assert client_for(world.head).get(url).status_code == 200  # the bureau sees its squads
    assert client_for(world.reviewer).get(url).status_code == 200
    assert client_for(world.outsider).get(url).status_code == 404  # another squad
    assert client_for(other_township_officer).get(url).status_code == 404
    for guessed in (case.pk + 1000, "0", "１２", "9" * 30, "abc"):
        assert client_for(world.officer).get(reverse("enforcement-case", args=[guessed])).status_code == 404
    # a step posted on another squad's case is not found either, and changes nothing
    step = reverse("enforcement-case-step", args=[case.pk, "evidence"])
    response = client_for(world.outsider).post(step, {"evidence-kind": "documentary", "evidence-title": "x"})
    assert response.status_code == 404 and case.evidence.count() == 0
    # an unknown step
    assert (
        client_for(world.officer).post(reverse("enforcement-case-step", args=[case.pk, "nope"])).status_code
        == 404
    )


def test_my_cases_lists_only_mine_by_deadline_with_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for _ in range(3):
        registered(world)
    clue(world)
    client = client_for(world.officer)
    client.get(reverse("enforcement-my-cases"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enforcement-my-cases"))
    assert response.status_code == 200
    assert response.content.decode().count('class="case-card"') == 4
    outsider = client_for(world.outsider).get(reverse("enforcement-my-cases"))
    assert outsider.content.decode().count('class="case-card"') == 0
    # a resident or a window clerk does not get the page
    clerk = make_staff(Role.WINDOW_CLERK, township=world.township)
    assert client_for(clerk).get(reverse("enforcement-my-cases")).status_code == 403


def test_a_refused_step_on_the_page_shows_the_reason_and_writes_nothing(world):
    case = clue(world)
    services.assign_officer(case=case, officer=world.officer, by=world.officer, at=local(2026, 6, 1, 10, 0))
    services.set_party(case=case, by=world.officer, entity=world.entity, at=local(2026, 6, 1, 10, 0))
    response = client_for(world.officer).post(
        reverse("enforcement-case-step", args=[case.pk, "request-registration"]),
        {
            "request-registration-power_version": world.version.pk,
            "request-registration-cause": "擅自设置户外广告",
            "request-registration-opinion": "建议立案",
            "request-registration-prima_facie": "on",
            "request-registration-penalty_due": "on",
            "request-registration-in_jurisdiction": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "At least two officers" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "clue"
    # bad input: an invalid ID number for the party, a NUL byte
    party = client_for(world.officer).post(
        reverse("enforcement-case-step", args=[case.pk, "party"]),
        {"party-kind": "person", "party-person_name": "王\x00", "party-id_number": "110105194912310021"},
    )
    assert party.status_code == 400
    case.refresh_from_db()
    assert case.party_kind == "entity"


def test_an_officer_registers_a_clue_through_the_pages(world):
    client = client_for(world.officer)
    response = client.post(
        reverse("enforcement-new-clue"),
        {
            "source": "patrol",
            "summary": "占道经营",
            "place": "人民路",
            "discovered_on": "2026-06-01",
            "act_ended_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("enforcement-new-clue"),
        {
            "source": "patrol",
            "summary": "x",
            "place": "p",
            "discovered_on": "2026-13-01",
            "act_ended_on": "x",
        },
    )
    assert bad.status_code == 400


def test_the_admin_shows_only_the_squads_cases(world, other_township_officer):
    case = registered(world)
    other = clue(world)
    other.department = world.other_squad
    other.save()
    url = reverse("admin:enforcement_enforcementcase_changelist")
    head_page = client_for(world.head).get(url).content.decode()
    assert case.number in head_page and other.number in head_page
    # a head of the first squad only sees that squad
    squad_head = make_staff(Role.DEPARTMENT_HEAD, department=world.squad, username="squad-head")
    page = client_for(squad_head).get(url).content.decode()
    assert case.number in page and other.number not in page
    assert client_for(squad_head).get(
        reverse("admin:enforcement_enforcementcase_change", args=[other.pk])
    ).status_code in (302, 404)


def test_the_api_is_scoped_and_refuses_with_the_reason(world, other_township_officer):
    now = timezone.now()
    case = notified(world, served_at=now - timedelta(days=1), fine="3000", at=now - timedelta(days=20))
    officer_list = client_for(world.officer).get("/api/enforcement/cases/").json()
    assert [row["number"] for row in officer_list["results"]] == [case.number]
    assert client_for(world.outsider).get("/api/enforcement/cases/").json()["results"] == []
    assert client_for(world.outsider).get(f"/api/enforcement/cases/{case.pk}/").status_code == 404
    assert client_for(other_township_officer).get(f"/api/enforcement/cases/{case.pk}/").status_code == 404
    assert client_for(world.officer).get("/api/enforcement/cases/99999999999999999999/").status_code == 404
    detail = client_for(world.officer).get(f"/api/enforcement/cases/{case.pk}/").json()
    assert any(d["kind"] == "decision" for d in detail["deadlines"])
    # an officer may not decide; the head gets the reason while a gate is closed
    assert client_for(world.officer).post(f"/api/enforcement/cases/{case.pk}/decide/").status_code == 403
    pending = proposed(world)
    refused = client_for(world.head).post(
        f"/api/enforcement/cases/{pending.pk}/decide/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400 and "advance notice" in refused.json()["detail"]
    review = client_for(world.reviewer).post(
        f"/api/enforcement/cases/{case.pk}/legal-review/",
        {"outcome": "passed", "opinion": "o", "findings": {"body": {"ok": True}}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert review.status_code == 400 and "review point" in review.json()["detail"]
    assert (
        client_for(world.reviewer)
        .post(
            f"/api/enforcement/cases/{case.pk}/legal-review/",
            {"outcome": "x"},
            content_type="application/json",
        )
        .status_code
        == 400
    )
    decided = client_for(world.head).post(f"/api/enforcement/cases/{case.pk}/decide/")
    assert decided.status_code == 200 and decided.json()["decision_number"] == "青综执罚〔2026〕1号"


def test_the_public_page_shows_decisions_masked(world):
    case = notified(world, served_at=local(2026, 9, 1, 9, 0), fine="3000", at=local(2026, 8, 3, 10, 0))
    case.party_kind, case.entity = "person", None
    case.person_name, case.person_id_number, case.person_phone = "王小明", PERSON_ID, "13800000001"
    case.save()
    services.record_waiver(case=case, by=world.officer, at=local(2026, 9, 2, 9, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 3, 9, 0))
    case.refresh_from_db()
    services.serve_decision(
        case=case,
        by=world.officer,
        method=ServiceMethod.DIRECT,
        recipient="王小明",
        served_at=local(2026, 9, 4, 9, 0),
        at=local(2026, 9, 4, 9, 0),
    )
    services.publish_decision(case=case, by=world.officer, at=local(2026, 9, 7, 9, 0))
    page = Client().get(reverse("enforcement-public-decisions")).content.decode()
    assert case.decision_number in page and "王**" in page and "1101**********002X" in page
    for secret in ("王小明", PERSON_ID, "13800000001"):
        assert secret not in page
    api = Client().get("/api/enforcement/publications/").json()
    assert api["results"][0]["party_display"] == "王**"
    assert PERSON_ID not in str(api)


def test_the_credential_and_publication_admins_are_scoped_to_the_township(world, other_township_officer):
    admin_user = make_staff(Role.TOWNSHIP_ADMIN, township=world.township, username="zf-admin")
    page = (
        client_for(admin_user).get(reverse("admin:enforcement_officercredential_changelist")).content.decode()
    )
    assert "320100001" in page and "99000001" not in page
    far = other_township_officer.enforcement_credentials.get()
    assert client_for(admin_user).get(
        reverse("admin:enforcement_officercredential_change", args=[far.pk])
    ).status_code in (302, 404)
    assert client_for(admin_user).get(reverse("admin:enforcement_publication_changelist")).status_code == 200
