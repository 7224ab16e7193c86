"""Organisation: counties, townships, departments, windows, staff profiles and resident accounts.

Every row that belongs to a township carries it (`TownshipOwned`), and `visible_to(user)` scopes a
queryset to what the user may see: their township, their county for county admins, all for superusers.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from township.identifiers import mask_id_number, mask_phone, validate_id_number, validate_mobile_phone
from township.org.roles import roles_of
from township.org.scope import ScopeKind, data_scope, scope_paths, visible_to

code_validator = RegexValidator(r"^[0-9]{6,12}$", _("Use the 6 to 12 digit administrative division code."))


def scope_for(user):
    """(kind, value) of a user's reach by township: ('all', None), ('county', id), ('township', id) or
    ('none', None). Department scopes reach their township here; see township.org.scope for rows."""
    found = data_scope(user)
    if found.kind == ScopeKind.ALL:
        return ("all", None)
    if found.kind == ScopeKind.COUNTY:
        return ("county", found.county_id)
    if found.kind in (ScopeKind.TOWNSHIP, ScopeKind.DEPARTMENT, ScopeKind.GRID):
        return ("township", found.township_id)
    return ("none", None)


class TownshipScopedQuerySet(models.QuerySet):
    """`visible_to(user)`: the rows in the user's data scope (township.org.scope)."""

    township_path = "township"

    def visible_to(self, user):
        paths = scope_paths(self.model)
        if self.township_path != "township":
            paths["township"] = self.township_path
        return visible_to(self, user, paths=paths)


class TownshipOwned(models.Model):
    """Abstract base for every township-owned row."""

    township = models.ForeignKey("org.Township", on_delete=models.PROTECT, verbose_name=_("township"))

    objects = TownshipScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class County(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self):
        return self.name


class TownshipQuerySet(models.QuerySet):
    def visible_to(self, user):
        kind, value = scope_for(user)
        if kind == "all":
            return self
        if kind == "county":
            return self.filter(county_id=value)
        if kind == "township":
            return self.filter(pk=value)
        return self.none()


class Township(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("county")
    )
    code = models.CharField(_("code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=60)
    short_code = models.CharField(
        _("short code"),
        max_length=8,
        unique=True,
        help_text=_("Letters used in application and document numbers, e.g. QS."),
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Use 2 to 8 capital letters."))],
    )
    hall_address = models.CharField(_("service hall address"), max_length=200, blank=True)
    hall_phone = models.CharField(_("service hall phone"), max_length=30, blank=True)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("township")
        verbose_name_plural = _("townships")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(TownshipOwned):
    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        BUREAU = "bureau", _("Bureau")
        STATIONED = "stationed", _("Stationed unit")

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OFFICE)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
        help_text=_(
            "E.g. the enforcement bureau of a squad; heads and officers of it see its sub-units' cases."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["township", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="department_code_unique_per_township"),
        ]

    def __str__(self):
        return self.name


class ServiceWindow(TownshipOwned):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General window")
        SPECIALISED = "specialised", _("Specialised window")

    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    name = models.CharField(_("name"), max_length=60, blank=True)
    departments = models.ManyToManyField(
        Department,
        blank=True,
        verbose_name=_("departments"),
        help_text=_("For a specialised window: the departments whose items it takes."),
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("service window")
        verbose_name_plural = _("service windows")
        ordering = ["township", "number"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="window_number_unique_per_township"),
        ]

    def __str__(self):
        return self.name or _("Window %(number)s") % {"number": self.number}


class StaffProfile(models.Model):
    """A staff member's place: county, township (empty for county-level staff) and department."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, verbose_name=_("county"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("township"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    window = models.ForeignKey(
        ServiceWindow,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clerks",
        verbose_name=_("usual window"),
    )
    title = models.CharField(pgettext_lazy("job", "title"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[validate_mobile_phone])
    is_active = models.BooleanField(_("active"), default=True)

    objects = TownshipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=True) | models.Q(township__isnull=False),
                name="staff_department_needs_township",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def clean(self):
        if self.township_id and self.county_id and self.township.county_id != self.county_id:
            raise ValidationError({"township": _("The township is not in the chosen county.")})
        if self.department_id and self.department.township_id != self.township_id:
            raise ValidationError({"department": _("The department belongs to another township.")})

    @property
    def roles(self):
        return roles_of(self.user)


class ResidentAccount(models.Model):
    """A resident's sign-in: by phone and SMS code; the identity number is validated and shown masked."""

    scope_paths = {"township": "home_township", "owner": "user"}  # data scope (township.org.scope)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident", verbose_name=_("user")
    )
    phone = models.CharField(
        _("mobile phone"), max_length=20, unique=True, validators=[validate_mobile_phone]
    )
    real_name = models.CharField(_("real name"), max_length=60, blank=True)
    id_number = models.CharField(
        _("identity number"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_id_number],
    )
    home_township = models.ForeignKey(
        Township, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("home township")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")

    def __str__(self):
        return f"{self.real_name or ''} {self.masked_phone}".strip()

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def person_name(user) -> str:
    """A person's name as people write it: family name first and no space for Chinese names
    (王 + 小明 → 王小明), "first last" otherwise; the username when no name is set."""
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if not (first or last):
        return user.get_username()
    if any("\u3400" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


class Village(TownshipOwned):
    """A village (村) or community (社区) of a township, with its 12-digit statistical code (统计用区划代码).
    Grids, village service points and base data hang below it."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("Village")
        COMMUNITY = "community", _("Community")

    code = models.CharField(
        _("statistical code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{12}$", _("Enter the 12-digit statistical code."))],
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.VILLAGE)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 longitude/latitude; never GCJ-02.
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("village or community")
        verbose_name_plural = _("villages and communities")
        ordering = ["township", "code"]

    def __str__(self):
        return self.name


class ApiClientPurpose(models.TextChoices):
    HOTLINE_PLATFORM = "hotline", _("City hotline platform (12345)")
    OPEN311 = "open311", _("Open311 client")
    DEVICES = "devices", _("Cameras and devices")
    FEEDS = "feeds", _("Data feeds")


class ApiClient(TownshipOwned):
    """A program allowed to call one of the portal's machine APIs for one township, with a key of its own.

    Only a hash of the key is stored; the key is shown once when it is issued (township.api_keys)."""

    Purpose = ApiClientPurpose

    name = models.CharField(_("name"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=12, choices=ApiClientPurpose.choices)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=120,
        help_text=_("Requests beyond this in one minute are refused (429)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["township", "purpose", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_purpose_display()})"

    @property
    def is_usable(self) -> bool:
        return self.is_active and self.revoked_at is None
