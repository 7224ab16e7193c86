"""Numbered official documents: per-type yearly sequences and the issued PDFs with their hashes."""

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from township.documents.types import UnknownDocumentType, get_document_type
from township.org.models import TownshipOwned

NUMBER_MAX_LENGTH = 40
# QS-TZ-2026-000012: township short code, type prefix, year, serial of at least six digits.
NUMBER_RE = re.compile(r"^[A-Z]{2,8}-[A-Z]{1,6}-\d{4}-\d{6,9}$")


class DocumentSequence(TownshipOwned):
    """The last serial handed out per township, document type and year; changed only by next_serial()."""

    doc_type = models.CharField(_("document type"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        ordering = ["township", "doc_type", "-year"]
        constraints = [
            # next_serial() names exactly these columns in its ON CONFLICT clause.
            models.UniqueConstraint(
                fields=["township", "doc_type", "year"], name="documents_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.township_id}/{self.doc_type}/{self.year}: {self.last_serial}"


def document_upload_to(instance, filename):
    return f"documents/{instance.year}/{filename}"


class IssuedDocument(TownshipOwned):
    """A document as issued: its number, the PDF and the PDF's SHA-256, which the public can verify."""

    doc_type = models.CharField(_("document type"), max_length=32)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=NUMBER_MAX_LENGTH, unique=True)
    title = models.CharField(_("document title"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)
    pdf = models.FileField(_("PDF"), upload_to=document_upload_to, max_length=200)
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject type"),
    )
    object_id = models.BigIntegerField(_("subject id"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    is_revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "doc_type", "year", "serial"], name="documents_issued_serial_unique"
            ),
            # a reserved document (services.reserve_document) has neither PDF nor hash until it is completed
            models.CheckConstraint(
                condition=models.Q(content_hash__regex=r"^[0-9a-f]{64}$") | models.Q(content_hash="", pdf=""),
                name="documents_issued_hash_hex",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__isnull=True, object_id__isnull=True)
                | models.Q(content_type__isnull=False, object_id__isnull=False),
                name="documents_issued_subject_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(is_revoked=False) | models.Q(revoked_at__isnull=False),
                name="documents_issued_revoked_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="documents_issued_subject"),
            models.Index(fields=["township", "issued_at"], name="documents_issued_township"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_ready(self) -> bool:
        """Whether its PDF is drawn (a reserved document gets it just after its transaction commits)."""
        return bool(self.pdf)

    @property
    def type_label(self) -> str:
        try:
            return str(get_document_type(self.doc_type).label)
        except UnknownDocumentType:
            return self.doc_type
