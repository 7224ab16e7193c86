"""Open311 GeoReport v2 endpoints. Every answer is XML or JSON by the path's extension; every refusal is
the spec's `errors/error{code, description}` body: 404 for an unknown jurisdiction, service or token,
403 for a missing, invalid or revoked api_key (or one of another township), 400 for the rest. Reading is
open to anyone (no personal data is ever shown); posting needs an Open311 key of the jurisdiction."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from grid.channels.intake import receive_report
from grid.models import Grid, GridEvent
from grid.models.channels import EventIntake, EventSource
from grid.open311 import mapping
from grid.open311.mapping import Open311Error
from grid.open311.renderers import render
from township.api_keys import ApiKeyAuthentication
from township.errors import DomainError
from township.org.models import ApiClient, Township

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-10-01T00:00:00Z"  # when the endpoints last changed (discovery's changeset)
RETRY_WINDOW = timedelta(minutes=10)
HTML = re.compile(r"<\s*[a-zA-Z/!?]")
_ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,40})\](\[\])?$")


@extend_schema(exclude=True)
class Open311View(APIView):
    """The common edge: an api_key (optional when reading) checked by the kernel (rate-limited,
    revocable), the format from the path, refusals in the spec's error format."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes: list = []
    renderer_classes = [JSONRenderer]
    root = ""

    def perform_content_negotiation(self, request, force=False):
        # the format is the path's extension, whatever the Accept header says
        return JSONRenderer(), "application/json"

    def initial(self, request, *args, **kwargs):
        self.fmt = kwargs.get("fmt", "xml")
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        fmt = getattr(self, "fmt", "xml")
        if isinstance(exc, Open311Error):
            errors, status = exc.errors, exc.status
        elif isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
            errors, status = [(403, str(exc.detail))], 403
        elif isinstance(exc, exceptions.Throttled):
            errors, status = [(429, str(exc.detail))], 429
        elif isinstance(exc, exceptions.MethodNotAllowed):
            errors, status = [(405, str(exc.detail))], 405
        elif isinstance(exc, exceptions.APIException):
            errors, status = [(400, str(exc.detail))], 400
        elif isinstance(exc, DomainError):
            texts = [exc.message] + [
                f"{field}: {text}" for field, texts in exc.field_errors.items() for text in texts
            ]
            errors, status = [(400, text) for text in texts], 400
        else:
            raise exc
        body = [{"code": code, "description": text} for code, text in errors]
        return render(body, fmt=fmt, root="errors", status=status)

    def jurisdiction(self, request) -> Township:
        """The township named by jurisdiction_id (its code): required, since one server answers for
        every township of the county."""
        raw = (request.query_params.get("jurisdiction_id") or "").strip()
        if not raw and request.method == "POST":
            raw = str(request.data.get("jurisdiction_id") or "").strip()
        if not raw:
            raise Open311Error(400, _("jurisdiction_id is required (the township's code)."))
        township = Township.objects.filter(code=raw).first() if raw.isascii() and raw.isdigit() else None
        if township is None:
            raise Open311Error(404, _("Unknown jurisdiction_id %(id)s.") % {"id": raw[:20]})
        return township

    def answer(self, data, status: int = 200):
        return render(data, fmt=self.fmt, root=self.root, status=status)


class DiscoveryView(Open311View):
    root = "discovery"

    def get(self, request, fmt):
        base = request.build_absolute_uri(reverse("open311-discovery", kwargs={"fmt": fmt}))
        return self.answer(
            {
                "changeset": CHANGESET,
                "contact": settings.GRID_OPEN311_CONTACT,
                "key_service": _("Ask the township's command centre for an Open311 API key."),
                "endpoints": [
                    {
                        "specification": SPECIFICATION,
                        "url": base.rsplit("/", 1)[0],
                        "changeset": CHANGESET,
                        "type": "production",
                        "formats": ["text/xml", "application/json"],
                    }
                ],
            }
        )


class ServicesView(Open311View):
    root = "services"

    def get(self, request, fmt):
        township = self.jurisdiction(request)
        return self.answer([mapping.service_row(category) for category in mapping.services_of(township)])


class ServiceDefinitionView(Open311View):
    root = "service_definition"

    def get(self, request, code, fmt):
        township = self.jurisdiction(request)
        category = mapping.service_for(township, code)
        if category is None:
            raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": code[:20]})
        return self.answer(mapping.service_definition(category))


def _field(data, name: str, *, limit: int) -> str:
    value = data.get(name)
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise Open311Error(400, _("%(name)s is longer than %(n)s characters.") % {"name": name, "n": limit})
    return text


