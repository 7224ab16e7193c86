"""The warning board: every registered case type's yellow and red items in one list, most urgent first,
filterable, with the handler and the time left; urging from the row reaches the handler once and the
reply shows; nobody sees or urges another township's cases."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from command_center import selectors
from tests.casework_app.models import Complaint
from tests.command_center.helpers import Place, complaint, complaint_deadline, set_level
from tests.factories import DepartmentFactory, make_staff
from township.casework.models import Urging, WarningLevel
from township.casework.urging import reply_to_urging
from township.notify.models import InboxItem
from township.org.roles import Role

pytestmark = pytest.mark.django_db
RED, YELLOW = WarningLevel.RED, WarningLevel.YELLOW


@pytest.fixture
def place():
    place = Place()
    place.late = set_level(place.office.in_review(), RED, days=-2)
    place.soon = set_level(place.office.in_review(), YELLOW, days=1)
    place.calm = place.office.in_review()
    place.complaint = complaint(place.township, place.department, place.chief, level=YELLOW, days=2)
    place.reply_deadline = complaint_deadline(place.complaint, level=RED, days=-1)
    place.elsewhere = set_level(place.other.in_review(), RED, days=-5)
    return place


def test_board_shows_every_case_type_red_first_then_by_time_left(client, place):
    client.force_login(place.command)
    response = client.get(reverse("command-board"))
    assert response.status_code == 200
    rows = response.context["rows"]
    titles = [(r["label"], r["case_id"], r["deadline"], r["level"]) for r in rows]
    assert titles == [
        ("services.application", place.late.pk, "", RED),
        ("casework_app.complaint", place.complaint.pk, "答复投诉人", RED),
        ("services.application", place.soon.pk, "", YELLOW),
        ("casework_app.complaint", place.complaint.pk, "", YELLOW),
    ]
    assert all(place.chief in r["handlers"] for r in rows)
    assert rows[0]["left"].is_overdue and "超期" in str(rows[0]["left"])
    page = response.content.decode()
    assert place.late.number in page and "答复投诉人" in page
    assert place.elsewhere.number not in page
    assert response.context["counts"] == {"yellow": 2, "red": 2}


def test_board_filters_by_kind_level_and_department(client, place):
    client.force_login(place.command)
    url = reverse("command-board")
    red = client.get(url, {"level": "2"}).context["rows"]
    assert {r["level"] for r in red} == {RED} and len(red) == 2
    complaints = client.get(url, {"type": "casework_app.complaint"}).context["rows"]
    assert {r["label"] for r in complaints} == {"casework_app.complaint"} and len(complaints) == 2
    other_department = DepartmentFactory(township=place.township)
    assert client.get(url, {"department": str(other_department.pk)}).context["rows"] == []
    bad = client.get(url, {"level": "٣", "type": "no.such"})
    assert bad.status_code == 400
    assert "Choose" in bad.content.decode() or "选择" in bad.content.decode()


def test_board_pages_with_a_fixed_number_of_queries(client, place, django_assert_max_num_queries):
    client.force_login(place.command)
    url = reverse("command-board")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _n in range(12):
        set_level(place.office.in_review(), RED, days=-1)
        complaint(place.township, place.department, place.chief, level=RED, days=-1)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        response = client.get(url, {"page": "1"})
    assert len(response.context["rows"]) == 28
    second = client.get(url, {"page": "2"})
    assert second.status_code == 200


def test_a_department_head_sees_only_their_department_and_the_leaders_office_the_township(client, place):
    other_department = DepartmentFactory(township=place.township)
    complaint(place.township, other_department, None, level=RED, days=-1, number="TS-OTHER")
    head = make_staff(Role.DEPARTMENT_HEAD, department=other_department)
    client.force_login(head)
    rows = client.get(reverse("command-board")).context["rows"]
    assert [r["title"] for r in rows] == [str(Complaint.objects.get(number="TS-OTHER"))]
    office = DepartmentFactory(township=place.township, code="DZB", name="党政办公室")
    leader = make_staff(Role.DEPARTMENT_HEAD, department=office)
    client.force_login(leader)
    assert len(client.get(reverse("command-board")).context["rows"]) == 5


def test_clerks_and_other_townships_are_refused(client, place):
    client.force_login(place.office.clerk)
    assert client.get(reverse("command-board")).status_code == 403
    assert client.get(reverse("command-dashboard")).status_code == 403
    client.force_login(place.other_command)
    rows = client.get(reverse("command-board")).context["rows"]
    assert [r["case_id"] for r in rows] == [place.elsewhere.pk]


def urge(client, case, label="services.application", note="请今天办结", level="urge", htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("command-urge"),
        {"type": label, "case": str(case.pk), "level": level, "note": note},
        **headers,
    )


def test_urging_from_the_row_reaches_the_handler_once_and_the_reply_shows(client, place):
    client.force_login(place.command)
    first = urge(client, place.late, htmx=True)
    assert first.status_code == 200
    assert "请今天办结" in first.content.decode()
    urge(client, place.late, htmx=True)  # a double click
    content_type = ContentType.objects.get_for_model(place.late)
    assert Urging.objects.filter(content_type=content_type, object_id=place.late.pk).count() == 1
    assert InboxItem.objects.filter(user=place.chief).count() == 1
    urging = Urging.objects.get(content_type=content_type, object_id=place.late.pk)
    reply_to_urging(urging=urging, by=place.chief, reply="下午办结")
    page = client.get(reverse("command-board")).content.decode()
    assert "下午办结" in page
    supervised = urge(client, place.complaint, label="casework_app.complaint", level="supervise", note="督办")
    assert supervised.status_code == 302
    assert Urging.objects.filter(object_id=place.complaint.pk, level="supervise").count() == 1


def test_the_urged_person_answers_on_their_page(client, place):
    client.force_login(place.command)
    urge(client, place.late)
    client.force_login(place.chief)
    page = client.get(reverse("command-urgings"))
    assert "请今天办结" in page.content.decode()
    urging = Urging.objects.get()
    assert (
        client.post(reverse("command-urgings"), {"urging": str(urging.pk), "reply": "已处理"}).status_code
        == 302
    )
    urging.refresh_from_db()
    assert urging.reply == "已处理"
    client.force_login(place.office.clerk)
    assert (
        client.post(reverse("command-urgings"), {"urging": str(urging.pk), "reply": "x"}).status_code == 404
    )


def test_urging_a_guessed_or_foreign_case_is_refused(client, place):
    client.force_login(place.command)
    assert urge(client, place.elsewhere).status_code == 404
    assert urge(client, place.late, label="no.such").status_code == 404
    assert urge(client, place.late, label="casework.deadline").status_code == 404
    assert client.post(
        reverse("command-urge"), {"type": "services.application", "case": "1\x00"}
    ).status_code in (400, 404)
    assert urge(client, place.late, note="").status_code == 302
    assert not Urging.objects.exists()
    empty = urge(client, place.late, note="", htmx=True)
    assert empty.status_code == 400
    client.force_login(place.office.clerk)
    assert urge(client, place.late).status_code == 403


def test_the_board_is_generic_over_registered_case_types():
    labels = {label for label, _name in selectors.board_case_types()}
    assert {"services.application", "services.rectification", "casework_app.complaint"} <= labels
    assert "casework.deadline" not in labels and "casework_app.permit" not in labels


def test_a_board_longer_than_the_cap_says_so_and_still_pages(client, place, monkeypatch):
    """The board counts at most `cap` + 1 rows of the union (the place has four): beyond the cap the pager
    reads "of N+", and every page it counted still opens."""
    monkeypatch.setattr(selectors.BoardPaginator, "cap", 2)
    rows_of_page = []
    for number in (1, 2, 3):
        page, rows = selectors.warning_board(place.command, page=number, per_page=1)
        rows_of_page.append((rows[0]["case_id"], rows[0]["deadline"]))
        assert page.paginator.is_capped and page.paginator.num_pages == 3
    assert len(set(rows_of_page)) == 3  # different rows, most urgent first
    client.force_login(place.command)
    monkeypatch.setattr(selectors, "warning_board", _with_one_per_page(selectors.warning_board))
    assert "共3页以上" in client.get(reverse("command-board")).content.decode()  # "of 3+"


def _with_one_per_page(board):
    def one_per_page(user, flt=None, *, page=1, per_page=50, now=None):
        return board(user, flt, page=page, per_page=1, now=now)

    return one_per_page


def test_every_page_holds_the_rows_the_full_ordering_puts_there(place):
    """Each page is drawn from parts limited to the rows up to that page (so a page never sorts every
    red row); page by page it must still hold what the whole board, sorted, holds at that place."""
    more = [set_level(place.office.in_review(), RED, days=-d) for d in (1, 3, 4)]
    more += [complaint(place.township, place.department, place.chief, level=RED, days=-6, number="TS-9001")]
    expected = [
        (r["ct"], r["case_id"], bool(r["deadline_id"])) for r in selectors.warning_rows(place.command)
    ]
    assert len(expected) == 4 + len(more)
    seen = []
    for number in (1, 2, 3, 4):
        page, rows = selectors.warning_board(place.command, page=number, per_page=2)
        seen += [
            (ContentType.objects.get_for_model(r["case"]).pk, r["case_id"], bool(r["deadline"])) for r in rows
        ]
        assert page.number == number and page.paginator.num_pages == 4
    assert seen == expected
    # a page past the end shows the last one, not an error; a page that is not a number, the first
    page, rows = selectors.warning_board(place.command, page=99, per_page=2)
    assert page.number == 4 and len(rows) == 2
    for bad in ("x", None, "-3", 0):
        assert selectors.warning_board(place.command, page=bad, per_page=2)[0].number == 1


def test_the_board_page_answers_a_bad_page_number_with_the_first_page(client, place):
    client.force_login(place.command)
    for bad in ("٣", "x", "-1"):  # read as the first page
        response = client.get(reverse("command-board"), {"page": bad})
        assert response.status_code == 200 and response.context["page"].number == 1, bad
        assert place.late.number in response.content.decode()
    too_long = client.get(reverse("command-board"), {"page": "99999999999999999999"})
    assert too_long.status_code == 400 and too_long.context["form"].errors  # the filter form's message
    nul = client.get(reverse("command-board"), {"page": "\x00"})
    assert nul.status_code == 400 and "NUL" in nul.content.decode()  # the kernel's guard, before the view
