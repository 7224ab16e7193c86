"""Issuing numbered documents: take the next serial, render the PDF with a QR code, store it, record it."""

from __future__ import annotations

import hashlib
import logging

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from township.documents.models import DocumentSequence, IssuedDocument
from township.documents.rendering import render_pdf
from township.documents.types import get_document_type

logger = logging.getLogger(__name__)

__all__ = [
    "complete_document",
    "format_number",
    "issue_document",
    "next_serial",
    "render_pdf",
    "reserve_document",
    "revoke_document",
    "verification_url",
]


def next_serial(*, township, doc_type: str, year: int) -> int:
    """The next serial for (township, type, year), 1 for the first, in one atomic upsert.

    The row stays locked until the caller's transaction ends, so concurrent callers queue up and a
    rolled-back caller gives its number back: no gaps, no duplicates. Call it inside a transaction.
    """
    table = connection.ops.quote_name(DocumentSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (township_id, doc_type, year, last_serial) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (township_id, doc_type, year) DO UPDATE SET last_serial = {table}.last_serial + 1 "
            "RETURNING last_serial",
            [getattr(township, "pk", township), doc_type, year],
        )
        return cursor.fetchone()[0]


def format_number(*, township, doc_type: str, year: int, serial: int) -> str:
    """QS-TZ-2026-000012: township short code, type prefix, year and a six-digit serial."""
    return f"{township.short_code}-{get_document_type(doc_type).prefix}-{year}-{serial:06d}"


def verification_url(number: str) -> str:
    return settings.SITE_URL + reverse("documents-verify", args=[number])


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG data URI: WeasyPrint draws a small PNG much faster than an SVG of one path per
    module (about 15 ms a code). Two pixels a module: the PDF marks the image not to be interpolated (`image-rendering: pixelated` in pdf_base.html), so it prints as sharp squares at 24 mm, and a smaller image costs less to decode and re-encode per PDF."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=2, border=2)


def _template_context(document: IssuedDocument, context: dict) -> dict:
    url = verification_url(document.number)
    return {
        **context,
        "number": document.number,
        "title": document.title,
        "township": document.township,
        "issued_at": document.issued_at,
        "doc_type": get_document_type(document.doc_type),
        "verify_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def _numbered(*, township, doc_type, title, subject, issued_by, issued_at) -> IssuedDocument:
    """Take the next serial (its row stays locked until the transaction ends) for an unsaved document."""
    get_document_type(doc_type)
    issued_at = issued_at or timezone.now()
    year = timezone.localtime(issued_at).year
    serial = next_serial(township=township, doc_type=doc_type, year=year)
    document = IssuedDocument(
        township=township,
        doc_type=doc_type,
        year=year,
        serial=serial,
        number=format_number(township=township, doc_type=doc_type, year=year, serial=serial),
        title=title,
        issued_at=issued_at,
        issued_by=issued_by,
    )
    if subject is not None:
        document.content_type = ContentType.objects.get_for_model(subject)
        document.object_id = subject.pk
    return document


def issue_document(
    *,
    township,
    doc_type: str,
    title: str,
    template_name: str,
    context: dict,
    subject=None,
    issued_by=None,
    issued_at=None,
) -> IssuedDocument:
    """Number, render and store a document; on any failure nothing remains (no row, serial, or file).

    The title is shown on the public verification page: never put personal data in it.
    The template receives `context` plus `number`, `title`, `township`, `issued_at`, `doc_type`,
    `verify_url` and `qr_data_uri`. Serial numbers of one type are handed out one transaction
    at a time per township and year, and this renders while holding the serial: where many documents of
    one type are issued at once (receipts), use `reserve_document` and `complete_document` instead.
    """
    stored_name = None
    try:
        with transaction.atomic():
            document = _numbered(
                township=township,
                doc_type=doc_type,
                title=title,
                subject=subject,
                issued_by=issued_by,
                issued_at=issued_at,
            )
            pdf_bytes = render_pdf(template_name, _template_context(document, context))
            document.content_hash = hashlib.sha256(pdf_bytes).hexdigest()
            stored_name = _store(document, pdf_bytes)
            document.pdf.name = stored_name
            document.save(force_insert=True)
    except BaseException:
        if stored_name:
            _delete_quietly(stored_name)
        raise
    # An enclosing transaction may still roll back and leave the file behind; `prune_document_files`
    # removes such orphans.
    return document


def reserve_document(
    *, township, doc_type: str, title: str, subject=None, issued_by=None, issued_at=None
) -> IssuedDocument:
    """Number a document now and record it without its PDF; draw the PDF with `complete_document` once
    the caller's transaction has committed (`transaction.on_commit`).

    The serial is gapless as with `issue_document` (a rollback gives the number back), but its row is
    locked only for the insert, not for the ~100 ms of drawing, so documents of one type in one township
    are issued side by side. Until it is completed the document has no PDF and no content hash; the
    verification page says it is being prepared. Take it as late in the transaction as possible."""
    with transaction.atomic(savepoint=False):
        document = _numbered(
            township=township,
            doc_type=doc_type,
            title=title,
            subject=subject,
            issued_by=issued_by,
            issued_at=issued_at,
        )
        document.save(force_insert=True)
    return document


def complete_document(document: IssuedDocument, *, template_name: str, context: dict) -> IssuedDocument:
    """Draw and store the PDF of a reserved document (outside any lock), then record it on the row.

    Idempotent: a document that has its PDF already keeps it (a second drawing is discarded; drawing is
    deterministic, so both would be the same bytes). Updates `document` in place and returns it."""
    if document.pdf:
        return document
    pdf_bytes = render_pdf(template_name, _template_context(document, context))
    stored_name = None
    try:
        with transaction.atomic():
            locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
            if not locked.pdf:
                stored_name = _store(locked, pdf_bytes)
                locked.pdf.name = stored_name
                locked.content_hash = hashlib.sha256(pdf_bytes).hexdigest()
                locked.save(update_fields=["pdf", "content_hash"])
    except BaseException:
        if stored_name:
            _delete_quietly(stored_name)
        raise
    document.pdf.name, document.content_hash = locked.pdf.name, locked.content_hash
    return document


def _store(document: IssuedDocument, pdf_bytes: bytes) -> str:
    return default_storage.save(
        document_upload_to_name(document.year, document.number),
        ContentFile(pdf_bytes, name=f"{document.number}.pdf"),
    )


def document_upload_to_name(year: int, number: str) -> str:
    return IssuedDocument._meta.get_field("pdf").generate_filename(IssuedDocument(year=year), f"{number}.pdf")


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.exception("documents: could not remove %s after a failed issue", name)


def revoke_document(*, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Mark a document revoked; the verification page then says so. The PDF and hash stay."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Please give the reason for the revocation.")]})
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if not locked.is_revoked:
            locked.is_revoked = True
            locked.revoked_at = timezone.now()
            locked.revoked_reason = reason[:500]
            locked.save(update_fields=["is_revoked", "revoked_at", "revoked_reason"])
    return locked
