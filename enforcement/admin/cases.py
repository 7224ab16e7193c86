"""Admin of the cases: looked at, never edited here (every change is a service with its timeline);
officers' credentials are kept here. All scoped through ScopedAdmin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enforcement.models.cases import (
    CaseOfficer,
    EnforcementCase,
    EvidenceItem,
    OfficerCredential,
    PaymentInstalment,
    Publication,
)
from township.org.admin import ReadOnlyScopedAdmin, ScopedAdmin


class OfficerInline(admin.TabularInline):
    model = CaseOfficer
    fields = ["officer", "credential", "is_lead", "is_active", "assigned_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = EvidenceItem
    fields = ["kind", "title", "sha256", "collected_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InstalmentInline(admin.TabularInline):
    model = PaymentInstalment
    fields = ["sequence", "due_on", "amount", "paid_on", "paid_amount", "late_fee_paid", "approved_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EnforcementCase)
class EnforcementCaseAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "status", "department", "party", "next_due_at"]
    list_filter = ["status", "procedure", "source"]
    search_fields = ["number", "decision_number"]
    list_select_related = ["department", "entity"]
    exclude = ["person_id_number", "person_phone"]
    inlines = [OfficerInline, EvidenceInline, InstalmentInline]

    @admin.display(description=_("party"))
    def party(self, obj):
        if obj.entity_id:
            return obj.entity.name
        return f"{obj.person_name[:1]}** {obj.masked_id_number}" if obj.person_name else "—"


@admin.register(OfficerCredential)
class OfficerCredentialAdmin(ScopedAdmin):
    list_display = ["number", "user", "kind", "valid_from", "valid_until", "is_revoked"]
    list_filter = ["kind", "is_revoked"]
    search_fields = ["number", "user__username", "user__first_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Publication)
class PublicationAdmin(ReadOnlyScopedAdmin):
    list_display = ["decision_number", "party_display", "decided_on", "published_at", "withdrawn_at"]
    search_fields = ["decision_number"]
