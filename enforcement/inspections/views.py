"""Pages: the public draw list and draw page (seed, hash, drawn entities, results), the public credit
page of an entity, and the team's task list and result form at phone width."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.credit.selectors import public_records
from enforcement.inspections import selectors
from enforcement.inspections.services import InspectionError, record_result
from enforcement.models import InspectionOutcome, TaskStatus
from township.entities.models import MarketEntity
from township.errors import Conflict, add_to_form
from township.fields import ReportDateField, parse_pk
from township.identifiers import is_valid_credit_code, normalise

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024


@require_GET
def draws(request):
    return render(request, "enforcement/inspections/draws.html", {"draws": selectors.public_draws()[:100]})


@require_GET
def draw_detail(request, pk):
    draw = get_object_or_404(selectors.public_draws(), pk=parse_pk(pk))
    tasks = list(selectors.public_draw_tasks(draw))
    return render(
        request,
        "enforcement/inspections/draw.html",
        {"draw": draw, "tasks": tasks, "strata": draw.snapshot["strata"], "published": TaskStatus.PUBLISHED},
    )


@require_GET
def credit_page(request, township_code, credit_code):
    code = normalise(credit_code)
    if not is_valid_credit_code(code):
        raise Http404
    entity = get_object_or_404(
        MarketEntity.objects.select_related("township"), township__code=township_code, credit_code=code
    )
    return render(
        request, "enforcement/credit/entity.html", {"entity": entity, "records": list(public_records(entity))}
    )


@login_required
@require_GET
def my_tasks(request):
    return render(
        request, "enforcement/inspections/my_tasks.html", {"tasks": selectors.my_tasks(request.user)}
    )


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"), choices=InspectionOutcome.choices, widget=forms.RadioSelect
    )
    inspected_on = ReportDateField(label=_("Inspected on"), widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=_("Findings"), required=False, max_length=4000, widget=forms.Textarea)
    correct_by = ReportDateField(
        label=_("Correct by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_result(request, pk):
    task = selectors.task_for_team(request.user, parse_pk(pk))
    if task is None:
        raise Http404
    form = ResultForm(request.POST or None, initial={"inspected_on": None})
    if request.method == "POST" and form.is_valid():
        photos = request.FILES.getlist("photos")
        if len(photos) > MAX_PHOTOS or any(p.size > MAX_PHOTO_BYTES for p in photos):
            form.add_error(None, _("At most 6 photos of 10 MB each."))
        elif any(not (p.content_type or "").startswith("image/") for p in photos):
            form.add_error(None, _("Photos must be images."))
        else:
            try:
                record_result(task=task, by=request.user, photos=photos, **form.cleaned_data)
            except (InspectionError, Conflict) as error:
                add_to_form(form, error)
            else:
                return redirect("enforcement-my-inspections")
    return render(request, "enforcement/inspections/task.html", {"task": task, "form": form})
