"""Services: the service-item catalog (items, versioned guides, material requirements, bundles)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from township.org.models import TownshipOwned, TownshipScopedQuerySet

code_validator = RegexValidator(
    r"^[0-9A-Z]{6,40}$", _("Use 6 to 40 digits or capital letters (GB/T 39554.1 codes).")
)
material_code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{1,39}$", _("Use 2 to 40 lower-case letters, digits, hyphens or underscores.")
)


class ImmutableVersion(Exception):
    """Raised when code tries to change a guide that has been published; revise it instead."""


class MaterialType(models.Model):
    """A kind of document in the reusable material library (一次采集、反复使用)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[material_code_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("material type")
        verbose_name_plural = _("material types")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ItemType(models.TextChoices):
    """GB/T 39554.1 item type codes of the powers a township exercises."""

    LICENSING = "01", _("Administrative licensing")
    PAYMENT = "05", _("Administrative payment")
    CONFIRMATION = "07", _("Administrative confirmation")
    AWARD = "08", _("Administrative award")
    RULING = "09", _("Administrative ruling")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")


class DelegatedLevel(models.TextChoices):
    COUNTY_IN_TOWN = "county_in_town", _("County item handled in the township")
    TOWN = "town", _("Township item")
    VILLAGE = "village", _("Handled in the village")


class ServiceObject(models.TextChoices):
    PERSON = "person", _("Natural persons")
    LEGAL_PERSON = "legal_person", _("Legal persons and organisations")
    BOTH = "both", _("Natural and legal persons")


class Delivery(models.TextChoices):
    WINDOW = "window", _("Pick up at the window")
    POST = "post", _("By post")


def default_delivery_options():
    return [Delivery.WINDOW.value]


class ServiceItemQuerySet(TownshipScopedQuerySet):
    def listed(self):
        """Items with a published guide: what residents and clerks may apply for."""
        return self.filter(current_version__isnull=False)


class ServiceItem(TownshipOwned):
    """The stable identity of a service item in one township; its guide lives in versions."""

    basic_code = models.CharField(
        _("basic code"),
        max_length=20,
        validators=[code_validator],
        help_text=_("GB/T 39554.1 basic code, the same in every place that offers the item."),
    )
    implementation_code = models.CharField(
        _("implementation code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("The implementing body's credit code followed by the basic code; unique everywhere."),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("responsible department"),
    )
    current_version = models.ForeignKey(
        "ServiceItemVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Denormalised from the published version on save, lower-case, so one indexed column answers search.
    search_name = models.CharField(_("name for search"), max_length=200, blank=True, editable=False)
    search_pinyin = models.CharField(_("full pinyin"), max_length=600, blank=True, editable=False)
    search_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, editable=False)
    search_initials_alt = models.CharField(
        _("alternative initials"), max_length=200, blank=True, editable=False
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["township", "department", "basic_code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "basic_code"], name="service_item_basic_code_unique"),
        ]
        indexes = [
            # the public catalog and search only ever read the listed items of one township
            models.Index(
                fields=["township", "department"],
                condition=Q(current_version__isnull=False),
                name="service_item_listed_idx",
            ),
        ]

    def __str__(self):
        return self.search_name or self.basic_code

    def clean(self):
        if self.department_id and self.township_id and self.department.township_id != self.township_id:
            raise ValidationError({"department": _("The department belongs to another township.")})

    def save(self, *args, **kwargs):
        self.sync_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def sync_search_fields(self):
        # Function-level: the search module reads the catalog selectors, which import these models.
        from services.selectors.search import search_fields_for  # noqa: PLC0415 - models -> search -> selectors -> models cycle

        version = self.current_version if self.current_version_id else None
        for field, value in search_fields_for(self, version).items():
            setattr(self, field, value)

    @property
    def guide(self):
        """The published version, else the newest one (a draft or a withdrawn item's last guide)."""
        if self.current_version_id:
            return self.current_version
        return self.versions.order_by("-version").first()

    @property
    def name(self) -> str:
        guide = self.guide
        return guide.name if guide else self.basic_code


SEARCH_FIELDS = ("search_name", "search_pinyin", "search_initials", "search_initials_alt", "search_text")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ServiceItemVersionQuerySet(TownshipScopedQuerySet):
    township_path = "item__township"


# The guide elements a version carries; a revision copies exactly these.
GUIDE_FIELDS = (
    "name",
    "item_type",
    "delegated_level",
    "service_object",
    "legal_basis",
    "conditions",
    "special_procedures",
    "legal_limit_days",
    "promised_limit_days",
    "is_immediate",
    "yellow_threshold_days",
    "is_free",
    "fees",
    "fee_basis",
    "allows_online",
    "at_most_one_visit",
    "visits_required",
    "delivery_options",
    "self_service_print",
    "process_steps",
    "faq",
    "place",
    "hours",
    "enquiry_phone",
    "complaint_phone",
    "keywords",
)
# What may still change on a version once it is no longer a draft: its life-cycle stamps.
LIFECYCLE_FIELDS = frozenset({"status", "published_at", "published_by", "retired_at"})


class ServiceItemVersion(models.Model):
    """One edition of an item's service guide. Published and retired versions never change, so an
    application can keep pointing at the exact guide it was made under."""

    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("service item")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    delegated_level = models.CharField(
        _("handled at"), max_length=16, choices=DelegatedLevel.choices, default=DelegatedLevel.TOWN
    )
    service_object = models.CharField(
        _("service object"), max_length=16, choices=ServiceObject.choices, default=ServiceObject.PERSON
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    special_procedures = models.TextField(
        _("special procedures"),
        blank=True,
        help_text=_("Hearings, expert review, testing or public notice; their time does not count."),
    )
    legal_limit_days = models.PositiveSmallIntegerField(_("legal limit (working days)"))
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised limit (working days)"), help_text=_("0 for an immediate item.")
    )
    is_immediate = models.BooleanField(
        _("immediate item"),
        default=False,
        help_text=_("Completed on the spot when the materials are complete."),
    )
    yellow_threshold_days = models.PositiveSmallIntegerField(
        _("yellow warning (working days left)"), default=2, validators=[MaxValueValidator(60)]
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    fees = models.TextField(_("fees"), blank=True)
    fee_basis = models.TextField(_("basis of the fees"), blank=True)
    allows_online = models.BooleanField(_("can be applied for online"), default=True)
    at_most_one_visit = models.BooleanField(_("at most one visit"), default=True)
    visits_required = models.PositiveSmallIntegerField(
        _("visits to the hall"), default=1, validators=[MaxValueValidator(9)]
    )
    delivery_options = ArrayField(
        models.CharField(max_length=12, choices=Delivery.choices),
        verbose_name=_("delivery of the result"),
        default=default_delivery_options,
        size=4,
    )
    # Whether a ready result may be handed out by a self-service terminal (a statement or proof that
    # needs no signature at a window); part of the guide, so it is fixed with the version.
    self_service_print = models.BooleanField(
        _("result may be printed at a self-service terminal"),
        default=False,
        help_text=_("Only for results the applicant need not sign for at a window."),
    )
    process_steps = models.JSONField(
        _("process steps"), default=list, blank=True, help_text=_("A list of {title, description}.")
    )
    faq = models.JSONField(
        _("frequently asked questions"),
        default=list,
        blank=True,
        help_text=_("A list of {question, answer}."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("enquiry phone"), max_length=60, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=60, blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Other words people use, separated by spaces.")
    )

    objects = ServiceItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("service guide version")
        verbose_name_plural = _("service guide versions")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="service_version_number_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="published"),
                name="service_version_one_published",
                violation_error_message=_("An item has at most one published version."),
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="draft"),
                name="service_version_one_draft",
                violation_error_message=_("An item has at most one draft; edit the open draft."),
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="service_version_promised_within_legal",
                violation_error_message=_("The promised limit cannot be longer than the legal limit."),
            ),
            models.CheckConstraint(
                condition=Q(is_immediate=True, promised_limit_days=0)
                | Q(is_immediate=False, promised_limit_days__gt=0),
                name="service_version_immediate_means_zero_days",
                violation_error_message=_(
                    "An immediate item has a promised limit of 0 days; any other item needs at least 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(at_most_one_visit=False) | Q(visits_required__lte=1),
                name="service_version_one_visit_consistent",
                violation_error_message=_("An item with 'at most one visit' cannot require more visits."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="service_version_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def clean(self):
        errors = {}
        if not self.delivery_options:
            errors["delivery_options"] = _("Choose at least one way to deliver the result.")
        elif len(set(self.delivery_options)) != len(self.delivery_options):
            errors["delivery_options"] = _("Each delivery option once, please.")
        message = _check_pairs(self.process_steps, "title", "description")
        if message:
            errors["process_steps"] = message
        message = _check_pairs(self.faq, "question", "answer")
        if message:
            errors["faq"] = message
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):  # noqa: DJ012 - kept beside clean(), which states the same rules
        update_fields = kwargs.get("update_fields")
        if (
            self.pk
            and not self._state.adding
            and (update_fields is None or set(update_fields) - LIFECYCLE_FIELDS)
        ):
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored not in (None, VersionStatus.DRAFT):
                raise ImmutableVersion(f"version {self.pk} is {stored}; revise the item instead")
        super().save(*args, **kwargs)

    @property
    def delivery_labels(self) -> list[str]:
        labels = dict(Delivery.choices)
        return [labels.get(value, value) for value in self.delivery_options]


def _check_pairs(value, first: str, second: str) -> str | None:
    if not isinstance(value, list):
        return _("Expected a list.")
    for index, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or not str(entry.get(first) or "").strip():
            return _("Entry %(n)d needs a %(key)s.") % {"n": index, "key": first}
        if set(entry) - {first, second}:
            return _("Entry %(n)d has unknown keys.") % {"n": index}
    return None


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    EITHER = "either", _("Paper or electronic")


class Necessity(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Required if")
    OPTIONAL = "optional", _("Optional")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("The applicant")
    ISSUING_DEPARTMENT = "issuing_department", _("The issuing department")
    SHARED_DATA = "shared_data", _("Shared data (nothing to bring)")


class MaterialRequirementQuerySet(TownshipScopedQuerySet):
    township_path = "version__item__township"


class MaterialRequirement(models.Model):
    """One line of a guide's material list; belongs to one version and changes only with it."""

    version = models.ForeignKey(
        ServiceItemVersion,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("guide version"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    material_type = models.ForeignKey(
        MaterialType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requirements",
        verbose_name=_("material type"),
        help_text=_("Set it when a stored material of this type can satisfy the requirement."),
    )
    original_count = models.PositiveSmallIntegerField(_("originals"), default=1)
    copy_count = models.PositiveSmallIntegerField(_("copies"), default=0)
    medium = models.CharField(_("medium"), max_length=12, choices=Medium.choices, default=Medium.PAPER)
    necessity = models.CharField(
        _("necessity"), max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED
    )
    condition = models.CharField(
        _("condition"),
        max_length=300,
        blank=True,
        help_text=_("When the material is needed (conditional only)."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    blank_form = models.FileField(_("blank form"), upload_to="services/forms/%Y/", blank=True)
    sample = models.FileField(_("filled-in sample"), upload_to="services/samples/%Y/", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    acceptance_standard = models.TextField(_("acceptance standard"), blank=True)

    objects = MaterialRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("material requirement")
        verbose_name_plural = _("material requirements")
        ordering = ["version", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(necessity="conditional") | ~Q(condition=""),
                name="material_conditional_has_condition",
                violation_error_message=_("A conditional material needs its condition."),
            ),
            models.CheckConstraint(
                condition=Q(original_count__gt=0) | Q(copy_count__gt=0) | Q(source="shared_data"),
                name="material_something_to_bring",
                violation_error_message=_("Ask for at least one original or copy."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self):
        status = (
            ServiceItemVersion.objects.filter(pk=self.version_id).values_list("status", flat=True).first()
        )
        if status not in (None, VersionStatus.DRAFT):
            raise ImmutableVersion(f"the materials of version {self.version_id} are {status}")

    @property
    def dedupe_key(self) -> tuple:
        """Bundles ask a material once: same material type, or else the same name."""
        return ("type", self.material_type_id) if self.material_type_id else ("name", self.name.strip())


class Bundle(TownshipOwned):
    """ "One thing, one go" (一件事一次办): one application over several items."""

    code = models.CharField(_("code"), max_length=20, validators=[RegexValidator(r"^[A-Z0-9-]{2,20}$")])
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("offered"), default=True)
    items = models.ManyToManyField(
        ServiceItem, through="BundleItem", related_name="bundles", verbose_name=_("items")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["township", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="bundle_code_unique_per_township"),
        ]

    def __str__(self):
        return self.name


class BundleItemQuerySet(TownshipScopedQuerySet):
    township_path = "bundle__township"


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="bundle_items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = BundleItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("bundled item")
        verbose_name_plural = _("bundled items")
        ordering = ["bundle", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once"),
        ]

    def __str__(self):
        return str(self.item)

    def clean(self):
        if self.bundle_id and self.item_id and self.bundle.township_id != self.item.township_id:
            raise ValidationError({"item": _("The item belongs to another township.")})
