"""Public verification of issued documents (no sign-in) and the staff download of their PDFs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from township.documents import selectors
from township.documents.forms import VerifyForm, clean_number
from township.documents.models import NUMBER_MAX_LENGTH


@require_GET
def verify_lookup(request):
    """GET /verify/?number=...: a form, or a redirect to the document's page once the number is well formed."""
    if "number" not in request.GET:
        return render(request, "documents/verify_lookup.html", {"form": VerifyForm()})
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("documents-verify", number=form.cleaned_data["number"])
    return render(request, "documents/verify_lookup.html", {"form": form}, status=400)


@never_cache
@require_GET
def verify(request, number):
    """What the QR code opens: the facts of the document and whether it is still valid."""
    try:
        canonical = clean_number(number)
    except ValidationError as exc:
        return render(
            request,
            "documents/verify_malformed.html",
            {"message": exc.messages[0], "form": VerifyForm()},
            status=400,
        )
    if canonical != number:
        return redirect("documents-verify", number=canonical)
    document = selectors.document_by_number(canonical)
    if document is None:
        return render(
            request,
            "documents/verify_unknown.html",
            {"number": canonical, "form": VerifyForm()},
            status=404,
        )
    return render(request, "documents/verify.html", {"document": document})


@login_required
@require_GET
def download_pdf(request, number):
    """The stored PDF, for staff who may see the issuing township's documents."""
    if not request.user.has_perm("documents.view_issueddocument"):
        raise PermissionDenied
    if len(number) > NUMBER_MAX_LENGTH:
        raise Http404
    document = selectors.documents_visible_to(request.user).filter(number=number).first()
    if document is None or not document.pdf:
        raise Http404
    return FileResponse(
        document.pdf.open("rb"),
        as_attachment=False,
        filename=f"{document.number}.pdf",
        content_type="application/pdf",
    )
