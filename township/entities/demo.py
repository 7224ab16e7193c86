"""Demo market entities: about 2,000 plausible enterprises, individual businesses and cooperatives per
township over realistic industries, with valid credit codes, spread over the township's grids.

Deterministic (seeded by the township's code) and idempotent: the same codes every run, and a code that
is already registered is left exactly as it is, so a second run creates nothing and changes nothing.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from township.entities.models import EntityKind, LicenceStatus, MarketEntity, RiskLevel
from township.identifiers import CREDIT_ALPHABET, credit_code_check_char

DEMO_COUNT = 2000

# GB/T 4754 class, industry, name stems, legal-form suffixes, share, chance of high risk
INDUSTRIES = [
    ("F5212", "超市零售", ["联华", "家家乐", "惠民", "万家福", "好又多"], ["超市", "便利店"], 14, 0.05),
    ("H6210", "正餐服务", ["老街", "湖畔", "乡味", "水乡", "聚福"], ["饭店", "酒家", "菜馆"], 12, 0.25),
    ("H6220", "快餐服务", ["李记", "王记", "阿强", "小吴", "老张"], ["面馆", "快餐店", "小吃店"], 10, 0.2),
    ("F5251", "药品零售", ["同仁", "康泰", "百姓", "益丰"], ["大药房", "药店"], 3, 0.3),
    ("F5265", "机动车燃油零售", ["石化", "中油", "通达"], ["加油站"], 1, 0.9),
    ("C3311", "金属结构制造", ["华力", "鑫达", "恒通", "宏盛"], ["钢结构", "金属制品"], 6, 0.35),
    ("C2927", "日用塑料制品制造", ["美达", "永新", "嘉诚"], ["塑料制品", "塑胶"], 5, 0.3),
    ("C1713", "棉印染精加工", ["江南", "锦绣", "丝路"], ["印染", "纺织"], 4, 0.5),
    ("E4710", "房屋建筑业", ["建工", "安居", "筑诚"], ["建设工程", "建筑工程"], 4, 0.4),
    ("G5430", "道路货物运输", ["顺达", "通途", "快捷"], ["物流", "运输"], 5, 0.3),
    ("O8070", "理发及美容服务", ["丽人", "时尚", "名剪"], ["美发店", "美容院"], 7, 0.05),
    ("R9030", "娱乐业", ["星光", "欢乐"], ["KTV", "网吧"], 2, 0.6),
    ("K7020", "物业管理", ["安心", "绿城", "和美"], ["物业服务"], 2, 0.05),
    ("P8310", "学前教育", ["小天使", "育苗", "阳光"], ["幼儿园"], 2, 0.5),
    ("A0141", "蔬菜种植", ["田园", "绿野", "丰收"], ["蔬菜种植", "果蔬"], 6, 0.05),
    ("F5231", "五金零售", ["永固", "利民"], ["五金店", "建材店"], 8, 0.05),
    ("S9221", "机动车维修", ["车之友", "快修"], ["汽车修理", "汽修"], 5, 0.35),
    ("H6110", "旅游饭店", ["湖景", "古镇"], ["宾馆", "酒店", "民宿"], 4, 0.3),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅海燕志强文斌建平玉兰晓东春花"
TRADE_CHARS = "华鑫盛达兴隆恒通宏永嘉新源泰丰瑞祥和美安康利民福顺佳诚信德金"
ROADS = ["人民路", "中山路", "建设路", "解放路", "沿河街", "工业园路", "新华路", "湖滨路", "老街", "文化路"]
# county area code: the demo county (320999)
DEFAULT_CENTRE = (Decimal("120.6200000"), Decimal("31.3200000"))


def make_credit_code(rng: random.Random, *, area: str, kind: str) -> str:
    prefix = {"enterprise": "91", "individual": "92", "cooperative": "93", "organisation": "52"}[kind]
    body = "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    first17 = f"{prefix}{area}{body}"
    return first17 + credit_code_check_char(first17)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def demo_entities(township, count: int = DEMO_COUNT, grids=()) -> list[MarketEntity]:
    rng = random.Random(f"entities-{township.code}")
    area = (township.county.code if township.county_id else township.code)[:6]
    town = township.name.removesuffix("镇").removesuffix("乡")
    weights = [row[4] for row in INDUSTRIES]
    entities, codes, names = [], set(), set()
    while len(entities) < count:
        code_cls, industry, stems, suffixes, _share, high = rng.choices(INDUSTRIES, weights=weights)[0]
        roll = rng.random()
        if code_cls.startswith("A") and roll < 0.5:
            kind, entity_kind = "cooperative", EntityKind.ORGANISATION
        elif code_cls.startswith(("H62", "F52", "O80", "S92")) and roll < 0.7:
            kind, entity_kind = "individual", EntityKind.INDIVIDUAL_BUSINESS
        else:
            kind, entity_kind = "enterprise", EntityKind.ENTERPRISE
        code = make_credit_code(rng, area=area, kind=kind)
        suffix = rng.choice(suffixes)
        person = _person(rng)
        if entity_kind == EntityKind.INDIVIDUAL_BUSINESS:
            name = f"{township.name}{person}{suffix}"
        else:
            stem = rng.choice(stems) if rng.random() < 0.3 else "".join(rng.sample(TRADE_CHARS, 2))
            legal_form = "专业合作社" if kind == "cooperative" else "有限公司"
            name = f"{town}{stem}{suffix}{legal_form}"
        if code in codes or name in names:
            continue
        codes.add(code)
        names.add(name)
        grid = grids[len(entities) % len(grids)] if grids else None
        if grid is not None and grid.label_lng is not None:
            centre = (grid.label_lng, grid.label_lat)
        else:
            centre = DEFAULT_CENTRE
        risk_roll = rng.random()
        risk = (
            RiskLevel.HIGH if risk_roll < high else (RiskLevel.LOW if risk_roll > 0.7 else RiskLevel.GENERAL)
        )
        status_roll = rng.random()
        status = (
            LicenceStatus.ACTIVE
            if status_roll < 0.93
            else LicenceStatus.SUSPENDED
            if status_roll < 0.97
            else LicenceStatus.DEREGISTERED
            if status_roll < 0.99
            else LicenceStatus.REVOKED
        )
        entities.append(
            MarketEntity(
                township=township,
                credit_code=code,
                name=name[:120],
                kind=entity_kind,
                legal_representative=person,
                phone=f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
                address=f"{township.name}{rng.choice(ROADS)}{rng.randrange(1, 400)}号",
                industry_code=code_cls,
                industry=industry,
                licence_status=status,
                risk_level=risk,
                registered_on=date(rng.randrange(1998, 2026), rng.randrange(1, 13), rng.randrange(1, 29)),
                grid=grid,
                lng=(centre[0] + Decimal(rng.randrange(-20000, 20000)) / Decimal(10**6)).quantize(
                    Decimal("1e-7")
                ),
                lat=(centre[1] + Decimal(rng.randrange(-15000, 15000)) / Decimal(10**6)).quantize(
                    Decimal("1e-7")
                ),
            )
        )
    return entities


def load_demo_entities(township, count: int = DEMO_COUNT) -> int:
    """Register the demo entities of a township; how many were new."""
    from grid.models.geo import Grid  # noqa: PLC0415 - the kernel does not import the grid app at load time

    grids = list(Grid.objects.filter(township=township, is_active=True, parent__isnull=True).order_by("code"))
    with transaction.atomic():
        before = MarketEntity.objects.filter(township=township).count()
        MarketEntity.objects.bulk_create(
            demo_entities(township, count, grids), ignore_conflicts=True, batch_size=500
        )
        return MarketEntity.objects.filter(township=township).count() - before
