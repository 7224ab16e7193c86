"""DomainError: the one base of every refusal a user can read; views, admin actions and the API turn it
into a clear message in the user's language, never a 500.

    raise ApprovalError(_("State the reasons for the decision."), field_errors={"reasons": [...]})

`status_code` says how the API answers: 400 for input the user can correct, 409 for a case whose state
does not allow the step (someone else acted first, or the step is not possible any more).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.response import Response


class DomainError(Exception):
    """A business action that cannot be done; `message` is for the person who tried it."""

    status_code = 400
    default_code = "refused"

    def __init__(self, message, *, code: str = "", field_errors: Mapping[str, Iterable] | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code or self.default_code
        self.field_errors = {name: [str(e) for e in errors] for name, errors in (field_errors or {}).items()}

    def __str__(self) -> str:
        return self.message


class Conflict(DomainError):
    """The case is not in a state that allows the step (HTTP 409)."""

    status_code = 409
    default_code = "conflict"


def add_to_form(form, error: DomainError, *, summary: bool = True) -> None:
    """Show a refusal on a Django form: the message above the form (unless `summary` is off), and each
    field error next to its field (or above the form for a field the form does not have)."""
    if summary:
        form.add_error(None, error.message)
    for name, texts in error.field_errors.items():
        field = name if name in getattr(form, "fields", {}) else None
        for text in texts:
            form.add_error(field, text)


def message_user(modeladmin, request, error: DomainError) -> None:
    """Show a refusal in the admin as an error message (admin actions, change views)."""
    modeladmin.message_user(request, error.message, level=messages.ERROR)


class DomainErrorMiddleware:
    """The safety net: a refusal no view caught becomes a page saying why (400/409), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if request.headers.get("HX-Request"):
            return HttpResponse(
                render_to_string("errors/_refused.html", {"error": exception}, request=request),
                status=exception.status_code,
            )
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return render(
            request, "errors/refused.html", {"error": exception, "back": back}, status=exception.status_code
        )


def domain_error_response(exc: DomainError) -> Response:
    """A refusal as the API answers it: 400/409 with `detail`, `code` and per-field `errors`."""
    body: dict = {"detail": exc.message, "code": exc.code}
    if exc.field_errors:
        body["errors"] = exc.field_errors
    return Response(body, status=exc.status_code)
