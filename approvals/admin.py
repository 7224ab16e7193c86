"""Approvals: the approvers' admin. Only their department's applications (object permissions plus
queryset scoping), most urgent first, a detail page with the materials, the timeline and one button per
allowed action; every button calls a function of approvals.services."""

import csv

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import services as actions
from approvals.models import (
    Absence,
    ExcludedKind,
    ExtensionStatus,
    ReviewCase,
    ReviewStep,
    ReviewTask,
    TaskStatus,
)
from approvals.selectors import review_cases_for
from enforcement.credit.selectors import credit_summary_by_code
from services.models import ApplicationStatus, ServiceItem
from services.models.applications import WORKFLOW
from services.selectors.applications import staff_timeline
from township.audit.services import record_personal_data_view
from township.casework.clock import remaining
from township.casework.models import WarningLevel
from township.errors import DomainError, message_user
from township.fields import parse_pk
from township.org.admin import ScopedAdmin
from township.org.models import Township, person_name
from township.org.roles import Role
from township.org.scope import ScopeKind, data_scope
from township.paginators import CappedCountPaginator

S = ApplicationStatus
# the approver and item filters' choices, per department: they change rarely and cost two queries a page
FILTER_CHOICES_SECONDS = 300
OPEN_STATES = [S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT]


class WorkFilter(admin.SimpleListFilter):
    """The work list by default (open applications, most urgent first); decided ones on request."""

    title = gettext_lazy("work")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [("open", _("Not yet decided")), ("decided", _("Decided")), ("all", _("All"))]

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status__in=OPEN_STATES)
        if value == "decided":
            return queryset.exclude(status__in=OPEN_STATES)
        return queryset


class WarningFilter(admin.SimpleListFilter):
    title = gettext_lazy("warning")
    parameter_name = "warning"

    def lookups(self, request, model_admin):
        return [(str(v), label) for v, label in WarningLevel.choices]

    def queryset(self, request, queryset):
        return (
            queryset.filter(warning_level=int(self.value())) if self.value() in ("0", "1", "2") else queryset
        )


class ApproverFilter(admin.SimpleListFilter):
    title = gettext_lazy("approver")
    parameter_name = "approver"

    def lookups(self, request, model_admin):
        department = getattr(getattr(request.user, "staff_profile", None), "department_id", None)

        def approvers():
            users = (
                get_user_model()
                .objects.filter(
                    staff_profile__department_id=department,
                    groups__name__in=[Role.CHIEF_REPRESENTATIVE, Role.APPROVER],
                )
                .distinct()
            )
            return [(str(u.pk), person_name(u)) for u in users]

        return cache.get_or_set(f"approvals:filter:approvers:{department}", approvers, FILTER_CHOICES_SECONDS)

    def queryset(self, request, queryset):
        if parse_pk(self.value()):
            return queryset.filter(review_tasks__assignee_id=int(self.value())).distinct()
        return queryset


