"""A clue another loop hands to the bureau (a grid event) is passed by the head to a squad, whose
officers then see and work it; nobody else can pass it, see it or send it outside the bureau, and the
event and the case link to each other."""

import pytest
from django.test import Client
from django.urls import reverse

from enforcement.cases import selectors, services
from enforcement.models.cases import CaseStatus
from grid.events import services as grid_services
from grid.models import EventCategory, Grid, GridRole, GridStaff
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.grid.events.helpers import local, photo
from township.casework.models import TimelineEntry
from township.org.models import Village
from township.org.roles import Role

from .helpers import clue, registered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def bureau_code(settings, world):
    settings.ENFORCEMENT_BUREAU_CODE = world.bureau.code
    return world.bureau.code


def grid_event(world):
    """A grid member reports an event and the command centre registers it (the grid's own services)."""
    from grid.demo.events import seed_event_catalogue  # noqa: PLC0415 - only the grid tests need it

    seed_event_catalogue(world.township)
    village = Village.objects.create(township=world.township, code="320999100777", name="青石村")
    grid = Grid.objects.create(township=world.township, village=village, code="320999100777001", name="一格")
    member = make_staff(Role.GRID_MEMBER, township=world.township)
    GridStaff.objects.create(township=world.township, grid=grid, user=member, role=GridRole.FULL_TIME)
    centre = make_staff(Role.COMMAND_CENTRE, township=world.township)
    category = EventCategory.objects.filter(catalogue__township=world.township).first()
    event = grid_services.report_event(
        by=member,
        grid=grid,
        category=category,
        description="人民路1号门前擅自设置户外广告牌",
        latitude=31.5,
        longitude=120.3,
        address="青山镇人民路1号",
        photos=[photo()],
        at=local(2026, 9, 21, 9, 30),
    )
    event = grid_services.register_event(event=event, by=centre, at=local(2026, 9, 21, 9, 40))
    return event, centre


@pytest.fixture
def handed_over(world, bureau_code):
    event, centre = grid_event(world)
    case = grid_services.make_enforcement_clue(event=event, by=centre, note="疑似违法设置户外广告")
    return event, case, centre


def actions(case):
    return list(
        TimelineEntry.objects.filter(content_type__model="enforcementcase", object_id=case.pk).values_list(
            "action", flat=True
        )
    )


def test_a_grid_clue_waits_in_the_heads_queue_and_the_squad_cannot_see_it_yet(world, handed_over):
    event, case, _centre = handed_over
    assert case.department == world.bureau and case.status == CaseStatus.CLUE
    queue = client_for(world.head).get(reverse("enforcement-head-queue"))
    assert queue.status_code == 200 and case.number in queue.content.decode()
    assert client_for(world.officer).get(reverse("enforcement-case", args=[case.pk])).status_code == 404
    assert case.number not in client_for(world.officer).get(reverse("enforcement-my-cases")).content.decode()


