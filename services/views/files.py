"""Services: documents and uploaded files of applications, served only to those who may see them."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from services.models import ApplicationMaterial, Reception
from services.selectors.applications import applications_visible_to
from services.services.intake import ensure_receipt


@login_required
@require_GET
def document(request, pk, kind):
    """The receipt or the latest notice of an application, for whoever may see the application."""
    if kind not in ("receipt", "notice", "result", "slip"):
        raise Http404("unknown document")
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    if kind == "slip":  # a forwarded application's receipt of receiving, from the village point
        reception = Reception.objects.filter(application=application).select_related("slip").first()
        issued = reception.slip if reception is not None else None
    elif kind == "receipt":
        # a receipt is drawn just after its accept commits; if that failed, it is drawn now
        issued = ensure_receipt(application)
    else:
        issued = getattr(application, kind)
    if issued is None or not issued.pdf:
        raise Http404("no document")
    return FileResponse(
        issued.pdf.open("rb"), content_type="application/pdf", filename=f"{issued.number}.pdf"
    )


@login_required
@require_GET
def material_file(request, pk):
    """An uploaded material, only for those who may see its application."""
    material = get_object_or_404(
        ApplicationMaterial.objects.filter(application__in=applications_visible_to(request.user)), pk=pk
    )
    response = FileResponse(
        material.file.open("rb"), content_type=material.content_type, filename=material.original_name
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
