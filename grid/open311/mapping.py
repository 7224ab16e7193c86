"""Our categories and events in Open311 terms, and Open311 input in ours.

- service: a category of the township's catalogue in force; service_code = its code ("01.02"),
  group = its 大类, keywords = the code in another standard; metadata is true (every service has the
  attributes below).
- attributes: informational ones (variable=false) for the filing condition and the handling limit, and
  input ones from settings.GRID_OPEN311_ATTRIBUTES (a landmark for every service; "is anyone in danger?"
  required for 突发事件). Answers are added to the event's address or description.
- service request: a grid event; service_request_id = the event number; status open|closed from our
  states (rejected, handled on the spot, closed and evaluated are closed); no reporter data ever.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, QuerySet
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grid.events.selectors import categories_for
from grid.events.services import step_limits
from grid.models import OPEN_STATES, EventCategory, EventStatus, GridEvent, LimitStep, RejectReason
from township.casework.models import LimitUnit, TimelineEntry

S = EventStatus
CLOSED_STATES = frozenset(S.values) - OPEN_STATES
MAX_REQUESTS = 1000
DEFAULT_SPAN = timedelta(days=90)


class Open311Error(Exception):
    """An answer in the spec's error format: `errors` is [(code, description)], code the HTTP status."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.errors = [(status, str(text)) for text in descriptions]


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with "Z": the zone is included, as the spec requires, and the Python validator's
    pattern (which does not take "+08:00") accepts it."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- services ----------------------------------------------------------------------------------------


def services_of(township) -> list[EventCategory]:
    """The township's categories in force, one per code (the first catalogue's, events before components)."""
    seen, found = set(), []
    for category in categories_for(township.pk).prefetch_related("limits"):
        if category.code not in seen:
            seen.add(category.code)
            found.append(category)
    return found


def service_for(township, code: str) -> EventCategory | None:
    code = (code or "").strip()
    if not re.fullmatch(r"[0-9]{2,4}\.[0-9A-Za-z]{2,4}", code):
        return None
    major, minor = code.split(".")
    return (
        categories_for(township.pk)
        .filter(major_code=major, minor_code=minor)
        .prefetch_related("limits")
        .first()
    )


def service_row(category: EventCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.minor_name,
        "description": category.filing_condition or f"{category.major_name}·{category.minor_name}",
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(k for k in (category.other_code, category.major_name) if k),
        "group": category.major_name,
    }


def input_attributes(category: EventCategory) -> list[dict]:
    """The configured input attributes that apply to the category (all, or those of its 大类)."""
    return [
        spec
        for spec in settings.GRID_OPEN311_ATTRIBUTES
        if not spec.get("major_codes") or category.major_code in spec["major_codes"]
    ]


def _limit_text(category: EventCategory) -> str:
    units = dict(LimitUnit.choices)
    parts = [
        f"{limit.stage + ' ' if limit.stage else ''}{limit.amount} {units.get(limit.unit, limit.unit)}"
        for limit in step_limits(category, LimitStep.HANDLE)
    ]
    return _("Handled within %(limits)s after dispatch.") % {"limits": ", ".join(parts)}


def service_definition(category: EventCategory) -> dict:
    attributes = []
    if category.filing_condition:
        attributes.append(
            {
                "variable": False,
                "code": "filing_condition",
                "datatype": "text",
                "required": False,
                "datatype_description": "",
                "order": 0,
                "description": category.filing_condition,
                "values": [],
            }
        )
    attributes.append(
        {
            "variable": False,
            "code": "time_limit",
            "datatype": "text",
            "required": False,
            "datatype_description": "",
            "order": 0,
            "description": _limit_text(category),
            "values": [],
        }
    )
    for spec in input_attributes(category):
        attributes.append(
            {
                "variable": True,
                "code": spec["code"],
                "datatype": spec["datatype"],
                "required": bool(spec.get("required")),
                "datatype_description": str(spec.get("datatype_description", "")),
                "order": 0,
                "description": str(spec["description"]),
                "values": [{"key": key, "name": str(name)} for key, name in spec.get("values", ())],
            }
        )
    for order, attribute in enumerate(attributes, start=1):  # unique positive integers, as the spec says
        attribute["order"] = order
    return {"service_code": category.code, "attributes": attributes}


def attribute_answers(category: EventCategory, values: dict[str, list[str]]) -> tuple[str, str]:
    """(text for the description, text for the address) from `attribute[code]` values; raises 400 for a
    missing required answer or a value outside the list."""
    problems, description, address = [], [], []
    for spec in input_attributes(category):
        given = [v.strip() for v in values.get(spec["code"], []) if v and v.strip()]
        if spec["datatype"] != "multivaluelist":
            given = given[:1]
        if not given:
            if spec.get("required"):
                problems.append(
                    _("attribute[%(code)s] is required for this service.") % {"code": spec["code"]}
                )
            continue
        keys = dict(spec.get("values", ()))
        if keys and any(value not in keys for value in given):
            problems.append(
                _("attribute[%(code)s] must be one of: %(keys)s.")
                % {"code": spec["code"], "keys": ", ".join(keys)}
            )
            continue
        if any(len(value) > 200 for value in given):
            problems.append(_("attribute[%(code)s] is too long.") % {"code": spec["code"]})
            continue
        with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language, not the client's
            shown = "、".join(str(keys.get(value, value)) for value in given)
            line = f"{spec['description']}：{shown}"
        (address if spec.get("into") == "address" else description).append(line)
    if problems:
        raise Open311Error(400, *problems)
    return "；".join(description), "；".join(address)


