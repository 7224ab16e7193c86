"""Base data of a grid (人、地、物、组织): households and persons, houses and buildings, places and
businesses (linked to the market-entity register), organisations. Every row is in one grid, and a grid
member sees only their grids' rows (scope_paths["grid"], township.org.scope)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.identifiers import (
    id_number_birth_date,
    mask_credit_code,
    mask_id_number,
    mask_phone,
    validate_credit_code,
    validate_id_number,
)
from township.org.models import TownshipOwned


class SpecialGroup(models.TextChoices):
    """Tags for people who need attention (留守、残疾、低保… and the special groups of GB/T 31000)."""

    LIVING_ALONE_ELDERLY = "living_alone_elderly", _("Elderly living alone")
    LEFT_BEHIND_ELDERLY = "left_behind_elderly", _("Left-behind elderly")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    LEFT_BEHIND_WOMAN = "left_behind_woman", _("Left-behind woman")
    DISABLED = "disabled", pgettext_lazy("person", "Disabled")
    SEVERELY_DISABLED = "severely_disabled", _("Severely disabled")
    LOW_INCOME = "low_income", _("Minimum living allowance (低保)")
    EXTREME_POVERTY = "extreme_poverty", _("Extreme poverty (特困)")
    COMMUNITY_CORRECTION = "community_correction", _("Under community correction")
    RELEASED_PRISONER = "released_prisoner", _("Released from prison")
    MENTAL_DISORDER = "mental_disorder", _("Severe mental disorder")
    DRUG_USER = "drug_user", _("Drug user")
    PETITIONER = "petitioner", _("Petitioner")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("Registered resident (户籍)")
    MIGRANT = "migrant", _("Migrant (流动)")
    FOREIGN = "foreign", _("From outside the mainland (境外)")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class InGrid(TownshipOwned):
    """A base-data row: in one grid of the township, kept by grid members, with who changed it last."""

    scope_paths = {"township": "township", "grid": "grid"}

    grid = models.ForeignKey("grid.Grid", on_delete=models.PROTECT, related_name="+", verbose_name=_("grid"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        abstract = True


class HouseKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    MIXED = "mixed", _("Residential and commercial")
    INDUSTRIAL = "industrial", _("Factory or warehouse")
    PUBLIC = "public", _("Public building")
    OTHER = "other", pgettext_lazy("house kind", "Other")


class House(InGrid):
    """A house, building or flat (房屋/楼栋), keyed by its address code within the township."""

    code = models.CharField(
        _("house code"), max_length=40, help_text=_("The address or building code, unique in the township.")
    )
    address = models.CharField(_("address"), max_length=200)
    building = models.CharField(_("building"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    floor = models.CharField(_("floor"), max_length=10, blank=True)
    room = models.CharField(_("room"), max_length=20, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=HouseKind.choices, default=HouseKind.RESIDENTIAL
    )
    use = models.CharField(_("current use"), max_length=60, blank=True)
    owner_name = models.CharField(_("owner"), max_length=60, blank=True)
    owner_phone = models.CharField(_("owner's phone"), max_length=20, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=10, decimal_places=7, null=True, blank=True)

    class Meta:
        verbose_name = _("house or building")
        verbose_name_plural = _("houses and buildings")
        ordering = ["grid", "code"]
        constraints = [models.UniqueConstraint(fields=["township", "code"], name="grid_house_code_unique")]
        indexes = [models.Index(fields=["grid", "code"], name="grid_house_grid")]

    def __str__(self):
        return self.address

    @property
    def masked_owner_phone(self) -> str:
        return mask_phone(self.owner_phone)


class Household(InGrid):
    """A household (户), keyed by its household number within the township."""

    number = models.CharField(_("household number"), max_length=30)
    house = models.ForeignKey(
        House,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("house"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    head_name = models.CharField(_("head of household"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="grid_household_number_unique")
        ]
        indexes = [models.Index(fields=["grid", "number"], name="grid_household_grid")]

    def __str__(self):
        return f"{self.number} {self.head_name}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Person(InGrid):
    """A person, keyed (and merged) by their resident ID number within the township. The number is shown
    masked everywhere except to whoever needs it; a full view is audited."""

    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    id_number = models.CharField(_("identity number"), max_length=18, validators=[validate_id_number])
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relation = models.CharField(_("relation to the head"), max_length=20, blank=True)
    residence = models.CharField(
        _("residence"), max_length=12, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    tags = ArrayField(
        models.CharField(max_length=24, choices=SpecialGroup.choices),
        default=list,
        blank=True,
        verbose_name=_("special groups"),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["grid", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "id_number"], name="grid_person_id_unique")
        ]
        indexes = [
            models.Index(fields=["grid", "name"], name="grid_person_grid"),
            GinIndex(fields=["tags"], name="grid_person_tags"),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def fill_from_id_number(self) -> None:
        """Birth date and sex follow from a valid 18-digit number (GB 11643: the 17th digit's parity)."""
        if len(self.id_number) == 18:
            self.birth_date = id_number_birth_date(self.id_number)
            self.sex = Sex.MALE if int(self.id_number[16]) % 2 else Sex.FEMALE

    def tag_labels(self) -> list[str]:
        labels = dict(SpecialGroup.choices)
        return [str(labels.get(tag, tag)) for tag in self.tags]


class PlaceKind(models.TextChoices):
    SHOP = "shop", _("Shop")
    RESTAURANT = "restaurant", _("Restaurant")
    SMALL_VENUE = "small_venue", _("Small venue (九小场所)")
    MARKET = "market", _("Market")
    WORKSHOP = "workshop", _("Workshop or factory")
    WAREHOUSE = "warehouse", _("Warehouse")
    SCHOOL = "school", _("School or kindergarten")
    OTHER = "other", pgettext_lazy("place kind", "Other")


class Place(InGrid):
    """A business or place (场所), linked to the market-entity register by its credit code when it is a
    registered entity; merged by credit code, else kept by name and address."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices, default=PlaceKind.SHOP)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    market_entity = models.ForeignKey(
        "entities.MarketEntity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_places",
        verbose_name=_("market entity"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_key_fire_risk = models.BooleanField(_("key fire-safety place"), default=False)
    lng = models.DecimalField(_("longitude"), max_digits=10, decimal_places=7, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=10, decimal_places=7, null=True, blank=True)

    class Meta:
        verbose_name = _("place or business")
        verbose_name_plural = _("places and businesses")
        ordering = ["grid", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "credit_code"],
                condition=~Q(credit_code=""),
                name="grid_place_code_unique",
            )
        ]
        indexes = [models.Index(fields=["grid", "name"], name="grid_place_grid")]

    def __str__(self):
        return self.name

    @property
    def masked_credit_code(self) -> str:
        return mask_credit_code(self.credit_code)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SOCIAL = "social", _("Social organisation")
    PARTY = "party", _("Party organisation")
    PUBLIC = "public", _("Public institution")
    OTHER = "other", pgettext_lazy("organisation kind", "Other")


class Organisation(InGrid):
    """An organisation in the grid (组织): enterprises, social and party organisations; merged by
    credit code."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=12, choices=OrganisationKind.choices, default=OrganisationKind.ENTERPRISE
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    market_entity = models.ForeignKey(
        "entities.MarketEntity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_organisations",
        verbose_name=_("market entity"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    members = models.PositiveIntegerField(_("members or employees"), null=True, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["grid", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "credit_code"],
                condition=~Q(credit_code=""),
                name="grid_org_code_unique",
            )
        ]
        indexes = [models.Index(fields=["grid", "name"], name="grid_org_grid")]

    def __str__(self):
        return self.name

    @property
    def masked_credit_code(self) -> str:
        return mask_credit_code(self.credit_code)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
