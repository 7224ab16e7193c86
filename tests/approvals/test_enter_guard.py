"""Enter in a text field of the approver's case page performs nothing: every form with a text field starts
with a disabled submit button (a browser submits a form on Enter through its first submit button)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.approvals.helpers import Office, assignee_of

pytestmark = pytest.mark.django_db


class Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action", ""), "text": False, "first_submit": None}
        elif self.current is not None:
            is_submit = (tag == "button" and attrs.get("type", "submit") == "submit") or (
                tag == "input" and attrs.get("type") == "submit"
            )
            if is_submit and self.current["first_submit"] is None:
                self.current["first_submit"] = "disabled" in attrs
            if tag == "input" and attrs.get("type", "text") in {"text", "number", "tel", "search"}:
                self.current["text"] = True

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


def test_every_form_with_a_text_field_on_the_case_page_ignores_enter(client):
    office = Office(chiefs=1)
    application = office.in_review()
    client.force_login(assignee_of(application))
    page = client.get(reverse("admin:approvals_reviewcase_change", args=[application.pk]))
    parser = Forms()
    parser.feed(page.content.decode())
    with_text = [f for f in parser.forms if f["text"] and "/act/" in f["action"]]
    assert len(with_text) >= 3  # supplement, pause, extension
    assert [f["action"] for f in with_text if f["first_submit"] is not True] == []
