"""Read-only admin of issued documents and their sequences, scoped to the user's township."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from township.documents.models import DocumentSequence, IssuedDocument
from township.documents.selectors import scope_documents
from township.org.admin import ReadOnlyScopedAdmin


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyScopedAdmin):
    def scope_queryset(self, queryset, request):
        return scope_documents(queryset, request.user)

    list_display = ["number", "type_label", "title", "township", "issued_at", "is_revoked"]
    list_filter = ["doc_type", "is_revoked", "year"]
    search_fields = ["=number", "title"]
    list_select_related = ["township"]
    date_hierarchy = "issued_at"
    show_full_result_count = False  # one count of a large table per page is enough
    fields = [
        "number",
        "doc_type",
        "title",
        "township",
        "issued_at",
        "issued_by",
        "content_hash",
        "pdf_link",
        "content_type",
        "object_id",
        "is_revoked",
        "revoked_at",
        "revoked_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("type"), ordering="doc_type")
    def type_label(self, obj):
        return obj.type_label

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        if not obj.pdf:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("documents-pdf", args=[obj.number]), _("Open the PDF")
        )


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyScopedAdmin):
    list_display = ["township", "doc_type", "year", "last_serial"]
    list_filter = ["doc_type", "year"]
    list_select_related = ["township"]
