"""Evaluation pages through the client: rating online, by SMS link and on the window tablet; the ratings
and rectification pages; who may open what, including guessed ids; never a 500 on bad input; query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from services.models import Evaluation, Rectification, RectificationStatus
from services.services.evaluations import evaluation_token, submit_evaluation
from tests.factories import DepartmentFactory, TownshipFactory, WindowFactory, make_resident, make_staff
from tests.services.test_evaluations_rules import make_application, make_ticket, rectification_of
from township.org.roles import Role

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def township():
    return TownshipFactory()


@pytest.fixture
def resident():
    return make_resident(phone="13800000051", id_number="11010519491231002X")


def rate_url(application):
    return reverse("services-evaluate-application", args=[application.pk])


# --- online hall --------------------------------------------------------------------------------------


def test_a_resident_rates_their_application_with_five_buttons(client, township, resident):
    application = make_application(township, resident=resident)
    client.force_login(resident)
    page = client.get(rate_url(application)).content.decode()
    assert page.count('name="level"') == 5 and application.number in page
    response = client.post(rate_url(application), {"level": "4"})
    assert response.status_code == 200 and 'id="rated"' in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.channel, evaluation.reviewer, evaluation.level) == ("online", resident, 4)
    assert 'id="rated"' in client.get(rate_url(application)).content.decode()


def test_an_agent_may_rate_the_application_they_handled(client, township, resident):
    agent = make_resident(phone="13800000052", id_number=None)
    application = make_application(township, resident=resident, agent=agent)
    client.force_login(agent)
    assert client.post(rate_url(application), {"level": "5"}).status_code == 200
    assert Evaluation.objects.get().reviewer == agent


def test_a_bad_rating_without_a_comment_is_sent_back_with_a_reason(client, township, resident):
    application = make_application(township, resident=resident)
    client.force_login(resident)
    response = client.post(rate_url(application), {"level": "1", "comment": ""}, **EN)
    assert response.status_code == 400 and "what went wrong" in response.content.decode()
    assert not Evaluation.objects.exists()
    for junk in ({"level": "9"}, {"level": "abc"}, {}):
        assert client.post(rate_url(application), junk).status_code == 400
    response = client.post(rate_url(application), {"level": "1", "comment": "等了两个小时"})
    assert response.status_code == 200 and Rectification.objects.get().status == RectificationStatus.OPEN


def test_an_application_still_awaiting_pre_review_shows_why_it_cannot_be_rated(client, township, resident):
    application = make_application(township, resident=resident, status="submitted")
    client.force_login(resident)
    page = client.get(rate_url(application), **EN).content.decode()
    assert 'id="not-rateable"' in page and 'name="level"' not in page
    assert client.post(rate_url(application), {"level": "5"}).status_code == 400
    assert not Evaluation.objects.exists()


def test_resident_b_cannot_open_or_rate_resident_as_application(client, township, resident):
    application = make_application(township, resident=resident)
    client.force_login(make_resident(phone="13800000053", id_number=None))
    for guess in (application.pk, application.pk + 1, 2**63):
        assert client.get(reverse("services-evaluate-application", args=[guess])).status_code == 404
    assert client.post(rate_url(application), {"level": "1", "comment": "冒充"}).status_code == 404
    assert not Evaluation.objects.exists()


def test_signing_in_is_required_to_rate_online(client, township, resident):
    response = client.get(rate_url(make_application(township, resident=resident)))
    assert response.status_code == 302 and reverse("services-hall-sign-in") in response["Location"]


# --- SMS link -----------------------------------------------------------------------------------------


def test_the_sms_link_works_without_signing_in(client, township):
    application = make_application(township)
    url = reverse("services-evaluate-token", args=[evaluation_token(application)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": "2", "comment": "窗口人员态度不好"})
    assert response.status_code == 200 and 'id="rated"' in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert evaluation.channel == "sms" and evaluation.reviewer is None
    assert evaluation.reviewer_phone == application.applicant_phone and evaluation.is_named
    # coming back to the link: a thank-you, and a second rating is refused
    assert 'id="rated"' in client.get(url).content.decode()
    response = client.post(url, {"level": "5"}, **EN)
    assert response.status_code == 400 and "already been rated" in response.content.decode()
    assert Evaluation.objects.get().level == 2


@pytest.mark.parametrize("token", ["tampered", "x", "eyJhIjoxfQ:1vAAAA:abcdefghijklmnopqrstuvwxyz0"])
def test_a_bad_link_gives_a_clear_page_not_an_error(client, township, token):
    application = make_application(township)
    if token == "tampered":
        good = evaluation_token(application)
        token = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for method in (client.get, client.post):
        response = method(reverse("services-evaluate-token", args=[token]), **EN)
        assert response.status_code == 400
        assert "not valid or has expired" in response.content.decode()
    assert not Evaluation.objects.exists()


# --- window tablet ------------------------------------------------------------------------------------


@pytest.fixture
def clerk_at_window(township):
    clerk, window = make_staff(Role.WINDOW_CLERK, township=township), WindowFactory(township=township)
    clerk.staff_profile.window = window
    clerk.staff_profile.save()
    return clerk, window


def test_the_tablet_rates_the_clerks_last_finished_visit(client, township, clerk_at_window):
    clerk, window = clerk_at_window
    now = timezone.now()
    earlier = make_ticket(township, clerk=clerk, window=window, finished_at=now - timedelta(minutes=20))
    latest = make_ticket(township, clerk=clerk, window=window, finished_at=now - timedelta(minutes=1))
    other_clerk = make_staff(Role.WINDOW_CLERK, township=township)
    make_ticket(township, clerk=other_clerk, window=window, finished_at=now)
    client.force_login(clerk)
    page = client.get(reverse("services-evaluate-window")).content.decode()
    assert latest.number in page and page.count('name="level"') == 5
    assert "hx-trigger" not in page  # no reloading under the applicant's finger
    client.post(reverse("services-evaluate-window"), {"ticket": latest.pk, "level": "5"})
    page = client.get(reverse("services-evaluate-window")).content.decode()
    assert earlier.number in page  # the next one not yet rated
    assert Evaluation.objects.get().ticket == latest


def test_the_tablet_says_when_nothing_waits_and_looks_again(client, township, clerk_at_window):
    clerk, window = clerk_at_window
    make_ticket(township, clerk=clerk, window=window, status="serving")
    client.force_login(clerk)
    page = client.get(reverse("services-evaluate-window"), **EN).content.decode()
    assert "No finished visit waits for a rating" in page
    assert 'hx-trigger="every 5s"' in page and 'name="level"' not in page


def test_the_tablet_cannot_rate_someone_elses_visit_or_choke_on_junk(client, township, clerk_at_window):
    clerk, window = clerk_at_window
    other = make_staff(Role.WINDOW_CLERK, township=township)
    foreign = make_ticket(township, clerk=other, window=WindowFactory(township=township))
    client.force_login(clerk)
    for ticket in (foreign.pk, "abc", "", str(2**70)):
        response = client.post(reverse("services-evaluate-window"), {"ticket": ticket, "level": "1"})
        assert response.status_code == 200
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", [Role.TOWNSHIP_ADMIN, Role.GRID_MEMBER])
def test_the_tablet_belongs_to_a_window_clerk(client, township, role):
    client.force_login(make_staff(role, township=township))
    assert client.get(reverse("services-evaluate-window")).status_code == 403
    client.logout()
    assert client.get(reverse("services-evaluate-window")).status_code == 302


# --- ratings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.TOWNSHIP_ADMIN, Role.COMMAND_CENTRE, Role.DEPARTMENT_HEAD, Role.COUNTY_ADMIN]
)
def test_managers_see_their_townships_ratings(client, township, role):
    submit_evaluation(application=make_application(township), level=5, channel="online")
    submit_evaluation(application=make_application(township), level=1, comment="差", channel="online")
    submit_evaluation(application=make_application(TownshipFactory()), level=1, comment="别处", channel="sms")
    client.force_login(make_staff(role, township=township))
    response = client.get(reverse("services-ratings"))
    assert response.status_code == 200
    totals = response.context["figures"]["totals"]
    assert (totals["total"], totals["bad"], totals["satisfaction"]) == (2, 1, 50.0)


def test_a_county_admin_picks_a_township_of_their_county_only(client, township):
    neighbour = TownshipFactory(county=township.county)
    submit_evaluation(application=make_application(neighbour), level=3, channel="online")
    foreign = TownshipFactory()
    client.force_login(make_staff(Role.COUNTY_ADMIN, township=township))
    response = client.get(reverse("services-ratings"), {"township": neighbour.pk})
    assert response.status_code == 200 and response.context["figures"]["totals"]["total"] == 1
    assert 'name="township"' in response.content.decode()
    assert client.get(reverse("services-ratings"), {"township": foreign.pk}).status_code == 400


def test_a_township_manager_cannot_ask_for_another_township(client, township):
    other = TownshipFactory()
    submit_evaluation(application=make_application(other), level=1, comment="别处", channel="online")
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    for guess in (other.pk, "abc", 2**63):
        response = client.get(reverse("services-ratings"), {"township": guess})
        assert response.status_code == 400 and response.context["figures"] is None


def test_the_period_is_validated(client, township):
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    response = client.get(
        reverse("services-ratings"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}, **EN
    )
    assert response.status_code == 400 and "start date is after the end date" in response.content.decode()
    response = client.get(reverse("services-ratings"), {"date_from": "2026-13-45"}, **EN)
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()
    response = client.get(reverse("services-ratings"), {"date_from": "2026-05-01", "date_to": "2026-05-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.GRID_MEMBER, Role.APPROVER])
def test_clerks_and_others_cannot_see_ratings_or_rectifications(client, township, role):
    rectification = rectification_of(township)
    client.force_login(make_staff(role, township=township))
    for name, args in (
        ("services-ratings", []),
        ("services-rectifications", []),
        ("services-rectification", [rectification.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403


def test_residents_cannot_see_ratings(client, resident):
    client.force_login(resident)
    assert client.get(reverse("services-ratings")).status_code == 403


def test_the_ratings_page_counts_in_a_fixed_number_of_queries(
    client, township, django_assert_max_num_queries
):
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    windows = [WindowFactory(township=township) for _ in range(3)]
    departments = [DepartmentFactory(township=township) for _ in range(3)]
    for i in range(12):
        clerk = make_staff(Role.WINDOW_CLERK, township=township)
        application = make_application(
            township, department=departments[i % 3], window=windows[i % 3], clerk=clerk
        )
        submit_evaluation(application=application, level=i % 5 + 1, comment="意见", channel="online")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("services-ratings"))
    assert response.context["figures"]["totals"]["total"] == 12
    assert len(response.context["figures"]["per_clerk"]) == 12


# --- rectifications -----------------------------------------------------------------------------------


def test_the_rectification_list_shows_deadlines_and_warnings_in_fixed_queries(
    client, township, django_assert_max_num_queries
):
    for _ in range(6):
        rectification_of(township)
    overdue = Rectification.objects.order_by("pk").first()
    Rectification.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=2))
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=township))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("services-rectifications"), **EN)
    page = response.content.decode()
    assert response.status_code == 200 and page.count("working days left") == 5
    assert "overdue" in page and page.index("overdue") < page.index("working days left")


def test_a_department_head_handles_their_departments_rectifications_only(client, township):
    mine, theirs = DepartmentFactory(township=township), DepartmentFactory(township=township)
    own, other = rectification_of(township, department=mine), rectification_of(township, department=theirs)
    client.force_login(make_staff(Role.DEPARTMENT_HEAD, township=township, department=mine))
    assert client.get(reverse("services-rectification", args=[own.pk])).status_code == 200
    assert client.get(reverse("services-rectification", args=[other.pk])).status_code == 404
    url = reverse("services-rectification-action", args=[other.pk, "classify"])
    assert client.post(url, {"category": "fix_now", "verification": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.category == ""


def test_the_command_centre_watches_but_does_not_handle(client, township):
    rectification = rectification_of(township)
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=township))
    page = client.get(reverse("services-rectification", args=[rectification.pk])).content.decode()
    assert "139****0001" in page and "13900000001" not in page and '<form class="card"' not in page
    url = reverse("services-rectification-action", args=[rectification.pk, "classify"])
    assert client.post(url, {"category": "fix_now", "verification": "x"}).status_code == 403
    assert Rectification.objects.get().category == ""


def test_the_handler_sees_the_reviewers_phone_for_the_follow_up_call(client, township):
    rectification = rectification_of(township)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))
    page = client.get(reverse("services-rectification", args=[rectification.pk]), **EN).content.decode()
    assert 'id="reviewer-phone">13900000001<' in page and "working days left" in page
    assert "Opened by a bad review" in page


def test_another_townships_staff_get_404_on_guessed_ids(client, township):
    rectification = rectification_of(township)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=TownshipFactory()))
    for pk in (rectification.pk, rectification.pk + 1, 2**63):
        assert client.get(reverse("services-rectification", args=[pk])).status_code == 404
    url = reverse("services-rectification-action", args=[rectification.pk, "measures"])
    assert client.post(url, {"measures": "越权"}).status_code == 404
    assert "态度差" not in client.get(reverse("services-rectifications")).content.decode()


def test_the_steps_through_the_pages_with_clear_refusals(client, township):
    rectification = rectification_of(township)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=township))

    def act(action, data):
        return client.post(
            reverse("services-rectification-action", args=[rectification.pk, action]), data, **EN
        )

    response = act("measures", {"measures": "先整改"})
    assert response.status_code == 400 and "Sort the review before" in response.content.decode()
    assert act("classify", {"category": "nonsense", "verification": "x"}).status_code == 400
    assert act("classify", {"category": "ledger", "verification": "情况复杂"}).status_code == 302
    assert act("measures", {"measures": "已列入台账"}).status_code == 302
    assert act("follow-up", {"is_satisfied": "maybe"}).status_code == 400
    assert act("follow-up", {"is_satisfied": "0", "note": "不满意"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN and rectification.follow_ups.count() == 1
    response = act("follow-up", {"is_satisfied": "1"})
    assert response.status_code == 400 and "after the rectification is recorded" in response.content.decode()
    assert act("unknown", {}).status_code == 302
    assert (
        client.get(reverse("services-rectification-action", args=[rectification.pk, "classify"])).status_code
        == 405
    )
    page = client.get(reverse("services-rectification", args=[rectification.pk]), **EN).content.decode()
    assert "Reopened: the reviewer is not satisfied" in page