class RequestsView(Open311View):
    root = "service_requests"

    def get(self, request, fmt):
        township = self.jurisdiction(request)
        events = mapping.filter_requests(township, request.query_params, now=timezone.now())
        return self.answer(mapping.request_rows(events))

    def post(self, request, fmt):
        client = request.auth
        if not isinstance(client, ApiClient):
            raise Open311Error(403, _("An api_key is required to post a service request."))
        if client.purpose != ApiClient.Purpose.OPEN311:
            raise Open311Error(403, _("This api_key is not an Open311 key."))
        township = self.jurisdiction(request)
        if client.township_id != township.pk:
            raise Open311Error(
                403, _("This api_key is not valid for jurisdiction_id %(id)s.") % {"id": township.code}
            )
        data = request.data
        code = _field(data, "service_code", limit=20)
        if not code:
            raise Open311Error(400, _("service_code is required."))
        category = mapping.service_for(township, code)
        if category is None:
            raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": code})
        latitude, longitude = _field(data, "lat", limit=30), _field(data, "long", limit=30)
        address_string = _field(data, "address_string", limit=256)
        address_id = _field(data, "address_id", limit=24)
        grid = None
        if latitude or longitude:
            if not (latitude and longitude):
                raise Open311Error(400, _("Give both lat and long."))
        elif address_id:
            grid = Grid.objects.filter(
                township=township, code=address_id, is_active=True, label_lat__isnull=False
            ).first()
            if grid is None:
                raise Open311Error(400, _("address_id must be the code of a grid of this township."))
            latitude, longitude = grid.label_lat, grid.label_lng
        elif address_string:
            raise Open311Error(
                400,
                _("An address alone cannot be placed on the map here: send lat and long (WGS-84) with it."),
            )
        else:
            raise Open311Error(400, _("A location is required: lat and long, or address_id."))
        description = _field(data, "description", limit=4000)
        if HTML.search(description):
            raise Open311Error(400, _("description may not contain HTML."))
        media_url = _field(data, "media_url", limit=500)
        if media_url:
            try:
                URLValidator(schemes=["http", "https"])(media_url)
            except ValidationError:
                raise Open311Error(400, _("media_url must be an http or https address.")) from None
        answers = {}
        for key in data:
            match = _ATTRIBUTE.match(str(key))
            if match:
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                answers.setdefault(match.group(1), []).extend(str(v) for v in values)
        extra_description, extra_address = mapping.attribute_answers(category, answers)
        description = "\n".join(
            part for part in (description or category.minor_name, extra_description) if part
        )
        address = "；".join(part for part in (address_string, extra_address) if part)
        name = f"{_field(data, 'last_name', limit=30)}{_field(data, 'first_name', limit=30)}"
        event = self._retried(client, category, description, latitude, longitude)
        if event is None:
            token = secrets.token_hex(16)
            event = receive_report(
                township=township,
                source=EventSource.OPEN311,
                category=category,
                description=description,
                latitude=latitude,
                longitude=longitude,
                address=address,
                reporter_name=name,
                phone=_field(data, "phone", limit=20),
                email=_field(data, "email", limit=254),
                api_client=client,
                media_url=media_url,
                external_ref=token,
            )
        else:
            token = event.intake.external_ref
        notice = _("Follow it with number %(number)s on the township's tracking page.") % {
            "number": event.number
        }
        if settings.GRID_OPEN311_ANSWER_WITH_TOKEN:
            row = {"token": token, "service_notice": notice, "account_id": ""}
        else:
            row = {"service_request_id": event.number, "service_notice": notice, "account_id": ""}
        return self.answer([row], status=201)

    def _retried(self, client, category, description, latitude, longitude) -> GridEvent | None:
        """The request this client posted moments ago with the same service, text and place: a retry of a
        request whose answer was lost, answered with the same request rather than a second one."""
        try:
            lat, lng = float(latitude), float(longitude)
        except (TypeError, ValueError):
            return None
        intake = (
            EventIntake.objects.filter(
                source=EventSource.OPEN311,
                api_client=client,
                event__category=category,
                event__description=description,
                event__latitude=lat,
                event__longitude=lng,
                event__reported_at__gte=timezone.now() - RETRY_WINDOW,
            )
            .select_related("event")
            .first()
        )
        return intake.event if intake else None


class RequestView(Open311View):
    root = "service_requests"

    def get(self, request, request_id, fmt):
        township = self.jurisdiction(request)
        event = mapping.requests_queryset(township).filter(number=request_id[:40]).first()
        if event is None:
            raise Open311Error(404, _("Unknown service_request_id %(id)s.") % {"id": request_id[:40]})
        return self.answer(mapping.request_rows([event]))


class TokenView(Open311View):
    root = "service_requests"

    def get(self, request, token, fmt):
        township = self.jurisdiction(request)
        intake = None
        if re.fullmatch(r"[0-9a-f]{32}", token):
            intake = (
                EventIntake.objects.filter(
                    source=EventSource.OPEN311, external_ref=token, event__township=township
                )
                .select_related("event")
                .first()
            )
        if intake is None:
            raise Open311Error(404, _("Unknown token %(token)s.") % {"token": token[:40]})
        return self.answer([{"service_request_id": intake.event.number, "token": token}])
