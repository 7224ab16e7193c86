"""Enforcement demo data: the power list (about 250 matters), the bureau's three district squads and its
officers, legal reviewers and head in each demo township.

Everything goes through the power-list services; loading is idempotent (a matter whose code exists in
the township, a squad or a user that exists, is left as it is).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from enforcement.demo.power_items import DEPARTMENTS
from enforcement.models import AmountBasis, DiscretionTier, Harm, PowerChannel, PowerKind, PowerMatter
from enforcement.power import services
from township.org.models import Department, StaffProfile
from township.org.roles import ADMIN_ROLES, Role, sync_role_groups

BUREAU = "ZHZF"
SQUADS = [
    ("ZHZF1", "第一执法中队（城区）"),
    ("ZHZF2", "第二执法中队（东片）"),
    ("ZHZF3", "第三执法中队（西片）"),
]
HAND_DOWN_DECISION = "苏政发〔2025〕18号"
ENTRUSTED_FROM, ENTRUSTED_UNTIL = date(2025, 1, 1), date(2027, 12, 31)

# username, role, department code, full name, phone, per township short code
USERS = {
    "QS": [
        ("zfhead", Role.DEPARTMENT_HEAD, BUREAU, "钱局长", "13900000101"),
        ("zflegal", Role.LEGAL_REVIEWER, BUREAU, "孙法审", "13900000102"),
        ("zf1a", Role.ENFORCEMENT_OFFICER, "ZHZF1", "李一队", "13900000111"),
        ("zf1b", Role.ENFORCEMENT_OFFICER, "ZHZF1", "周一队", "13900000112"),
        ("zf2a", Role.ENFORCEMENT_OFFICER, "ZHZF2", "吴二队", "13900000121"),
        ("zf2b", Role.ENFORCEMENT_OFFICER, "ZHZF2", "郑二队", "13900000122"),
        ("zf3a", Role.ENFORCEMENT_OFFICER, "ZHZF3", "王三队", "13900000131"),
        ("zf3b", Role.ENFORCEMENT_OFFICER, "ZHZF3", "冯三队", "13900000132"),
    ],
    "BS": [
        ("bs-zfhead", Role.DEPARTMENT_HEAD, BUREAU, "沈局长", "13900000201"),
        ("bs-zflegal", Role.LEGAL_REVIEWER, BUREAU, "韩法审", "13900000202"),
        ("bs-zf1a", Role.ENFORCEMENT_OFFICER, "ZHZF1", "杨一队", "13900000211"),
        ("bs-zf1b", Role.ENFORCEMENT_OFFICER, "ZHZF1", "朱一队", "13900000212"),
        ("bs-zf2a", Role.ENFORCEMENT_OFFICER, "ZHZF2", "秦二队", "13900000221"),
        ("bs-zf2b", Role.ENFORCEMENT_OFFICER, "ZHZF2", "许二队", "13900000222"),
        ("bs-zf3a", Role.ENFORCEMENT_OFFICER, "ZHZF3", "何三队", "13900000231"),
        ("bs-zf3b", Role.ENFORCEMENT_OFFICER, "ZHZF3", "吕三队", "13900000232"),
    ],
}

YUAN = Decimal("1")


def _yuan(value) -> Decimal:
    return Decimal(value).quantize(YUAN, rounding=ROUND_HALF_UP)


def _multiples(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def numeric_method_bands(fine: str, *, first_offence: bool) -> list[dict]:
    """Discretion bands by the Zhejiang numeric method (reference §10): at least three tiers, "general"
    in the middle. A maximum only ("max:N"): ≤ 20 % minor, 20–40 % lesser, 40–60 % general, 60–100 %
    serious. A range or multiples: the lower 30 % lesser, the middle 40 % general, the upper 30 % severe.
    A first-offence matter also gets a no-penalty band (art. 33(1))."""
    kind, _, spec = fine.partition(":")
    bands = []
    if first_offence:
        bands.append(
            {
                "tier": DiscretionTier.NONE,
                "conditions": "初次违法且危害后果轻微，并及时改正的，可以不予行政处罚，予以批评教育",
                "harm_levels": [Harm.NONE],
                "first_offence_only": True,
                "requires_correction": True,
                "other_penalties": "批评教育，责令改正",
            }
        )
    if kind == "max":
        top = Decimal(spec)
        cuts = [Decimal("0"), top * Decimal("0.2"), top * Decimal("0.4"), top * Decimal("0.6"), top]
        tiers = [
            (DiscretionTier.MINOR, "违法情节轻微，未造成危害后果，经责令及时改正", [Harm.NONE]),
            (DiscretionTier.LESSER, "违法情节较轻，危害后果较小，积极配合调查", [Harm.MINOR]),
            (DiscretionTier.GENERAL, "违法情节一般，造成一定危害后果", [Harm.GENERAL]),
            (DiscretionTier.SERIOUS, "违法情节较重，造成较大危害后果，或经责令拒不改正", [Harm.SERIOUS]),
        ]
        for (tier, conditions, harm), low, high in zip(tiers, cuts, cuts[1:], strict=False):
            bands.append(
                {
                    "tier": tier,
                    "conditions": conditions,
                    "fine_min": _yuan(low),
                    "fine_max": _yuan(high),
                    "harm_levels": harm,
                }
            )
        return bands
    low, high = (Decimal(part) for part in spec.split("-"))
    cuts = [low, low + (high - low) * Decimal("0.3"), low + (high - low) * Decimal("0.7"), high]
    tiers = [
        (DiscretionTier.LESSER, "违法情节较轻，危害后果较小，经责令及时改正", [Harm.NONE, Harm.MINOR]),
        (DiscretionTier.GENERAL, "违法情节一般，造成一定危害后果", [Harm.GENERAL]),
        (DiscretionTier.SEVERE, "违法情节严重，造成严重危害后果，或屡查屡犯、拒不改正", [Harm.SERIOUS]),
    ]
    for (tier, conditions, harm), band_low, band_high in zip(tiers, cuts, cuts[1:], strict=False):
        band = {"tier": tier, "conditions": conditions, "harm_levels": harm}
        if kind == "range":
            band.update(fine_min=_yuan(band_low), fine_max=_yuan(band_high))
        else:
            band.update(
                amount_basis=AmountBasis.MULTIPLE_OF_GAINS
                if kind == "gains"
                else AmountBasis.MULTIPLE_OF_VALUE,
                multiple_min=_multiples(band_low),
                multiple_max=_multiples(band_high),
            )
        bands.append(band)
    return bands


def _legal_penalty(fine: str) -> str:
    kind, _, spec = fine.partition(":")
    if kind == "max":
        return f"责令改正，处{int(Decimal(spec)):,}元以下罚款"
    if kind == "range":
        low, high = spec.split("-")
        return f"责令改正，处{int(Decimal(low)):,}元以上{int(Decimal(high)):,}元以下罚款"
    if kind in ("gains", "value"):
        low, high = spec.split("-")
        base = "违法所得" if kind == "gains" else "货值金额"
        return f"没收违法所得，并处{base}{low}倍以上{high}倍以下罚款"
    return ""


def demo_matters(township) -> list[tuple[str, dict, list[dict]]]:
    """(code, content, bands) of every demo matter for `township`."""
    rows = []
    own_name = f"{township.name}人民政府"
    for prefix, domain, department, table in DEPARTMENTS:
        for index, (name, law, violated, penalty, fine, flags) in enumerate(table, 1):
            kind = (
                PowerKind.COERCION
                if "C" in flags
                else PowerKind.INSPECTION
                if "I" in flags
                else PowerKind.PENALTY
            )
            entrusted = "E" in flags
            content = {
                "name": name,
                "kind": kind,
                "domain": domain,
                "violated_provision": f"{law}{violated}",
                "penalty_provision": f"{law}{penalty}",
                "legal_penalty": _legal_penalty(fine),
                "source_department": department,
                "channel": PowerChannel.ENTRUSTED if entrusted else PowerChannel.HANDED_DOWN,
                "channel_reference": f"江{prefix}委〔2025〕{index}号" if entrusted else HAND_DOWN_DECISION,
                "entrusting_organ": department if entrusted else "",
                "entrusted_from": ENTRUSTED_FROM if entrusted else None,
                "entrusted_until": ENTRUSTED_UNTIL if entrusted else None,
                "issuing_organ_name": department if entrusted else own_name,
                "first_offence_exemption": "F" in flags,
                "legal_review_required": "R" in flags,
                "effective_from": date(2025, 7, 1),
            }
            bands = numeric_method_bands(fine, first_offence="F" in flags) if fine else []
            rows.append((f"{prefix}-{index:03d}", content, bands))
    return rows


def load_demo_power_list(township) -> int:
    """Publish the demo matters the township does not have yet; returns how many were new."""
    existing = set(PowerMatter.objects.filter(township=township).values_list("code", flat=True))
    created = 0
    for code, content, bands in demo_matters(township):
        if code in existing:
            continue
        services.create_matter(township=township, code=code, content=content, bands=bands, publish=True)
        created += 1
    return created


def ensure_squads(township) -> int:
    """The enforcement bureau's three district squads as its sub-departments (data scopes)."""
    bureau, created = Department.objects.get_or_create(
        township=township, code=BUREAU, defaults={"name": "综合行政执法局", "kind": "bureau"}
    )
    created = int(created)
    for code, name in SQUADS:
        _squad, new = Department.objects.get_or_create(
            township=township, code=code, defaults={"name": name, "kind": "bureau", "parent": bureau}
        )
        created += new
    return created


def ensure_officers(township) -> int:
    sync_role_groups()
    User = get_user_model()
    created = 0
    for username, role, department_code, full_name, phone in USERS.get(township.short_code, []):
        user, new = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name, "is_staff": role in ADMIN_ROLES}
        )
        if new:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            created += 1
        user.groups.add(Group.objects.get(name=str(role)))
        _profile, new = StaffProfile.objects.get_or_create(
            user=user,
            defaults={
                "county": township.county,
                "township": township,
                "department": Department.objects.get(township=township, code=department_code),
                "phone": phone,
            },
        )
        created += new
    return created


@transaction.atomic
def load_demo_enforcement_power(township) -> int:
    return ensure_squads(township) + ensure_officers(township) + load_demo_power_list(township)
