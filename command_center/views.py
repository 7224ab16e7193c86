"""Command centre: pages. The dashboard (desk and wall), the warning board with urging from the row, the
monthly performance rating, and the urgings a member of staff has to answer."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from command_center import selectors
from command_center.permissions import is_leader, may_view_dashboard, require_board, require_dashboard
from command_center.services import urge_from_board
from township.casework.models import UrgingLevel, WarningLevel
from township.casework.urging import reply_to_urging
from township.errors import DomainError
from township.fields import ReportDateField, parse_pk
from township.org.models import Department
from township.org.roles import Role, roles_of
from township.org.scope import ScopeKind, data_scope


class DashboardForm(forms.Form):
    date_from = ReportDateField(label=gettext_lazy("From"), required=False)
    date_to = ReportDateField(label=gettext_lazy("To"), required=False)
    township = forms.CharField(label=gettext_lazy("Township"), required=False, max_length=20)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = townships

    def clean_township(self):
        raw = self.cleaned_data.get("township") or ""
        if not raw.strip():
            return None
        pk = parse_pk(raw)
        if pk not in self.townships:
            raise forms.ValidationError(_("Choose one of the townships you oversee."))
        return pk

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_to"] = data.get("date_to") or today
        data["date_from"] = data.get("date_from") or data["date_to"].replace(day=1)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (data["date_to"] - data["date_from"]).days > 731:
            raise forms.ValidationError(_("Choose a period of at most two years."))
        return data


def _dashboard_scope(request):
    """(form, township ids, all township names): the period and the townships the figures cover."""
    require_dashboard(request.user)
    townships = dict(selectors.command_townships(request.user).values_list("pk", "name"))
    form = DashboardForm(request.GET or None, townships=townships)
    if request.GET and not form.is_valid():
        return form, None, townships
    if not request.GET:
        form = DashboardForm({}, townships=townships)
        form.is_valid()
    chosen = form.cleaned_data.get("township")
    ids = [chosen] if chosen else sorted(townships)
    return form, ids, townships


def _context(request, template_name: str):
    if Role.DEPARTMENT_HEAD in roles_of(request.user) and not may_view_dashboard(request.user):
        return redirect("command-board")
    form, ids, townships = _dashboard_scope(request)
    if ids is None:
        return render(request, template_name, {"form": form, "townships": townships}, status=400)
    data = selectors.dashboard(ids, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
    query = request.GET.urlencode()
    context = {
        "form": form,
        "townships": townships,
        "data": data,
        "is_county": len(townships) > 1,
        "compare": len(ids) > 1,
        "json_url": f"{_api_url()}?{query}" if query else _api_url(),
        "refresh_seconds": settings.COMMAND_CENTRE_REFRESH_SECONDS,
        "query": query,
    }
    if template_name.endswith("wall.html"):
        _page, rows = selectors.warning_board(request.user, selectors.BoardFilter(), per_page=10)
        context["urgent"] = rows
    return render(request, template_name, context)


def _api_url():
    return reverse("command-dashboard-json")


@login_required
@require_GET
def dashboard(request):
    return _context(request, "command_center/dashboard.html")


@login_required
@require_GET
def wall(request):
    return _context(request, "command_center/wall.html")


@login_required
@require_GET
def dashboard_json(request):
    """The dashboard's figures as JSON, scoped to the user (the screens refresh from it; a city platform
    may read it too)."""
    form, ids, _townships = _dashboard_scope(request)
    if ids is None:
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(
        selectors.dashboard(ids, form.cleaned_data["date_from"], form.cleaned_data["date_to"]),
        json_dumps_params={"ensure_ascii": False},
    )


# --- warning board -----------------------------------------------------------------------------------------


class BoardForm(forms.Form):
    type = forms.CharField(required=False, max_length=80)
    level = forms.CharField(required=False, max_length=4)
    department = forms.CharField(required=False, max_length=20)
    township = forms.CharField(required=False, max_length=20)
    page = forms.CharField(required=False, max_length=8)

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = types

    def clean_type(self):
        value = (self.cleaned_data.get("type") or "").strip()
        if value and value not in self.types:
            raise forms.ValidationError(_("Choose a kind of case from the list."))
        return value

    def clean_level(self):
        raw = (self.cleaned_data.get("level") or "").strip()
        if not raw:
            return None
        value = parse_pk(raw)
        if value not in (WarningLevel.YELLOW, WarningLevel.RED):
            raise forms.ValidationError(_("Choose yellow or red."))
        return value

    def clean_department(self):
        raw = self.cleaned_data.get("department") or ""
        return parse_pk(raw) or None if raw.strip() else None

    def clean_township(self):
        raw = self.cleaned_data.get("township") or ""
        return parse_pk(raw) or None if raw.strip() else None


class UrgeForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), choices=UrgingLevel.choices, initial=UrgingLevel.URGE
    )
    note = forms.CharField(label=gettext_lazy("What you expect of the handler"), max_length=500)


@login_required
@require_GET
def board(request):
    require_board(request.user)
    types = dict(selectors.board_case_types())
    form = BoardForm(request.GET, types=types)
    if not form.is_valid():
        return render(
            request, "command_center/board.html", {"form": form, "types": types, "rows": []}, status=400
        )
    data = form.cleaned_data
    flt = selectors.BoardFilter(
        case_type=data["type"],
        level=data["level"],
        department_id=data["department"],
        township_id=data["township"],
    )
    page, rows = selectors.warning_board(request.user, flt, page=parse_pk(data.get("page"), 1) or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "command_center/board.html",
        {
            "form": form,
            "types": types,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "departments": selectors.board_departments(request.user),
            "townships": dict(selectors.command_townships(request.user).values_list("pk", "name")),
            "urge_form": UrgeForm(),
            "counts": selectors.warning_counts(request.user),
            "is_county": data_scope(request.user).kind in (ScopeKind.COUNTY, ScopeKind.ALL),
            "sees_township": is_leader(request.user) or data_scope(request.user).kind != ScopeKind.DEPARTMENT,
        },
    )


@login_required
@require_POST
def urge(request):
    """Urge or supervise the handlers of one case on the board; htmx gets the row's urging cell back."""
    require_board(request.user)
    label = (request.POST.get("type") or "").strip()[:80]
    case = selectors.board_case(request.user, label, parse_pk(request.POST.get("case")))
    if case is None:
        raise Http404("not on your board")
    form = UrgeForm(request.POST)
    error = ""
    if not form.is_valid():
        error = " ".join(str(e) for errs in form.errors.values() for e in errs)
    else:
        try:
            urge_from_board(
                case=case, by=request.user, note=form.cleaned_data["note"], level=form.cleaned_data["level"]
            )
        except DomainError as refusal:
            error = refusal.message
    if request.htmx:
        urging = selectors.latest_urging(case)
        return render(
            request,
            "command_center/_urging_cell.html",
            {
                "urging": urging,
                "error": error,
                "row": {"label": label, "case_id": case.pk},
                "urge_form": form if error else UrgeForm(),
                "sent": not error,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The handler has been told."))
    return redirect("command-board")


# --- urgings to answer -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def urgings(request):
    """The urgings addressed to me, unanswered first; answering tells the one who urged."""
    if not hasattr(request.user, "staff_profile"):
        raise PermissionDenied(_("Urgings are for staff."))
    mine = selectors.urgings_to_answer(request.user)
    if request.method == "POST":
        urging = get_object_or_404(mine, pk=parse_pk(request.POST.get("urging")))
        try:
            reply_to_urging(urging=urging, by=request.user, reply=request.POST.get("reply", ""))
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Your reply has been sent."))
        return redirect("command-urgings")
    return render(request, "command_center/urgings.html", {"urgings": mine[:100]})


# --- performance rating ------------------------------------------------------------------------------------


class RatingForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Month"), required=False, max_length=7)
    township = forms.CharField(label=gettext_lazy("Township"), required=False, max_length=20)

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = townships

    def clean_month(self):
        raw = (self.cleaned_data.get("month") or "").strip()
        today = timezone.localdate()
        if not raw:
            return today.replace(day=1)
        parts = raw.split("-")
        if len(parts) != 2 or not all(p and p.isascii() and p.isdigit() for p in parts):
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        year, month = int(parts[0]), int(parts[1])
        if not (2000 <= year <= 2099 and 1 <= month <= 12):
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return date(year, month, 1)

    def clean_township(self):
        raw = self.cleaned_data.get("township") or ""
        if not raw.strip():
            return next(iter(sorted(self.townships)), None)
        pk = parse_pk(raw)
        if pk not in self.townships:
            raise forms.ValidationError(_("Choose one of the townships you oversee."))
        return pk


@login_required
@require_GET
def rating(request):
    require_dashboard(request.user)
    townships = dict(selectors.command_townships(request.user).values_list("pk", "name"))
    form = RatingForm(request.GET, townships=townships)
    if not form.is_valid() or form.cleaned_data["township"] is None:
        return render(
            request, "command_center/rating.html", {"form": form, "townships": townships}, status=400
        )
    month = form.cleaned_data["month"]
    result = selectors.rating(form.cleaned_data["township"], month)
    return render(
        request,
        "command_center/rating.html",
        {
            "form": form,
            "townships": townships,
            "result": result,
            "month": month,
            "previous": (month - timedelta(days=1)).strftime("%Y-%m"),
            "township": form.cleaned_data["township"],
        },
    )


class RatingCasesForm(RatingForm):
    subject = forms.CharField(required=False, max_length=20)
    indicator = forms.CharField(max_length=60)
    page = forms.CharField(required=False, max_length=8)

    def clean_subject(self):
        raw = (self.cleaned_data.get("subject") or "").strip()
        return parse_pk(raw) or 0 if raw else 0


def _rating_form(request, form_class):
    require_dashboard(request.user)
    townships = dict(selectors.command_townships(request.user).values_list("pk", "name"))
    form = form_class(request.GET, townships=townships)
    if not form.is_valid() or form.cleaned_data["township"] is None:
        return form, townships, False
    return form, townships, True


@login_required
@require_GET
def rating_cases(request):
    """The cases behind one score of the rating: the indicator's cohort of the month for one department,
    each marked whether it counts toward the rate; only what the user may see."""
    form, townships, ok = _rating_form(request, RatingCasesForm)
    found = None
    if ok:
        data = form.cleaned_data
        found = selectors.rating_cases(
            request.user,
            data["township"],
            data["month"],
            data["subject"],
            data["indicator"],
            page=parse_pk(data.get("page"), 1) or 1,
        )
        if found is None:
            form.add_error("indicator", _("Choose an indicator the command centre knows."))
    if found is None:
        return render(request, "command_center/rating_cases.html", {"form": form}, status=400)
    data = form.cleaned_data
    names = dict(Department.objects.filter(township_id=data["township"]).values_list("pk", "name"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "command_center/rating_cases.html",
        {
            "form": form,
            "found": found,
            "township": townships[data["township"]],
            "subject": names.get(data["subject"], _("No department")),
            "month": data["month"],
            "query": query.urlencode(),
        },
    )


def _cell(value):
    """A value for a spreadsheet cell: text that a spreadsheet would read as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
@require_GET
def rating_export(request):
    """The month's ranking as an Excel workbook (the same figures as the rating page)."""
    from openpyxl import Workbook  # noqa: PLC0415 - only this view needs it
    from openpyxl.styles import Font  # noqa: PLC0415

    form, townships, ok = _rating_form(request, RatingForm)
    if not ok:
        return render(
            request, "command_center/rating.html", {"form": form, "townships": townships}, status=400
        )
    month, township_id = form.cleaned_data["month"], form.cleaned_data["township"]
    result = selectors.rating(township_id, month)
    book = Workbook()
    sheet = book.active
    sheet.title = month.strftime("%Y-%m")
    sheet.append([_cell(f"{townships[township_id]} · {result['scheme'] or ''} · {month:%Y-%m}")])
    header = [_("Rank"), _("Department")]
    for ind in result.get("indicators", []):
        header += [f"{ind.label} ({_('score')})", f"{ind.label} (%)"]
    header.append(_("Total"))
    sheet.append([_cell(str(h)) for h in header])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in result["rows"]:
        line = [row["rank"], _cell(row["name"])]
        for item in row["lines"]:
            line += [item["score"], item["rate"]]
        line.append(row["total"])
        sheet.append(line)
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="rating-{month:%Y-%m}.xlsx"'
    return response