class ItemFilter(admin.SimpleListFilter):
    title = gettext_lazy("item")
    parameter_name = "item"

    def lookups(self, request, model_admin):
        scope = data_scope(request.user)

        def items():
            found = ServiceItem.objects.visible_to(request.user).listed()
            if scope.kind == ScopeKind.DEPARTMENT:
                found = found.filter(department_id__in=scope.department_ids)
            return [
                (str(pk), name)
                for pk, name in found.values_list("pk", "search_name").order_by("search_name")[:300]
            ]

        if scope.kind != ScopeKind.DEPARTMENT:
            return items()
        key = f"approvals:filter:items:{scope.township_id}:{','.join(map(str, sorted(scope.department_ids)))}"
        return cache.get_or_set(key, items, FILTER_CHOICES_SECONDS)

    def queryset(self, request, queryset):
        return queryset.filter(item_id=parse_pk(self.value())) if parse_pk(self.value()) else queryset


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title_column",
        "department",
        "status_column",
        "due_column",
        "warning_column",
        "assignees",
    ]
    list_filter = [WorkFilter, WarningFilter, "status", ItemFilter, ApproverFilter]
    search_fields = ["number", "applicant_name", "enterprise_name"]
    list_per_page = 50
    # a county's work list can hold 100,000 open applications: count at most 10,001 of them, once
    paginator = CappedCountPaginator
    show_full_result_count = False
    ordering = ["-warning_level", "due_at", "pk"]
    show_full_result_count = False
    # no row actions: a checkbox per row cost a fifth of the page; the export is a link above the list
    actions = None
    change_list_template = "admin/approvals/reviewcase/change_list.html"
    EXPORT_LIMIT = 10_000
    change_form_template = "admin/approvals/reviewcase/change_form.html"
    fields = [
        "number",
        "status",
        "channel",
        "applicant_kind",
        "applicant_name",
        "enterprise_name",
        "credit_code",
        "agent_name",
        "consent_method",
        "delivery_method",
        "postal_address",
        "note",
        "submitted_at",
        "accepted_at",
        "due_at",
        "warning_level",
    ]

    def get_queryset(self, request):
        return (
            review_cases_for(request.user)
            .select_related("item_version", "department", "bundle")
            .prefetch_related(
                Prefetch(
                    "review_tasks",
                    queryset=ReviewTask.objects.filter(status=TaskStatus.ACTIVE).select_related("assignee"),
                    to_attr="active_tasks",
                )
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("item"))
    def title_column(self, obj):
        return obj.title

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, obj):
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("promised by"), ordering="due_at")
    def due_column(self, obj):
        return obj.due_date or "—"

    @admin.display(description=gettext_lazy("warning"), ordering="-warning_level")
    def warning_column(self, obj):
        if obj.status not in OPEN_STATES:
            return "—"
        label = {WarningLevel.RED: _("Red"), WarningLevel.YELLOW: _("Yellow")}.get(
            obj.warning_level, _("Normal")
        )
        # Colours come from static/css/admin.css: the CSP drops inline style attributes.
        return format_html('<span class="warning-badge level-{}">{}</span>', obj.warning_level, label)

    @admin.display(description=gettext_lazy("assigned to"))
    def assignees(self, obj):
        return (
            "、".join(person_name(t.assignee) for t in getattr(obj, "active_tasks", []) if t.assignee) or "—"
        )

    def export_csv(self, request):
        """The list as filtered on the page (its filters and search), at most EXPORT_LIMIT rows, as CSV."""
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).select_related("item_version", "department", "bundle")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="applications.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [_("Number"), _("Item"), _("Department"), _("Status"), _("Promised by"), _("Warning")]
        )
        for case in queryset.prefetch_related(None)[: self.EXPORT_LIMIT]:
            writer.writerow(
                [
                    case.number,
                    case.title,
                    case.department or "",
                    case.get_status_display(),
                    case.due_date or "",
                    case.get_warning_level_display(),
                ]
            )
        return response

    # --- the detail page and its buttons ---------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = (
            self.get_queryset(request).filter(pk=parse_pk(object_id)).first() if parse_pk(object_id) else None
        )
        extra = extra_context or {}
        if case is not None:
            user = request.user
            tasks = list(case.review_tasks.select_related("department", "assignee", "done_by"))
            for task in tasks:
                task.assignee_name = person_name(task.assignee) if task.assignee_id else ""
            mine = [
                t
                for t in tasks
                if t.status == TaskStatus.ACTIVE
                and (
                    t.assignee_id == user.pk or actions.is_head_of(user, t.department_id) or user.is_superuser
                )
            ]
            open_period = case.excluded_periods.filter(ended_at__isnull=True).first()
            pending_extension = case.extension_requests.filter(status=ExtensionStatus.PENDING).first()
            in_review = case.status == S.IN_REVIEW and open_period is None
            # only the steps that can succeed now are offered (the services check again)
            steps = {
                "may_opinion": in_review and WORKFLOW.allows(case.status, S.APPROVED),
                "may_supplement": in_review and WORKFLOW.allows(case.status, S.SUPPLEMENT),
                "may_pause": in_review,
                "may_extend": case.status in (S.IN_REVIEW, S.SUPPLEMENT)
                and not case.extension_requests.exclude(status=ExtensionStatus.REFUSED).exists(),
            }
            extra.update(
                case=case,
                tasks=tasks,
                my_task=mine[0] if mine else None,
                materials=case.materials.select_related("requirement"),
                timeline=self._timeline(case),
                supplements=case.supplement_requests.all(),
                extensions=case.extension_requests.select_related("requested_by", "decided_by"),
                open_period=open_period,
                pending_extension=pending_extension,
                **steps,
                may_decide_extension=pending_extension is not None
                and actions.is_head_of(user, case.department_id),
                is_head=actions.is_head_of(user, case.department_id),
                colleagues=self._colleagues(case),
                left=remaining(case, timezone.now()),
                excluded_kinds=ExcludedKind.choices,
                children=case.children.select_related("department", "item_version"),
                credit=credit_summary_by_code(case.township_id, case.credit_code),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _timeline(self, case):
        return staff_timeline(case)

    def _colleagues(self, case):
        return (
            get_user_model()
            .objects.filter(
                staff_profile__department_id=case.department_id,
                groups__name__in=[Role.CHIEF_REPRESENTATIVE, Role.APPROVER],
            )
            .distinct()
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act),
                name="approvals_reviewcase_act",
            ),
            path("export/", self.admin_site.admin_view(self.export_csv), name="approvals_reviewcase_export"),
            path(
                "<int:object_id>/identity/",
                self.admin_site.admin_view(self.identity),
                name="approvals_reviewcase_identity",
            ),
            *super().get_urls(),
        ]

    def identity(self, request, object_id):
        """The applicant's full identity number and phone, for checking them; every view is audited (PIPL)."""
        case = get_object_or_404(self.get_queryset(request), pk=object_id)
        record_personal_data_view(request=request, obj=case, field="applicant_id_number,applicant_phone")
        context = {
            **self.admin_site.each_context(request),
            "case": case,
            "title": _("Applicant's identity"),
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/approvals/reviewcase/identity.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def act(self, request, object_id, action):
        """One POST per action; the service decides whether it is allowed and says why not."""
        case = get_object_or_404(self.get_queryset(request), pk=object_id)
        back = HttpResponseRedirect(reverse("admin:approvals_reviewcase_change", args=[case.pk]))
        if request.method != "POST":
            return back
        data, user = request.POST, request.user
        try:
            if action == "approve":
                actions.approve_application(application=case, by=user, opinion=data.get("opinion", ""))
            elif action == "reject":
                actions.reject_application(application=case, by=user, reasons=data.get("opinion", ""))
            elif action == "supplement":
                items = [line for line in data.get("items", "").splitlines() if line.strip()]
                actions.request_supplement(application=case, by=user, items=items, note=data.get("note", ""))
            elif action == "extend":
                days = parse_pk(data.get("days"))
                actions.request_extension(application=case, by=user, days=days, reason=data.get("reason", ""))
            elif action in ("extension-approve", "extension-refuse"):
                extension = case.extension_requests.filter(status=ExtensionStatus.PENDING).first()
                if extension is None:
                    raise actions.ApprovalError(_("No extension awaits a decision."))
                actions.decide_extension(
                    extension=extension, head=user, approve=action == "extension-approve"
                )
            elif action == "pause":
                actions.start_excluded_period(
                    application=case, by=user, kind=data.get("kind", ""), note=data.get("note", "")
                )
            elif action == "resume":
                actions.end_excluded_period(application=case, by=user)
            elif action == "reassign":
                task = case.review_tasks.filter(
                    pk=parse_pk(data.get("task")), status=TaskStatus.ACTIVE
                ).first()
                to_user = self._colleagues(case).filter(pk=parse_pk(data.get("to"))).first()
                if task is None or to_user is None:
                    raise actions.ApprovalError(_("Choose the step and the colleague."))
                actions.reassign_task(task=task, head=user, to_user=to_user, reason=data.get("reason", ""))
            else:
                raise actions.ApprovalError(_("Unknown action."))
        except DomainError as error:  # any refusal (approval, clock, transition) is a message, never a 500
            message_user(self, request, error)
        else:
            messages.success(request, _("Done."))
        return back


@admin.register(ReviewStep)
class ReviewStepAdmin(ScopedAdmin):
    list_display = ["item", "stage", "name", "kind", "department"]
    list_filter = ["kind"]
    list_select_related = ["item", "department"]
    autocomplete_fields = ["item"]
    search_fields = ["name", "item__search_name"]


@admin.register(Absence)
class AbsenceAdmin(ScopedAdmin):
    list_display = ["user", "date", "reason"]
    list_select_related = ["user"]
    date_hierarchy = "date"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            townships = Township.objects.visible_to(request.user).values("pk")
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    groups__name=Role.CHIEF_REPRESENTATIVE, staff_profile__township_id__in=townships
                )
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
