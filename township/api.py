"""The API's edge: a JSON parser that refuses deep nesting and the exception handler (the schema class
is in township.api_schema: importing drf-spectacular here would import DRF's views before this)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import CharFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, pagination, parsers

from township.errors import DomainError, domain_error_response

# Nothing the API takes is nested more than a few levels; json's own limit is Python's recursion limit,
# which it reports as a RecursionError (a 500) instead of a parse error.
MAX_JSON_DEPTH = 32


def _depth(value, limit: int) -> int:
    """How deep `value` nests, counting no further than `limit` + 1 (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(_("The JSON is nested too deeply."))
        return data


def exception_handler(exc, context):
    """The API's one exception handler: a DomainError (a refusal the user can read) answers 400/409 with
    its message and field errors, a Django ValidationError (a model or service refusing a value) a 400
    with its messages, rather than a 500; the rest as DRF answers it."""
    # DRF's views read the API settings, which import this module's classes.
    from rest_framework.views import exception_handler as drf_exception_handler  # noqa: PLC0415 - import cycle

    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` must be a page number: an empty or junk value is a 404 like a page past the end, rather
    than quietly the first page."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not (raw.isascii() and raw.isdigit()):
            raise exceptions.NotFound(_("Invalid page."))
        return super().get_page_number(request, paginator)


class FilterBackend(DjangoFilterBackend):
    """django-filter reads an empty value as "no filter", as an HTML form sends it. The API's schema
    types its filters (a date, a choice, an id), so an empty one there is refused; text filters (`q`)
    may still be empty."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            blank = [
                name
                for name, filter_ in filterset.filters.items()
                if not isinstance(filter_, CharFilter) and request.query_params.get(name, None) == ""
            ]
            if blank:
                raise exceptions.ValidationError(
                    {name: [_("This field may not be blank.")] for name in blank}
                )
        return filterset
