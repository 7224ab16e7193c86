"""Enforcement cases API: the caller's cases (scoped like the pages), one case with its time limits, and
the head's decision and the legal reviewer's review as actions (refusals answer 400/409 with the
message). Personal data is masked. Published decisions are public."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from enforcement.cases import selectors, services
from enforcement.models.cases import (
    REVIEW_POINTS,
    CaseSource,
    CaseStatus,
    EnforcementCase,
    PaymentInstalment,
    Procedure,
    Publication,
    ReviewOutcome,
)
from township.api_schema import ErrorSerializer
from township.casework.clock import remaining
from township.casework.deadlines import deadlines_for
from township.fields import parse_pk
from township.org.models import Department
from township.org.roles import Role, has_role


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due_date = serializers.DateField()
    is_open = serializers.BooleanField()
    remaining = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    # plain strings in the schema (their values are the model's choices), so the enum names of other
    # apps' "status" and "source" fields do not collide
    status = serializers.CharField(read_only=True, help_text=", ".join(CaseStatus.values))
    source = serializers.CharField(read_only=True, help_text=", ".join(CaseSource.values))
    procedure = serializers.CharField(read_only=True, help_text=", ".join(Procedure.values))
    party = serializers.SerializerMethodField()
    party_code = serializers.SerializerMethodField()
    squad = serializers.CharField(source="department.name")
    proposal = serializers.SerializerMethodField()

    class Meta:
        model = EnforcementCase
        fields = [
            "id",
            "number",
            "status",
            "procedure",
            "source",
            "squad",
            "summary",
            "place",
            "discovered_on",
            "party",
            "party_code",
            "cause",
            "registered_at",
            "decision_number",
            "decided_at",
            "served_at",
            "fine_amount",
            "pay_by",
            "paid_on",
            "is_repeat_offence",
            "next_due_at",
            "next_due_label",
            "proposal",
        ]

    def get_party(self, case) -> str:
        if case.party_kind == "entity" and case.entity_id:
            return case.entity.name
        return f"{case.person_name[:1]}**" if case.person_name else ""

    def get_party_code(self, case) -> str:
        if case.party_kind == "entity" and case.entity_id:
            return case.entity.credit_code
        return case.masked_id_number

    def get_proposal(self, case) -> str:
        return case.current_proposal.describe() if case.current_proposal_id else ""


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentInstalment
        fields = ["sequence", "due_on", "amount", "paid_on", "paid_amount", "late_fee_paid"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    deadlines = serializers.SerializerMethodField()
    instalments = InstalmentSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "deadlines", "instalments"]

    @extend_schema(responses=DeadlineSerializer(many=True))
    def get_deadlines(self, case) -> list[dict]:
        now = timezone.now()
        return [
            {
                "kind": d.kind,
                "label": d.label,
                "due_date": d.due_date,
                "is_open": d.clock_stopped_at is None,
                "remaining": str(remaining(d, now) or ""),
            }
            for d in deadlines_for(case)
        ]


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices)
    opinion = serializers.CharField(max_length=5000)
    findings = serializers.DictField(
        help_text="For each review point ("
        + ", ".join(k for k, _l in REVIEW_POINTS)
        + '): {"ok": true|false, "note": "..."}'
    )


class PassToSquadInputSerializer(serializers.Serializer):
    squad = serializers.IntegerField(
        help_text=gettext_lazy("id of a squad (department) of the township's enforcement bureau")
    )
    lead = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("id of an officer of the squad")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class InstalmentInputSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))


class InstalmentsInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    instalments = InstalmentInputSerializer(
        many=True, help_text=gettext_lazy("at least two, on rising dates, adding up to the fine")
    )


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enforcement cases in the caller's data scope (squads are departments: an officer sees their squad's)."""

    serializer_class = CaseSerializer

    def get_queryset(self):
        user = self.request.user
        if not user.is_superuser and not has_role(
            user,
            Role.ENFORCEMENT_OFFICER,
            Role.DEPARTMENT_HEAD,
            Role.LEGAL_REVIEWER,
            Role.COMMAND_CENTRE,
            Role.TOWNSHIP_ADMIN,
            Role.COUNTY_ADMIN,
        ):
            return EnforcementCase.objects.none()
        return (
            selectors.cases_visible_to(user)
            .select_related("department", "entity", "current_proposal")
            .order_by("next_due_at", "pk")
        )

    def get_object(self):
        case = self.get_queryset().filter(pk=parse_pk(self.kwargs["pk"])).first()
        if case is None:
            raise NotFound
        return case

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    @extend_schema(
        request=None, responses={200: CaseDetailSerializer, 400: ErrorSerializer, 409: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The head decides the penalty (refused, with the reason, while a gate is closed)."""
        case = self.get_object()
        if not request.user.is_superuser and not has_role(request.user, Role.DEPARTMENT_HEAD):
            raise PermissionDenied
        case = services.decide_penalty(case=case, by=request.user)
        return Response(CaseDetailSerializer(selectors.case_for(request.user, case.pk)).data)

    @extend_schema(
        request=PassToSquadInputSerializer,
        responses={200: CaseDetailSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="pass-to-squad")
    def pass_to_squad(self, request, pk=None):
        """The head passes a clue handed to the bureau to one of its squads (optionally with a lead officer)."""
        case = self.get_object()
        if not request.user.is_superuser and not has_role(request.user, Role.DEPARTMENT_HEAD):
            raise PermissionDenied
        data = PassToSquadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        squad = Department.objects.filter(
            township_id=case.township_id, pk=data.validated_data["squad"]
        ).first()
        lead = None
        if data.validated_data.get("lead") is not None:
            lead = (
                get_user_model()
                .objects.filter(staff_profile__township_id=case.township_id, pk=data.validated_data["lead"])
                .first()
            )
            if lead is None:
                raise ValidationError({"lead": [_("No such officer in this township.")]})
        services.pass_to_squad(
            case=case, squad=squad, lead=lead, note=data.validated_data.get("note", ""), by=request.user
        )
        return Response(CaseDetailSerializer(selectors.case_for(request.user, case.pk)).data)

    @extend_schema(
        request=InstalmentsInputSerializer,
        responses={200: CaseDetailSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def instalments(self, request, pk=None):
        """The head approves paying the fine in instalments (art. 66); the same schedule again changes
        nothing, another one is refused."""
        case = self.get_object()
        if not request.user.is_superuser and not has_role(request.user, Role.DEPARTMENT_HEAD):
            raise PermissionDenied
        data = InstalmentsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.approve_instalments(
            case=case,
            by=request.user,
            schedule=[(row["due_on"], row["amount"]) for row in data.validated_data["instalments"]],
            reason=data.validated_data["reason"],
        )
        return Response(CaseDetailSerializer(selectors.case_for(request.user, case.pk)).data)

    @extend_schema(
        request=ReviewInputSerializer,
        responses={200: CaseDetailSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"], url_path="legal-review")
    def legal_review(self, request, pk=None):
        """A legal review of the current proposal, with a finding on each of the seven points."""
        case = self.get_object()
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_legal_review(
            case=case,
            by=request.user,
            findings=data.validated_data["findings"],
            outcome=data.validated_data["outcome"],
            opinion=data.validated_data["opinion"],
        )
        return Response(CaseDetailSerializer(selectors.case_for(request.user, case.pk)).data)


class PublicationSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.name")

    class Meta:
        model = Publication
        fields = [
            "decision_number",
            "township",
            "party_display",
            "party_code_display",
            "violation",
            "penalty",
            "basis",
            "organ",
            "decided_on",
            "published_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]


class PublicationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published decisions (公示), as the public page shows them: personal data masked."""

    serializer_class = PublicationSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        return selectors.published_decisions()


router = SimpleRouter()
router.register("cases", CaseViewSet, basename="enforcement-case-api")
router.register("publications", PublicationViewSet, basename="enforcement-publication-api")
urlpatterns = router.urls
