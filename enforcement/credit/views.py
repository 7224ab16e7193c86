"""Staff pages of credit records, scoped by department: the list (search by credit code or name), one
record with its repair applications, applying for repair on the entity's behalf (at the repair
window), deciding with reasons, and the credit-repair notice (a numbered, QR-verifiable PDF)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.credit.selectors import records_visible_to
from enforcement.credit.services import (
    CreditError,
    apply_for_repair,
    decide_repair,
    existing_repair_notice,
    issue_repair_notice,
)
from enforcement.models import CreditRepair, CreditSource, RepairStatus
from township.errors import Conflict, add_to_form
from township.fields import ReportDateField, parse_pk
from township.identifiers import is_valid_credit_code, normalise
from township.org.roles import Role, has_role

STAFF_ROLES = (
    Role.DEPARTMENT_HEAD,
    Role.ENFORCEMENT_OFFICER,
    Role.LEGAL_REVIEWER,
    Role.TOWNSHIP_ADMIN,
    Role.COUNTY_ADMIN,
    Role.WINDOW_CLERK,
)
DECIDERS = (Role.DEPARTMENT_HEAD, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN)


def _staff(request):
    if not (has_role(request.user, *STAFF_ROLES) or request.user.is_superuser):
        raise PermissionDenied


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Credit code or name"), required=False, max_length=60)

    def clean_q(self):
        q = self.cleaned_data["q"].strip()
        if "\x00" in q:
            raise forms.ValidationError(_("Null characters are not allowed."))
        return q


@login_required
@require_GET
def record_list(request):
    _staff(request)
    form = SearchForm(request.GET or None)
    records = records_visible_to(request.user).order_by("-decided_on", "-pk")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        code = normalise(q)
        if is_valid_credit_code(code):
            records = records.filter(entity__credit_code=code)
        else:
            records = records.filter(entity__name__icontains=q)
    elif form.is_bound and not form.is_valid():
        records = records.none()
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/credit/staff_list.html", {"form": form, "page": page})


class RepairForm(forms.Form):
    applied_on = ReportDateField(
        label=gettext_lazy("Applied on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    corrected = forms.BooleanField(label=gettext_lazy("The breach is corrected"), required=False)
    duties_performed = forms.BooleanField(
        label=gettext_lazy("The fine is paid and every duty performed"), required=False
    )
    commitment_signed = forms.BooleanField(
        label=gettext_lazy("The credit commitment letter is signed"), required=False
    )
    evidence = forms.CharField(
        label=gettext_lazy("Proof of performance"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    repair = forms.CharField(widget=forms.HiddenInput)
    grant = forms.TypedChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("1", gettext_lazy("Grant the repair")), ("0", gettext_lazy("Refuse the repair"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=gettext_lazy("Reasons"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_detail(request, pk):
    _staff(request)
    record = records_visible_to(request.user).filter(pk=parse_pk(pk)).first()
    if record is None:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    repair_form = RepairForm(request.POST if action == "apply" else None, prefix="apply")
    decision_form = DecisionForm(request.POST if action == "decide" else None, prefix="decide")
    if action == "apply" and repair_form.is_valid():
        try:
            apply_for_repair(record=record, **repair_form.cleaned_data)
        except (CreditError, Conflict) as error:
            add_to_form(repair_form, error)
        else:
            messages.success(request, _("The repair application is recorded."))
            return redirect("enforcement-credit-staff-record", record.pk)
    elif action == "decide" and decision_form.is_valid():
        repair = CreditRepair.objects.filter(
            pk=parse_pk(decision_form.cleaned_data["repair"]), record=record
        ).first()
        if repair is None:
            raise Http404
        try:
            decide_repair(
                repair=repair,
                by=request.user,
                grant=decision_form.cleaned_data["grant"],
                reasons=decision_form.cleaned_data["reasons"],
            )
        except (CreditError, Conflict) as error:
            add_to_form(decision_form, error)
        else:
            messages.success(request, _("The repair application is decided."))
            return redirect("enforcement-credit-staff-record", record.pk)
    elif action == "notice":
        try:
            document = issue_repair_notice(record=record, by=request.user)
        except CreditError as error:
            messages.error(request, str(error))
        else:
            return redirect("documents-pdf", document.number)
    elif action:
        messages.error(request, _("Please correct the marked fields."))
    repairs = list(record.repairs.select_related("decided_by").order_by("-applied_on", "-pk"))
    return render(
        request,
        "enforcement/credit/staff_record.html",
        {
            "record": record,
            "repairs": repairs,
            "repair_form": repair_form,
            "decision_form": decision_form,
            "repairable": record.source in (CreditSource.PENALTY, CreditSource.INTEGRITY)
            and record.repaired_at is None,
            "may_decide": has_role(request.user, *DECIDERS),
            "submitted": RepairStatus.SUBMITTED,
            "notice": existing_repair_notice(record),
        },
    )