# --- service requests -------------------------------------------------------------------------------


FIELDS = (
    "pk",
    "number",
    "status",
    "reject_reason",
    "description",
    "address",
    "latitude",
    "longitude",
    "reported_at",
    "registered_at",
    "dispatched_at",
    "assigned_at",
    "fed_back_at",
    "closed_at",
    "evaluated_at",
    "due_at",
    "category__major_code",
    "category__minor_code",
    "category__minor_name",
    "department__name",
    "grid__code",
    "intake__media_url",
)
MOMENTS = ("reported_at", "registered_at", "dispatched_at", "assigned_at", "fed_back_at", "closed_at")


def requests_queryset(township) -> QuerySet:
    """The township's events as rows of the fields a request shows (plain values: a list of 1,000 is
    read without building model instances), newest first."""
    return GridEvent.objects.filter(township=township).order_by("-reported_at", "-pk").values(*FIELDS)


def _updated(row: dict, last_entry: dict[int, datetime]) -> datetime:
    """When the request last changed; for a closed one, when it was closed (the spec's reading)."""
    if row["status"] in CLOSED_STATES and row["closed_at"]:
        return row["evaluated_at"] or row["closed_at"]
    return max(m for m in (*(row[name] for name in MOMENTS), last_entry.get(row["pk"])) if m)


def request_rows(events: list[dict]) -> list[dict]:
    """Each event as an Open311 request; one extra query at most (the time a rejected report was closed,
    which only its timeline knows). Never the reporter: no name, phone, e-mail or client."""
    rejected = [row["pk"] for row in events if row["status"] == S.REJECTED]
    last_entry = {}
    if rejected:
        last_entry = dict(
            TimelineEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(GridEvent), object_id__in=rejected
            )
            .values("object_id")
            .annotate(last=Max("created_at"))
            .values_list("object_id", "last")
        )
    states = {value: str(label) for value, label in S.choices}
    reasons = {value: str(label) for value, label in RejectReason.choices}
    rows = []
    for row in events:
        notes = states[row["status"]]
        if row["status"] == S.REJECTED and row["reject_reason"]:
            notes = f"{notes}: {reasons.get(row['reject_reason'], '')}"
        is_open = row["status"] in OPEN_STATES
        rows.append(
            {
                "service_request_id": row["number"],
                "status": "open" if is_open else "closed",
                "status_notes": notes,
                "service_name": row["category__minor_name"],
                "service_code": f"{row['category__major_code']}.{row['category__minor_code']}",
                "description": row["description"],
                "agency_responsible": row["department__name"] or "",
                "service_notice": "",
                "requested_datetime": iso(row["reported_at"]),
                "updated_datetime": iso(_updated(row, last_entry)),
                "expected_datetime": iso(row["due_at"]) if is_open else None,
                "address": row["address"],
                "address_id": row["grid__code"],
                "zipcode": "",
                "lat": row["latitude"],
                "long": row["longitude"],
                "media_url": row["intake__media_url"] or "",
            }
        )
    return rows


def parse_moment(raw: str, *, name: str) -> datetime:
    """An ISO 8601 time with its zone. A "+" left unescaped in a query string arrives as a space; it is
    read as the "+" it was."""
    text = (raw or "").strip()
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
    moment = parse_datetime(text) if text.isascii() and "\x00" not in text else None
    if moment is None or moment.tzinfo is None:
        raise Open311Error(
            400,
            _("%(name)s must be an ISO 8601 time with its zone, e.g. 2026-09-01T00:00:00+08:00.")
            % {"name": name},
        )
    return moment


def filter_requests(township, params, *, now: datetime) -> list[GridEvent]:
    """GET requests: service_request_id (comma list, overrides the rest), or service_code, start_date and
    end_date (at most 90 days apart; default the last 90 days) and status (open, closed or both); newest
    first, at most 1,000."""
    queryset = requests_queryset(township)
    ids = [part.strip() for part in (params.get("service_request_id") or "").split(",") if part.strip()]
    if ids:
        if len(ids) > MAX_REQUESTS or any(len(part) > 40 or "\x00" in part for part in ids):
            raise Open311Error(400, _("service_request_id lists at most 1000 ids of at most 40 characters."))
        return list(queryset.filter(number__in=ids)[:MAX_REQUESTS])
    code = (params.get("service_code") or "").strip()
    if code:
        if not re.fullmatch(r"[0-9]{2,4}\.[0-9A-Za-z]{2,4}", code):
            raise Open311Error(404, _("Unknown service_code %(code)s.") % {"code": code[:20]})
        major, minor = code.split(".")
        queryset = queryset.filter(category__major_code=major, category__minor_code=minor)
    start_raw, end_raw = params.get("start_date") or "", params.get("end_date") or ""
    start = parse_moment(start_raw, name="start_date") if start_raw.strip() else None
    end = parse_moment(end_raw, name="end_date") if end_raw.strip() else None
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if start and end and end - start > DEFAULT_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    if start is None and end is None:
        start, end = now - DEFAULT_SPAN, None
    elif start is None:
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    queryset = queryset.filter(reported_at__gte=start)
    if end is not None:
        queryset = queryset.filter(reported_at__lte=end)
    statuses = {part.strip() for part in (params.get("status") or "").split(",") if part.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=sorted(OPEN_STATES))
    elif statuses == {"closed"}:
        queryset = queryset.filter(status__in=sorted(CLOSED_STATES))
    return list(queryset[:MAX_REQUESTS])
