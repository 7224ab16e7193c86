"""Public pages of the power list (art. 39: published, no sign-in) and of the enforcement procedure,
bases and remedies (事前公开, the three enforcement systems)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enforcement.models import PowerKind
from enforcement.power import rules
from enforcement.power import selectors as power_selectors
from township.org.models import Township

PAGE_LIMIT = 300


def _township(request) -> Township | None:
    code = request.GET.get("township", "")
    if code:
        township = power_selectors.township_by_code(code)
        if township is None:
            raise Http404("unknown township")
        return township
    return Township.objects.order_by("code").first()


def _clean(value: str, limit: int = 80) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


@require_GET
def power_list(request):
    township = _township(request)
    context = {
        "township": township,
        "townships": Township.objects.order_by("code"),
        "kinds": PowerKind.choices,
    }
    if township is not None:
        filters = {
            "q": _clean(request.GET.get("q", "")),
            "domain": _clean(request.GET.get("domain", "")),
            "department": _clean(request.GET.get("department", "")),
            "kind": _clean(request.GET.get("kind", "")),
        }
        if filters["kind"] not in PowerKind.values:
            filters["kind"] = ""
        matters = list(power_selectors.published_matters(township, **filters)[:PAGE_LIMIT])
        domains, departments = power_selectors.list_facets(township)
        context.update(filters=filters, matters=matters, domains=domains, departments=departments)
    template = "enforcement/power/_results.html" if request.htmx else "enforcement/power/list.html"
    return render(request, template, context)


@require_GET
def power_matter(request, township_code, code):
    township = power_selectors.township_by_code(township_code)
    matter = power_selectors.published_matter(township, _clean(code, 40)) if township else None
    if matter is None:
        raise Http404("no such matter on the published list")
    return render(
        request,
        "enforcement/power/matter.html",
        {"township": township, "matter": matter, "version": matter.current_version},
    )


@require_GET
def procedure(request):
    township = _township(request)
    context = {"township": township, "townships": Township.objects.order_by("code")}
    if township is not None:
        context.update(
            clue=rules.clue_check_limit(township),
            decision=rules.decision_limit(township),
            publication=rules.publication_limit(township),
            publication_other=rules.publication_limit(township, is_penalty=False),
            withdrawal=rules.withdrawal_limit(township),
            hearing_person=rules.hearing_threshold(township, "", "person"),
            hearing_organisation=rules.hearing_threshold(township, "", "organisation"),
            summary_person=rules.summary_procedure_max_fine(township, "person"),
            summary_organisation=rules.summary_procedure_max_fine(township, "organisation"),
        )
    return render(request, "enforcement/power/procedure.html", context)
