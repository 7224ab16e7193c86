"""Early warning for vulnerable households (智慧救助).

A medical-expense record (CSV import or the data feed's API) is matched to a person by ID number; if the
person's household is on the care list and the record's out-of-pocket amount is over the threshold
(settings.GRID_CARE_EXPENSE_THRESHOLD, yuan), that record raises one CareWarning and one VisitTask for the
grid's member, with a kernel deadline (kind "visit", GRID_CARE_VISIT_WORKING_DAYS working days) so it shows
on the warning boards and is escalated like any case. Each record has a key (the feed's record id, or a
digest of id number, date, amount and hospital): importing the same records again creates nothing. The
grid member's visit record closes the task, its deadline and its warning.
"""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grid.base.services import audit_rows, may_edit_grid
from grid.errors import GridError, ImportRejected
from grid.models import (
    CareHousehold,
    CareWarning,
    GridRole,
    GridStaff,
    MedicalExpense,
    Person,
    VisitRecord,
    VisitStatus,
    VisitTask,
    WarningStatus,
)
from township.casework.deadlines import close_deadline, open_deadline
from township.casework.models import LimitUnit
from township.casework.workflow import advisory_lock, lock, transition
from township.errors import Conflict
from township.identifiers import normalise, validate_id_number

MAX_RECORDS = 20_000
HEADERS = {
    "record_id": ("record_id", "记录号", "流水号", "结算单号"),
    "id_number": ("id_number", "身份证号", "身份证号码", "公民身份号码"),
    "date": ("date", "spent_on", "就诊日期", "结算日期", "日期"),
    "amount": ("amount", "个人自付", "自付金额", "金额"),
    "hospital": ("hospital", "医院", "医疗机构", "就诊医院"),
}


def threshold() -> Decimal:
    return Decimal(str(getattr(settings, "GRID_CARE_EXPENSE_THRESHOLD", "5000")))


def visit_limit_days() -> int:
    return int(getattr(settings, "GRID_CARE_VISIT_WORKING_DAYS", 3))


def read_expense_csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(_("The CSV file is not UTF-8 text."), []) from None
    reader = csv.reader(io.StringIO(text))
    table = list(reader)
    if not table:
        raise ImportRejected(_("The file is empty."), [])
    aliases = {a.lower(): name for name, names in HEADERS.items() for a in names}
    headers = [aliases.get(h.strip().lower()) for h in table[0]]
    missing = [n for n in ("id_number", "date", "amount") if n not in headers]
    if missing:
        raise ImportRejected(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(HEADERS[m][1] for m in missing)}, []
        )
    return [{h: v.strip() for h, v in zip(headers, row, strict=False) if h} for row in table[1:] if any(row)]


def _clean(number: int, raw: dict, errors: list) -> dict | None:
    values = {}
    text = {k: str(raw.get(k) if raw.get(k) is not None else "").strip() for k in HEADERS}
    if any("\x00" in v for v in text.values()):
        errors.append((number, "", _("Contains a NUL character.")))
        return None
    id_number = normalise(text["id_number"])
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        errors.append((number, "id_number", exc.messages[0]))
        return None
    values["id_number"] = id_number
    spent_on = None
    if text["date"].isascii():
        try:
            spent_on = parse_date(text["date"][:10].replace("/", "-"))
        except ValueError:
            spent_on = None
    if spent_on is None or spent_on > timezone.localdate() or spent_on < date(2000, 1, 1):
        errors.append(
            (
                number,
                "date",
                _("“%(value)s” is not a date (YYYY-MM-DD) in the past.") % {"value": text["date"]},
            )
        )
        return None
    values["spent_on"] = spent_on
    try:
        amount = Decimal(text["amount"].replace(",", "")) if text["amount"].isascii() else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        errors.append(
            (number, "amount", _("“%(value)s” is not an amount in yuan.") % {"value": text["amount"]})
        )
        return None
    values["amount"] = amount.quantize(Decimal("0.01"))
    values["hospital"] = text["hospital"][:120]
    record_id = text["record_id"][:60]
    if record_id:
        values["record_key"] = "id:" + record_id
    else:
        digest = hashlib.sha256(
            f"{id_number}|{spent_on.isoformat()}|{values['amount']}|{values['hospital']}".encode()
        ).hexdigest()[:40]
        values["record_key"] = "sha:" + digest
    return values


