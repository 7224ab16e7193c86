"""The back office sees the applying enterprise's credit (score, grade, records in effect) on the review
page, by the application's credit code; nothing when the application has none."""

from datetime import date

import pytest
from django.urls import reverse

from enforcement.credit.services import record_penalty
from tests.approvals.helpers import Office, assignee_of
from tests.entities.factories import make_entity
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_the_review_page_shows_the_enterprises_credit_and_nothing_without_a_code(client):
    office = Office()
    application = office.in_review()
    entity = make_entity(office.township)
    record_penalty(
        entity=entity,
        department=DepartmentFactory(township=office.township),
        band="general",
        decision_number="青综执罚决字〔2026〕77号",
        decided_on=date(2026, 10, 1),
        summary="餐饮油烟未经净化直接排放",
    )
    client.force_login(assignee_of(application))
    url = reverse("admin:approvals_reviewcase_change", args=[application.pk])
    assert 'id="credit-summary"' not in client.get(url).content.decode()
    type(application).objects.filter(pk=application.pk).update(credit_code=entity.credit_code)
    response = client.get(url)
    html = response.content.decode()
    assert 'id="credit-summary"' in html and "餐饮油烟未经净化直接排放" in html
    assert (response.context["credit"]["score"], response.context["credit"]["grade"]) == (90, "A")