def test_the_head_passes_the_clue_to_a_squad_whose_officer_then_works_it(world, handed_over):
    event, case, _centre = handed_over
    step = reverse("enforcement-case-step", args=[case.pk, "pass-to-squad"])
    response = client_for(world.head).post(
        step, {"pass-to-squad-squad": world.squad.pk, "pass-to-squad-lead": world.officer.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.department == world.squad and case.status == CaseStatus.CLUE
    assert "pass-to-squad" in actions(case)
    assert case.officers.get(is_active=True).officer == world.officer
    # the squad's officer finds it in "my cases" and can take the next step; the head's queue is empty
    mine = client_for(world.officer).get(reverse("enforcement-my-cases")).content.decode()
    assert case.number in mine
    assert case.number not in client_for(world.head).get(reverse("enforcement-head-queue")).content.decode()
    services.assign_officer(case=case, officer=world.officer2, by=world.officer)
    # the other squad still cannot reach it
    assert client_for(world.outsider).get(reverse("enforcement-case", args=[case.pk])).status_code == 404


def test_the_case_page_shows_the_event_and_the_event_page_shows_the_case(world, handed_over):
    event, case, centre = handed_over
    services.pass_to_squad(case=case, squad=world.squad, by=world.head)
    page = client_for(world.officer).get(reverse("enforcement-case", args=[case.pk])).content.decode()
    assert event.number in page and reverse("grid-event", args=[event.pk]) in page
    event_page = client_for(centre).get(reverse("grid-event", args=[event.pk])).content.decode()
    assert case.number in event_page and reverse("enforcement-case", args=[case.pk]) in event_page


def test_a_clue_passed_without_a_lead_shows_as_a_new_clue_of_the_squad_only(world, handed_over):
    _event, case, _centre = handed_over
    services.pass_to_squad(case=case, squad=world.squad, by=world.head)
    assert list(selectors.squad_new_clues(world.officer)) == [case]
    assert list(selectors.squad_new_clues(world.outsider)) == []
    page = client_for(world.officer2).get(reverse("enforcement-my-cases")).content.decode()
    assert 'id="squad-clues"' in page and case.number in page
    services.assign_officer(case=case, officer=world.officer2, by=world.officer2, is_lead=True)
    assert list(selectors.squad_new_clues(world.officer)) == []


def test_passing_again_to_the_same_squad_writes_nothing_new(world, handed_over):
    from township.notify.models import InboxItem  # noqa: PLC0415 - only here

    _event, case, _centre = handed_over
    services.pass_to_squad(case=case, squad=world.squad, by=world.head)
    services.pass_to_squad(case=case, squad=world.squad, by=world.head)
    assert actions(case).count("pass-to-squad") == 1
    # every officer of the squad is told once; the other squad is not
    told = set(InboxItem.objects.filter(title__contains=case.number).values_list("user_id", flat=True))
    assert told == {world.officer.pk, world.officer2.pk, world.officer3.pk}


def test_only_a_head_over_the_squad_may_pass_the_clue(world, handed_over):
    _event, case, _centre = handed_over
    for user in (world.officer, world.reviewer):
        with pytest.raises(services.CaseError):
            services.pass_to_squad(case=case, squad=world.squad, by=user)
    # the head of the first squad directs neither the bureau's clue nor the second squad
    squad_head = make_staff(Role.DEPARTMENT_HEAD, department=world.squad)
    with pytest.raises(services.CaseError, match="not in your area"):
        services.pass_to_squad(case=case, squad=world.other_squad, by=squad_head)
    # a bureau head of another township does not reach it either
    far = TownshipFactory()
    far_bureau = DepartmentFactory(township=far, code=world.bureau.code)
    far_head = make_staff(Role.DEPARTMENT_HEAD, department=far_bureau)
    with pytest.raises(services.CaseError, match="not in your area"):
        services.pass_to_squad(case=case, squad=world.squad, by=far_head)
    # and on the page, an officer's post is refused with the reason and changes nothing
    step = reverse("enforcement-case-step", args=[case.pk, "pass-to-squad"])
    response = client_for(world.officer).post(step, {"pass-to-squad-squad": world.squad.pk})
    assert response.status_code == 404  # the bureau's clue is not in the squad officer's scope
    case.refresh_from_db()
    assert case.department == world.bureau and "pass-to-squad" not in actions(case)


def test_the_clue_goes_only_to_a_squad_of_this_townships_bureau(world, handed_over):
    _event, case, _centre = handed_over
    sanitation = DepartmentFactory(township=world.township, name="环卫所")
    far_squad = DepartmentFactory(township=TownshipFactory(), name="外镇中队")
    for squad in (sanitation, far_squad, None):
        with pytest.raises(services.CaseError, match="squad of this township's enforcement bureau"):
            services.pass_to_squad(case=case, squad=squad, by=world.head)
    # the lead must be an officer of the chosen squad
    with pytest.raises(services.CaseError, match="does not work in this case's squad"):
        services.pass_to_squad(case=case, squad=world.squad, lead=world.outsider, by=world.head)
    case.refresh_from_db()
    assert case.department == world.bureau and not case.officers.exists()
    # the page's form says the same before the service is asked
    step = reverse("enforcement-case-step", args=[case.pk, "pass-to-squad"])
    response = client_for(world.head).post(
        step, {"pass-to-squad-squad": world.squad.pk, "pass-to-squad-lead": world.outsider.pk}
    )
    assert response.status_code == 400 and "must work in the chosen squad" in response.content.decode()
    response = client_for(world.head).post(step, {"pass-to-squad-squad": sanitation.pk})
    assert response.status_code == 400


def test_a_registered_case_is_not_passed_again(world, bureau_code):
    case = registered(world)
    with pytest.raises(services.CaseError, match="Only a clue still being checked"):
        services.pass_to_squad(case=case, squad=world.other_squad, by=world.head)


def test_officers_who_no_longer_see_the_clue_are_withdrawn_from_it(world, bureau_code):
    # a clue recorded in the first squad, which the bureau's head sends on to the second
    case = clue(world)
    assert case.officers.get().officer == world.officer
    services.pass_to_squad(case=case, squad=world.other_squad, lead=world.outsider, by=world.head)
    active = set(case.officers.filter(is_active=True).values_list("officer_id", flat=True))
    assert active == {world.outsider.pk} and "withdraw-officer" in actions(case)
    assert client_for(world.officer).get(reverse("enforcement-case", args=[case.pk])).status_code == 404


def test_the_api_passes_a_clue_and_refuses_the_others(world, handed_over):
    _event, case, _centre = handed_over
    url = f"/api/enforcement/cases/{case.pk}/pass-to-squad/"
    assert client_for(world.officer).post(url, {"squad": world.squad.pk}).status_code == 404
    squad_head = make_staff(Role.DEPARTMENT_HEAD, department=world.squad)
    assert client_for(squad_head).post(url, {"squad": world.squad.pk}).status_code == 404
    assert client_for(world.reviewer).post(url, {"squad": world.squad.pk}).status_code == 403
    for guessed in (case.pk + 1000, "0", "abc"):
        response = client_for(world.head).post(
            f"/api/enforcement/cases/{guessed}/pass-to-squad/", {"squad": world.squad.pk}
        )
        assert response.status_code == 404
    bad = client_for(world.head).post(url, {"squad": 99999999}, content_type="application/json")
    assert bad.status_code == 400 and "squad of this township" in bad.json()["detail"]
    assert client_for(world.head).post(url, {"squad": "x"}).status_code == 400
    done = client_for(world.head).post(
        url, {"squad": world.squad.pk, "lead": world.officer.pk}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["squad"] == world.squad.name
    assert client_for(world.officer).get(f"/api/enforcement/cases/{case.pk}/").status_code == 200
    assert client_for(world.outsider).get(f"/api/enforcement/cases/{case.pk}/").status_code == 404


def test_the_command_centre_passes_a_registered_event_to_enforcement_from_its_page(world, bureau_code):
    """The event page offers the step to the centre (and the event's grid members, as the service allows),
    not to the enforcement squad's officers; pressing it twice makes one clue."""
    event, centre = grid_event(world)
    url = reverse("grid-event-step", args=[event.pk, "enforcement-clue"])
    client = client_for(centre)
    page = client.get(reverse("grid-event", args=[event.pk])).content.decode()
    assert 'id="step-enforcement-clue"' in page
    assert client_for(world.officer).post(url, {"clue-note": "x"}).status_code in (403, 404)
    first = client.post(url, {"clue-note": "疑似违法设置户外广告"})
    again = client.post(url, {"clue-note": "疑似违法设置户外广告"})
    assert first.status_code == 302 and again.status_code in (302, 400)
    event.refresh_from_db()
    from enforcement.models.cases import EnforcementCase  # noqa: PLC0415

    assert EnforcementCase.objects.filter(pk=event.clue_id).count() == 1
    assert EnforcementCase.objects.filter(township=world.township, status=CaseStatus.CLUE).count() == 1
    page = client.get(reverse("grid-event", args=[event.pk])).content.decode()
    assert 'id="step-enforcement-clue"' not in page and 'id="event-clue"' in page


def test_a_note_too_long_for_the_clue_is_refused_on_the_form_and_nothing_is_made(world, bureau_code):
    event, centre = grid_event(world)
    response = client_for(centre).post(
        reverse("grid-event-step", args=[event.pk, "enforcement-clue"]), {"clue-note": "长" * 700}
    )
    assert response.status_code == 400 and "长" * 700 in response.content.decode()
    event.refresh_from_db()
    assert event.clue_id is None