def member_for(grid_id: int):
    """Who visits for a grid: its full-time member, else a part-time member, else its head."""
    order = [GridRole.FULL_TIME, GridRole.PART_TIME, GridRole.MICRO_HEAD, GridRole.HEAD]
    today = timezone.localdate()
    posts = list(
        GridStaff.objects.filter(grid_id=grid_id, role__in=order)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("user_id", "role")
    )
    posts.sort(key=lambda p: (order.index(p[1]), p[0]))
    return posts[0][0] if posts else None


def import_expenses(
    *, township, records: list[dict], source: str, by=None, request=None, at: datetime | None = None
) -> dict:
    """Store the new records and raise a warning and a visit task for each overrun. All or nothing: one
    bad record and nothing is stored (each named with its number, counting the header as row 1)."""
    if len(records) > MAX_RECORDS:
        raise ImportRejected(_("At most %(n)d records per import.") % {"n": MAX_RECORDS}, [])
    errors: list[tuple[int, str, str]] = []
    cleaned = []
    for number, raw in enumerate(records, start=2):
        if not isinstance(raw, dict):
            errors.append((number, "", _("Each record must be an object.")))
            continue
        values = _clean(number, raw, errors)
        if values is not None:
            cleaned.append(values)
    if errors:
        raise ImportRejected(
            ngettext(
                "%(count)d record has a problem; nothing was imported.",
                "%(count)d records have problems; nothing was imported.",
                len({e[0] for e in errors}),
            )
            % {"count": len({e[0] for e in errors})},
            errors,
        )
    at = at or timezone.now()
    limit = threshold()
    with transaction.atomic():
        # one import of a township at a time: the "is it new?" check and the insert must not interleave
        advisory_lock("grid-care-expenses", township.pk)
        keys = [v["record_key"] for v in cleaned]
        known = set(
            MedicalExpense.objects.filter(township=township, record_key__in=keys).values_list(
                "record_key", flat=True
            )
        )
        fresh, seen = [], set()
        for values in cleaned:
            if values["record_key"] in known or values["record_key"] in seen:
                continue
            seen.add(values["record_key"])
            fresh.append(values)
        ids = {v["id_number"] for v in fresh}
        people = {
            p.id_number: p
            for p in Person.objects.filter(township=township, id_number__in=ids).only(
                "pk", "id_number", "household_id"
            )
        }
        cares = {
            c.household_id: c
            for c in CareHousehold.objects.filter(
                township=township,
                is_active=True,
                household_id__in={p.household_id for p in people.values() if p.household_id},
            )
        }
        expenses = []
        for values in fresh:
            person = people.get(values["id_number"])
            care = cares.get(person.household_id) if person and person.household_id else None
            expenses.append(
                MedicalExpense(township=township, person=person, care_household=care, source=source, **values)
            )
        MedicalExpense.objects.bulk_create(expenses, batch_size=2000)
        raised = 0
        for expense in expenses:
            if expense.care_household is None or expense.amount <= limit:
                continue
            raise_warning(expense, limit=limit, by=by, at=at)
            raised += 1
        audit_rows(
            by=by,
            request=request,
            action=f"grid.medicalexpense.import.{source}",
            rows=[(e, "warning" if e.care_household and e.amount > limit else "") for e in expenses],
        )
    return {
        "received": len(cleaned),
        "new": len(expenses),
        "known": len(cleaned) - len(expenses),
        "warnings": raised,
    }


def raise_warning(expense: MedicalExpense, *, limit: Decimal, by=None, at=None) -> CareWarning:
    care = expense.care_household
    warning = CareWarning.objects.create(
        township_id=expense.township_id,
        care_household=care,
        grid_id=care.grid_id,
        expense=expense,
        threshold=limit,
    )
    task = VisitTask.objects.create(
        township_id=expense.township_id,
        care_household=care,
        grid_id=care.grid_id,
        warning=warning,
        assignee_id=member_for(care.grid_id),
        reason=_("Medical expense of %(amount)s yuan on %(date)s (over %(limit)s)")
        % {"amount": expense.amount, "date": expense.spent_on.isoformat(), "limit": limit},
    )
    open_task_deadline(task, by=by, at=at)
    return warning


