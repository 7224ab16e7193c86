"""The cached public tracking view (services.selectors.tracking): served from Redis, yet never stale.

These tests commit for real (transaction=True): the cache is rebuilt after a commit, exactly as in
production, and a lookup inside a transaction never reads or fills it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services import start_review
from services.models import Application, Bundle, BundleItem
from services.selectors import tracking
from services.services.intake import accept_application, receive_at_window
from tests.approvals.helpers import Office
from tests.factories import DepartmentFactory, TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = reverse("services-track")
API = "/api/tracking/"


def page(client, application, code=None):
    return client.get(PAGE, {"number": application.number, "code": code or application.query_code})


def main(response) -> str:
    """The page's own content (the frame around it carries a fresh CSRF token each time)."""
    text = response.content.decode()
    return text[text.index("<main>") : text.index("</main>")]


def queries_of(fetch):
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    return response, len(captured)


def test_a_second_lookup_is_served_from_the_cache_without_queries(client):
    application = Office(chiefs=1).accepted()
    first, first_queries = queries_of(lambda: page(client, application))
    again, again_queries = queries_of(lambda: page(client, application))
    assert first.status_code == again.status_code == 200
    assert first_queries <= 3  # the application, its public timeline, the content type once
    assert again_queries == 0
    assert main(again) == main(first)


def test_a_new_timeline_entry_shows_on_the_very_next_lookup(client):
    office = Office(chiefs=1)
    application = office.accepted()
    assert "审批中" not in page(client, application).content.decode()  # cached now
    api_before = client.get(API, {"number": application.number, "code": application.query_code}).json()
    start_review(application_id=application.pk)  # commits: status "in review", a public timeline entry
    shown = page(client, application).content.decode()
    assert "审批中" in shown and "开始审查" in shown
    api_after = client.get(API, {"number": application.number, "code": application.query_code}).json()
    assert api_after["status"] == "in_review" and len(api_after["steps"]) == len(api_before["steps"]) + 1


def test_a_change_without_a_timeline_entry_shows_too(client):
    application = Office(chiefs=1).accepted()
    assert "SF1234567890" not in page(client, application).content.decode()
    fresh = Application.objects.get(pk=application.pk)
    fresh.postal_tracking_number = "SF1234567890"
    fresh.save(update_fields=["postal_tracking_number"])
    assert "SF1234567890" in page(client, application).content.decode()


def test_a_view_read_just_before_a_commit_is_not_served_after_it(client, monkeypatch):
    """A reader builds the view from the old rows, a change commits, then the reader stores its view:
    the next lookup must not serve it."""
    office = Office(chiefs=1)
    application = office.accepted()
    build = tracking.build_view

    def slow_reader(number):
        view = build(number)  # the old rows ...
        start_review(application_id=application.pk)  # ... meanwhile the change commits
        return view

    monkeypatch.setattr(tracking, "build_view", slow_reader)
    assert "审批中" not in page(client, application).content.decode()  # the racing reader's answer
    monkeypatch.setattr(tracking, "build_view", build)
    assert "审批中" in page(client, application).content.decode()


def test_uncommitted_changes_are_neither_cached_nor_shown_after_a_rollback(client):
    application = Office(chiefs=1).accepted()
    with pytest.raises(RuntimeError), transaction.atomic():
        start_review(application_id=application.pk)
        view, _found = tracking.tracked_view(application.number)
        assert view.status == "in_review"  # the transaction sees its own write ...
        raise RuntimeError("rolled back")
    assert page(client, application).content.decode().count("审批中") == 0  # ... nobody else ever does
    assert Application.objects.get(pk=application.pk).status == "accepted"


def test_a_step_on_a_bundle_part_shows_on_the_bundles_page(client):
    township = TownshipFactory()
    clerk, _window = clerk_at_window(township)
    departments = [DepartmentFactory(township=township) for _ in range(2)]
    bundle = Bundle.objects.create(township=township, code="NEWBORN", name="出生一件事")
    for order, department in enumerate(departments):
        BundleItem.objects.create(
            bundle=bundle, item=intake_item(township=township, department=department), order=order
        )
    received = receive_at_window(township=township, clerk=clerk, bundle=bundle, applicant=applicant())
    parent = accept_application(application=received, clerk=clerk, checklist=full_checklist(received))
    before = page(client, parent).content.decode()
    assert before.count("开始审查") == 0
    child = parent.children.order_by("pk").first()
    start_review(application_id=child.pk)
    after = page(client, parent).content.decode()
    assert after.count("开始审查") == 1 and departments[0].name in after


def test_a_wrong_code_and_an_unknown_number_answer_alike_and_cost_alike(client):
    application = Office(chiefs=1).accepted()
    wrong_code = "000000" if application.query_code != "000000" else "111111"
    unknown = "QS-SQ-2099-999999"

    def ask(number, code):
        return queries_of(lambda: client.get(PAGE, {"number": number, "code": code}))

    (wrong, wrong_cold), (missing, missing_cold) = ask(application.number, wrong_code), ask(unknown, "123456")
    (_, wrong_warm), (_, missing_warm) = ask(application.number, wrong_code), ask(unknown, "123456")
    assert wrong.status_code == missing.status_code == 404
    strip = lambda response, number: main(response).replace(number, "N")  # noqa: E731
    assert strip(wrong, application.number).replace(wrong_code, "C") == strip(missing, unknown).replace(
        "123456", "C"
    )
    # the same database reads (none once cached) whether the number exists or not
    assert wrong_warm == missing_warm == 0
    assert wrong_cold >= 1 and missing_cold >= 1
    # and the API says the same for both
    api_wrong = client.get(API, {"number": application.number, "code": wrong_code})
    api_missing = client.get(API, {"number": unknown, "code": "123456"})
    assert api_wrong.status_code == api_missing.status_code == 404
    assert api_wrong.json() == api_missing.json()


def test_an_unknown_number_cached_as_missing_is_found_once_it_exists(client):
    township = TownshipFactory()
    clerk, window = clerk_at_window(township)
    item = intake_item(township=township)
    first = receive_at_window(township=township, clerk=clerk, window=window, item=item, applicant=applicant())
    next_number = first.number[:-6] + f"{int(first.number[-6:]) + 1:06d}"
    assert client.get(PAGE, {"number": next_number, "code": "123456"}).status_code == 404  # cached: none
    second = receive_at_window(
        township=township, clerk=clerk, window=window, item=item, applicant=applicant()
    )
    assert second.number == next_number
    assert page(client, second).status_code == 200


def test_the_rendered_view_is_kept_per_language(client):
    """The page keeps the rendered application per generation and language: a Chinese reader and an
    English one each get their own labels, and a new step reaches both."""
    office = Office(chiefs=1)
    application = office.accepted()
    assert "已受理" in main(page(client, application))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = main(page(client, application))
    assert "Accepted" in english and "已受理" not in english
    start_review(application_id=application.pk)
    assert "In review" in main(page(client, application))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    assert "审批中" in main(page(client, application))


def test_what_was_typed_stays_in_the_form_after_a_wrong_code(client):
    application = Office(chiefs=1).accepted()
    response = page(client, application, code="000000" if application.query_code != "000000" else "111111")
    assert response.status_code == 404
    text = main(response)
    assert f'value="{application.number}"' in text and 'name="code"' in text
