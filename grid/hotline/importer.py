"""Excel import of 12345 work orders (when the platform hands over a day's orders as a spreadsheet).

All or nothing: every row is checked first and each fault is reported with its row and column; only a
file without faults is taken in, in one transaction. An order already received (same platform order id)
is counted and left alone, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.hotline import services as hotline
from grid.hotline.errors import HotlineError
from grid.models.hotline import HotlineKind, HotlineOrder, HotlineSource, HotlineUrgency
from township.spreadsheets import cell_text

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000

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
        raise HotlineError(
            _("Upload an Excel file (.xlsx)."), field_errors={"file": [_("Not an .xlsx file.")]}
        )
    if size is not None and size > MAX_BYTES:
        raise HotlineError(
            _("The file is larger than %(mb)d MB; split it.") % {"mb": MAX_BYTES // 1024 // 1024},
            field_errors={"file": [_("Too large.")]},
        )
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise HotlineError(
            _("This is not a real Excel file."), field_errors={"file": [_("Not an .xlsx file.")]}
        )
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
        incoming = _incoming(row, columns)
        try:
            hotline.clean_incoming(incoming)
        except HotlineError as error:
            for name, messages in error.field_errors.items():
                for message in messages:
                    report.errors.append((number, HEADERS.get(name, (name,))[0], message))
            continue
        first = seen.setdefault(incoming.platform_order_id, number)
        if first != number:
            report.errors.append(
                (
                    number,
                    HEADERS["platform_order_id"][0],
                    _("The same order id as row %(row)d.") % {"row": first},
                )
            )
            continue
        checked.append(incoming)
    if report.errors:
        raise ImportRefused(_("The file has faults; nothing was imported."), report)
    known = set(
        HotlineOrder.objects.filter(township=township, platform_order_id__in=list(seen)).values_list(
            "platform_order_id", flat=True
        )
    )
    with transaction.atomic():
        for incoming in checked:
            if incoming.platform_order_id in known:
                report.already_received += 1
                continue
            hotline.receive_order(township=township, incoming=incoming, source=HotlineSource.IMPORT, actor=by)
            report.created += 1
    return report
