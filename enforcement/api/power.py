"""Power-list API (read only): the matters in force in the caller's data scope, each with its version's
bases, channel, issuing organ and discretion bands. Changes go through the power-list services (admin,
Excel import), never through the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.routers import SimpleRouter

from enforcement.models import DiscretionBand, PowerMatter
from enforcement.power import selectors
from township.fields import parse_pk
from township.org.roles import Role, has_role

# who reads the list through the API: the enforcement staff and the township and county administrators
READERS = (
    Role.ENFORCEMENT_OFFICER,
    Role.DEPARTMENT_HEAD,
    Role.LEGAL_REVIEWER,
    Role.COMMAND_CENTRE,
    Role.TOWNSHIP_ADMIN,
    Role.COUNTY_ADMIN,
)


class BandSerializer(serializers.ModelSerializer):
    tier = serializers.CharField(
        help_text=gettext_lazy("minor, lesser, general, serious, severe, no_penalty…")
    )

    class Meta:
        model = DiscretionBand
        fields = [
            "tier",
            "conditions",
            "fine_min",
            "fine_max",
            "amount_basis",
            "multiple_min",
            "multiple_max",
            "other_penalties",
            "first_offence_only",
            "requires_correction",
        ]


class PowerMatterSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.name")
    version = serializers.IntegerField(source="current_version.version")
    name = serializers.CharField(source="current_version.name")
    kind = serializers.CharField(
        source="current_version.kind", help_text=gettext_lazy("penalty, coercion, inspection")
    )
    domain = serializers.CharField(source="current_version.domain")
    violated_provision = serializers.CharField(source="current_version.violated_provision")
    penalty_provision = serializers.CharField(source="current_version.penalty_provision")
    source_department = serializers.CharField(source="current_version.source_department")
    channel = serializers.CharField(
        source="current_version.channel", help_text=gettext_lazy("handed_down, entrusted")
    )
    issuing_organ_name = serializers.CharField(source="current_version.issuing_organ_name")
    first_offence_exemption = serializers.BooleanField(source="current_version.first_offence_exemption")
    legal_review_required = serializers.BooleanField(source="current_version.legal_review_required")
    effective_from = serializers.DateField(source="current_version.effective_from", allow_null=True)
    bands = BandSerializer(source="current_version.bands", many=True)

    class Meta:
        model = PowerMatter
        fields = [
            "id",
            "code",
            "township",
            "version",
            "name",
            "kind",
            "domain",
            "violated_provision",
            "penalty_provision",
            "source_department",
            "channel",
            "issuing_organ_name",
            "first_offence_exemption",
            "legal_review_required",
            "effective_from",
            "bands",
        ]


FILTERS = [
    OpenApiParameter("q", str, description=gettext_lazy("text in the code, name or provisions")),
    OpenApiParameter("domain", str),
    OpenApiParameter("department", str, description=gettext_lazy("the delegating department")),
    OpenApiParameter("kind", str, description=gettext_lazy("penalty, coercion, inspection")),
]


FILTERS_NAMES = ("q", "domain", "department", "kind")


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class PowerMatterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The power list (执法事项清单) in force, in the caller's scope (their township; the county for a
    county administrator)."""

    serializer_class = PowerMatterSerializer

    def get_queryset(self):
        user = self.request.user
        if not user.is_superuser and not has_role(user, *READERS):
            return PowerMatter.objects.none()
        params = self.request.query_params
        return selectors.filter_matters(
            selectors.matters_visible_to(user),
            **{name: (params.get(name) or "").replace("\x00", "")[:100] for name in FILTERS_NAMES},
        )

    def get_object(self):
        matter = self.get_queryset().filter(pk=parse_pk(self.kwargs["pk"])).first()
        if matter is None:
            raise NotFound
        return matter


router = SimpleRouter()
router.register("powers", PowerMatterViewSet, basename="enforcement-power-api")
urlpatterns = router.urls