def open_task_deadline(task: VisitTask, *, by=None, at=None) -> None:
    open_deadline(
        task,
        kind="visit",
        label=_("Home visit"),
        limit_value=visit_limit_days(),
        limit_unit=LimitUnit.WORKING_DAYS,
        at=at,
        actor=by,
    )


def schedule_due_visits(*, township, today: date | None = None) -> int:
    """A visit task for every listed household whose visit is due and has none open. Idempotent."""
    today = today or timezone.localdate()
    created = 0
    open_households = VisitTask.objects.filter(
        township=township, status=VisitStatus.OPEN, warning__isnull=True
    )
    due = (
        CareHousehold.objects.filter(township=township, is_active=True)
        .exclude(pk__in=open_households.values("care_household_id"))
        .select_related("household")
    )
    for care in due:
        if care.last_visited_on and care.last_visited_on + timedelta(days=care.visit_every_days) > today:
            continue
        with transaction.atomic():
            task, new = VisitTask.objects.get_or_create(
                township=township,
                care_household=care,
                status=VisitStatus.OPEN,
                warning=None,
                defaults={
                    "grid_id": care.grid_id,
                    "assignee_id": member_for(care.grid_id),
                    "reason": _("Regular visit"),
                },
            )
            if new:
                open_task_deadline(task)
                created += 1
    return created


def record_visit(
    task: VisitTask,
    *,
    by,
    finding: str,
    help_needed: str = "",
    refer_to_assistance: bool = False,
    referral_note: str = "",
    at: datetime | None = None,
    request=None,
) -> VisitRecord:
    """The grid member visited: the record closes the task, its deadline and its warning."""
    at = at or timezone.now()
    finding = (finding or "").strip()
    if not finding:
        raise GridError(
            _("Write down what you found."), field_errors={"finding": [_("This field is required.")]}
        )
    with transaction.atomic():
        task = lock(task)
        if not may_edit_grid(by, task.grid):
            raise GridError(_("This visit is not in one of your grids."))
        if task.status != VisitStatus.OPEN:
            raise Conflict(_("This visit has already been recorded."))
        record = VisitRecord.objects.create(
            township_id=task.township_id,
            task=task,
            visited_at=at,
            visitor=by,
            finding=finding[:4000],
            help_needed=(help_needed or "")[:4000],
            refer_to_assistance=refer_to_assistance,
            referral_note=(referral_note or "")[:200],
        )
        transition(task, to=VisitStatus.DONE, actor=by, action="visit", at=at)
        task.save(update_fields=["status"])
        close_deadline(task, kind="visit", at=at, actor=by)
        if task.warning_id:
            CareWarning.objects.filter(pk=task.warning_id).update(status=WarningStatus.CLOSED, closed_at=at)
        CareHousehold.objects.filter(pk=task.care_household_id).update(last_visited_on=timezone.localdate(at))
        audit_rows(
            by=by,
            request=request,
            action="grid.visit.record",
            rows=[(record, "referral" if refer_to_assistance else "")],
        )
    return record


def add_to_care_list(
    *, household, categories: list[str], by, visit_every_days: int = 30, request=None
) -> CareHousehold:
    if not may_edit_grid(by, household.grid):
        raise GridError(_("You can only record base data in your own grids."))
    if not categories:
        raise GridError(_("Choose at least one care category."))
    with transaction.atomic():
        care, new = CareHousehold.objects.update_or_create(
            household=household,
            defaults={
                "township_id": household.township_id,
                "grid_id": household.grid_id,
                "categories": sorted(set(categories)),
                "visit_every_days": visit_every_days,
                "is_active": True,
            },
        )
        audit_rows(
            by=by,
            request=request,
            action=f"grid.carehousehold.{'create' if new else 'change'}",
            rows=[(care, "")],
        )
    return care
