"""Services: public catalog pages (search, printable service guides, bundles, blank forms)."""

import os
from itertools import groupby

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from services.filters import ServiceItemFilterSet
from services.models import Bundle, ItemType, MaterialRequirement, VersionStatus
from services.selectors import catalog as catalog_selectors
from services.selectors.points import village_points
from township.org.models import Department, Township

RESULT_LIMIT = 50


def chosen_township(request) -> Township | None:
    """The township a public page is about: ?township=<code or short code>, else the first one."""
    code = request.GET.get("township", "")
    township = catalog_selectors.township_by_code(code) if code else catalog_selectors.default_township()
    if code and township is None:
        raise Http404("unknown township")
    return township


def _may_preview_drafts(user, item) -> bool:
    return (
        user.is_authenticated
        and user.has_perm("services.view_serviceitemversion")
        and Township.objects.visible_to(user).filter(pk=item.township_id).exists()
    )


@require_GET
def search(request):
    township = chosen_township(request)
    context = {"township": township, "townships": Township.objects.order_by("code"), "query": ""}
    if township is not None:
        data = request.GET.copy()
        data["township"] = township.code
        filterset = ServiceItemFilterSet(data, queryset=catalog_selectors.listed_items(township))
        query = (filterset.form.cleaned_data.get("q") or "") if filterset.form.is_valid() else ""
        items = list(filterset.qs[:RESULT_LIMIT] if query else filterset.qs)
        context.update(
            query=query,
            filterset=filterset,
            items=items,
            grouped=None if query else [(d, list(g)) for d, g in groupby(items, key=lambda i: i.department)],
            departments=Department.objects.filter(
                township=township, service_items__current_version__isnull=False
            )
            .distinct()
            .order_by("code"),
            item_types=ItemType.choices,
            bundles=catalog_selectors.active_bundles(township),
            limited=bool(query) and len(items) == RESULT_LIMIT,
        )
    template = "services/_results.html" if request.htmx else "services/search.html"
    return render(request, template, context)


@require_GET
def guide(request, code):
    item = catalog_selectors.item_guide(code)
    if item is None:
        raise Http404("no published guide")
    return _render_guide(request, item.current_version, item)


@require_GET
def guide_version(request, code, number):
    version = catalog_selectors.guide_version(implementation_code=code, version=number)
    if version is None or (version.is_draft and not _may_preview_drafts(request.user, version.item)):
        raise Http404("no such guide version")
    return _render_guide(request, version, version.item)


def _render_guide(request, version, item):
    materials = list(version.materials.all())
    return render(
        request,
        "services/guide.html",
        {
            "item": item,
            "version": version,
            "materials": materials,
            "is_current": version.pk == item.current_version_id,
            "township": item.township,
            "village_points": list(village_points(item.township)),
        },
    )


@require_GET
def bundle(request, pk):
    bundle = get_object_or_404(Bundle.objects.select_related("township"), pk=pk, is_active=True)
    items = catalog_selectors.bundle_listed_items(bundle)
    return render(
        request,
        "services/bundle.html",
        {
            "bundle": bundle,
            "township": bundle.township,
            "items": items,
            "materials": catalog_selectors.bundle_materials(bundle, items),
            "fan_out": list(catalog_selectors.bundle_items_by_department(bundle, items).items()),
        },
    )


@require_GET
def material_file(request, pk, kind):
    """A material's blank form or sample: public once its guide is published, never a draft's."""
    if kind not in ("blank_form", "sample"):
        raise Http404("unknown file")
    material = get_object_or_404(MaterialRequirement.objects.select_related("version__item"), pk=pk)
    if material.version.status == VersionStatus.DRAFT and not _may_preview_drafts(
        request.user, material.version.item
    ):
        raise Http404("no such file")
    file = getattr(material, kind)
    if not file:
        raise Http404("no file")
    return FileResponse(file.open("rb"), as_attachment=True, filename=os.path.basename(file.name))
