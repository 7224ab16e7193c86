"""Excel import of 12345 work orders (when the platform hands over a day's orders as a spreadsheet).

All or nothing: every row is checked first and each fault is reported with its row and column; only a
file without faults is taken in, set-based: 1,000 orders per transaction, their numbers reserved in one
step and their rows, first timeline entries and dispatch deadlines written in bulk. An order already
received (same platform order id) is counted and left alone, so importing the same file twice adds
nothing, and a file cut short by a failure is completed by importing it again.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.hotline import limits
from grid.hotline import services as hotline
from grid.hotline.errors import HotlineError
from grid.models.hotline import HotlineKind, HotlineOrder, HotlineSource, HotlineStatus, HotlineUrgency
from township.casework.deadlines import open_deadlines_of_new_cases
from township.casework.numbers import next_numbers
from township.casework.timeline import append_entries
from township.spreadsheets import cell_text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
CHUNK = 1_000  # orders per transaction

# column headers as the platform's export writes them (Chinese) or as our template names them
HEADERS = {
    "platform_order_id": ("工单编号", "工单ID", "platform_order_id"),
    "hotline_number": ("热线单号", "受理编号", "hotline_number"),
    "urgency": ("紧急程度", "urgency"),
    "kind": ("诉求类型", "kind"),
    "category": ("诉求分类", "category"),
    "title": ("标题", "诉求标题", "title"),
    "content": ("诉求内容", "内容", "content"),
    "received_at": ("来电时间", "受理时间", "received_at"),
    "caller_name": ("来电人", "caller_name"),
    "caller_phone": ("联系电话", "来电号码", "caller_phone"),
    "address": ("地址", "事发地址", "address"),
    "lng": ("经度", "lng"),
    "lat": ("纬度", "lat"),
    "wants_anonymity": ("是否保密", "wants_anonymity"),
}
REQUIRED = ("platform_order_id", "hotline_number", "urgency", "kind", "title", "content", "received_at")
URGENCY_WORDS = {
    "紧急": HotlineUrgency.EMERGENCY,
    "特急": HotlineUrgency.EMERGENCY,
    "加急": HotlineUrgency.UTILITIES,
    "水电气热": HotlineUrgency.UTILITIES,
    "一般": HotlineUrgency.GENERAL,
    "普通": HotlineUrgency.GENERAL,
    "疑难": HotlineUrgency.COMPLEX,
    "复杂": HotlineUrgency.COMPLEX,
}
KIND_WORDS = {
    "咨询": HotlineKind.ENQUIRY,
    "求助": HotlineKind.HELP,
    "投诉": HotlineKind.COMPLAINT,
    "举报": HotlineKind.REPORT,
    "建议": HotlineKind.SUGGESTION,
    "表扬": HotlineKind.PRAISE,
}
YES = {"1", "是", "yes", "true", "y", "√"}
NO = {"", "0", "否", "no", "false", "n", "×"}


@dataclass
class ImportReport:
    created: int = 0
    already_received: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(HotlineError):
    def __init__(self, message, report: ImportReport):
        super().__init__(message, code="import")
        self.report = report


def _workbook_rows(upload):
    # openpyxl is imported here: it is only needed for an import, and it is slow to import
    from openpyxl import load_workbook  # noqa: PLC0415 - heavy, used only by imports

    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if not name.lower().endswith(".xlsx"):
        message = _("Upload an Excel file (.xlsx).")
        raise HotlineError(message, field_errors={"file": [message]})
    if size is not None and size > MAX_BYTES:
        message = _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_BYTES // 1024 // 1024}
        raise HotlineError(message, field_errors={"file": [message]})
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        message = _("This is not a real Excel file.")
        raise HotlineError(message, field_errors={"file": [message]})
    upload.seek(0)
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any reader error means the file cannot be read
        raise HotlineError(
            _("The Excel file cannot be read."), field_errors={"file": [_("Unreadable.")]}
        ) from None
    sheet = book.worksheets[0]
    return sheet.iter_rows(values_only=True)


def _columns(header_row) -> tuple[dict[str, int], list[str]]:
    names = [cell_text(cell) for cell in header_row]
    columns, missing = {}, []
    for key, aliases in HEADERS.items():
        for alias in aliases:
            if alias in names:
                columns[key] = names.index(alias)
                break
        else:
            if key in REQUIRED:
                missing.append(aliases[0])
    return columns, missing


def _time(value):
    if isinstance(value, datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    text = cell_text(value)
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


def _incoming(row, columns) -> hotline.IncomingOrder:
    def get(key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    urgency = cell_text(get("urgency"))
    kind = cell_text(get("kind"))
    anonymity = cell_text(get("wants_anonymity")).lower()
    return hotline.IncomingOrder(
        platform_order_id=cell_text(get("platform_order_id")),
        hotline_number=cell_text(get("hotline_number")),
        urgency=URGENCY_WORDS.get(urgency, urgency),
        kind=KIND_WORDS.get(kind, kind),
        category=cell_text(get("category")),
        title=cell_text(get("title")),
        content=cell_text(get("content")),
        received_at=_time(get("received_at")),
        caller_name=cell_text(get("caller_name")),
        caller_phone=cell_text(get("caller_phone")),
        address=cell_text(get("address")),
        lng=cell_text(get("lng")) or None,
        lat=cell_text(get("lat")) or None,
        wants_anonymity=anonymity in YES if anonymity not in NO else False,
    )


def import_orders(*, township, upload, by) -> ImportReport:
    """Check every row, then take in the whole file, or nothing (ImportRefused carries the faults)."""
    rows = _workbook_rows(upload)
    header = next(rows, None)
    if header is None:
        raise HotlineError(_("The file is empty."), field_errors={"file": [_("Empty.")]})
    columns, missing = _columns(header)
    if missing:
        raise HotlineError(
            _("These columns are missing: %(names)s.") % {"names": "、".join(missing)},
            field_errors={"file": [_("Missing columns.")]},
        )
    report, checked, seen = ImportReport(), [], {}
    for number, row in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise HotlineError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
        if not any(cell_text(cell) for cell in row):
            continue
        try:
            values = hotline.clean_incoming(_incoming(row, columns))
        except HotlineError as error:
            for name, messages in error.field_errors.items():
                for message in messages:
                    report.errors.append((number, HEADERS.get(name, (name,))[0], message))
            continue
        first = seen.setdefault(values["platform_order_id"], number)
        if first != number:
            report.errors.append(
                (
                    number,
                    HEADERS["platform_order_id"][0],
                    _("The same order id as row %(row)d.") % {"row": first},
                )
            )
            continue
        checked.append(values)
    if report.errors:
        raise ImportRefused(_("The file has faults; nothing was imported."), report)
    at = timezone.now()
    for start in range(0, len(checked), CHUNK):
        created, known = _take_in(township, checked[start : start + CHUNK], by=by, at=at)
        report.created += created
        report.already_received += known
    return report


def _take_in(township, chunk: list[dict], *, by, at) -> tuple[int, int]:
    """One transaction: the chunk's orders not yet received, created together (their numbers reserved at
    once, their first timeline entries and dispatch deadlines written in bulk). An order the platform's
    API delivered meanwhile makes the insert fail; the chunk is then taken again without it."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create_orders(township, chunk, by=by, at=at)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create_orders(township, chunk: list[dict], *, by, at) -> tuple[int, int]:
    ids = [values["platform_order_id"] for values in chunk]
    known = set(
        HotlineOrder.objects.filter(township=township, platform_order_id__in=ids).values_list(
            "platform_order_id", flat=True
        )
    )
    new = [values for values in chunk if values["platform_order_id"] not in known]
    if not new:
        return 0, len(known)
    numbers = next_numbers(township=township, series=hotline.SERIES, count=len(new), at=at)
    orders = HotlineOrder.objects.bulk_create(
        [
            HotlineOrder(
                township=township,
                source=HotlineSource.IMPORT,
                status=HotlineStatus.RECEIVED,
                number=number,
                **values,
            )
            for number, values in zip(numbers, new, strict=True)
        ],
        batch_size=CHUNK,
    )
    label = None if by else _("12345 platform")
    append_entries(
        [
            (
                order,
                {
                    "action": "receive",
                    "actor": by,
                    "actor_label": label,
                    "to_state": HotlineStatus.RECEIVED,
                    "note": order.hotline_number,
                    "at": at,
                },
            )
            for order in orders
        ]
    )
    open_deadlines_of_new_cases(
        orders,
        kind="dispatch",
        label=_("Dispatch to a unit"),
        limit_of=lambda order: limits.limit(order.urgency, "dispatch"),
        at=at,
    )
    return len(orders), len(known)
