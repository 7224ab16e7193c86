"""A bureau with two squads (Department children), officers with enforcement IDs, a head, a legal
reviewer, a matter of the power list with discretion bands, and a market entity."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from enforcement.models.cases import CredentialKind, OfficerCredential
from enforcement.models.power import (
    DiscretionBand,
    PowerChannel,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.entities.models import EntityKind, MarketEntity
from township.org.roles import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
PERSON_ID = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def credential(user, township, number, kind=CredentialKind.ENFORCEMENT, **extra):
    return OfficerCredential.objects.create(
        user=user,
        township=township,
        kind=kind,
        number=number,
        valid_from=date(2024, 1, 1),
        valid_until=date(2029, 12, 31),
        **extra,
    )


def power_matter(township, *, code="CG-001", legal_review=False, first_offence=True):
    matter = PowerMatter.objects.create(township=township, code=code)
    version = PowerMatterVersion.objects.create(
        matter=matter,
        version=1,
        status=PowerStatus.ACTIVE,
        name="未经批准擅自设置户外广告",
        domain="城管",
        violated_provision="《城市市容和环境卫生管理条例》第十一条",
        penalty_provision="《城市市容和环境卫生管理条例》第三十六条第一款",
        source_department="县城市管理局",
        channel=PowerChannel.HANDED_DOWN,
        issuing_organ_name=f"{township.name}人民政府",
        first_offence_exemption=first_offence,
        legal_review_required=legal_review,
    )
    matter.current_version = version
    matter.save()
    bands = {
        "minor": DiscretionBand.objects.create(
            version=version,
            tier="minor",
            conditions="面积小于2平方米，及时改正",
            fine_min=Decimal("0"),
            fine_max=Decimal("200"),
            position=1,
        ),
        "general": DiscretionBand.objects.create(
            version=version,
            tier="general",
            conditions="面积2至10平方米",
            fine_min=Decimal("1000"),
            fine_max=Decimal("5000"),
            position=2,
        ),
        "severe": DiscretionBand.objects.create(
            version=version,
            tier="severe",
            conditions="面积10平方米以上或拒不改正",
            fine_min=Decimal("5000"),
            fine_max=Decimal("20000"),
            position=3,
        ),
    }
    return version, bands


@dataclass
class World:
    township: object
    bureau: object
    squad: object
    other_squad: object
    officer: object
    officer2: object
    officer3: object
    outsider: object
    head: object
    reviewer: object
    version: object
    bands: dict
    entity: object


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> World:
    township = TownshipFactory(short_code="QS", name="青山镇")
    bureau = DepartmentFactory(township=township, code="ZFJ", name="综合行政执法局")
    squad = DepartmentFactory(township=township, code="ZD1", name="第一中队", parent=bureau)
    other_squad = DepartmentFactory(township=township, code="ZD2", name="第二中队", parent=bureau)
    officer = make_staff(Role.ENFORCEMENT_OFFICER, department=squad, username="officer1")
    officer.first_name, officer.last_name = "建国", "李"
    officer.save()
    officer2 = make_staff(Role.ENFORCEMENT_OFFICER, department=squad, username="officer2")
    officer3 = make_staff(Role.ENFORCEMENT_OFFICER, department=squad, username="officer3")
    outsider = make_staff(Role.ENFORCEMENT_OFFICER, department=other_squad, username="officer9")
    head = make_staff(Role.DEPARTMENT_HEAD, department=bureau, username="head")
    reviewer = make_staff(Role.LEGAL_REVIEWER, department=bureau, username="reviewer")
    for number, user in enumerate((officer, officer2, officer3, outsider), start=1):
        credential(user, township, f"32010000{number}")
    credential(
        reviewer,
        township,
        "FZ-001",
        CredentialKind.LEGAL_REVIEW,
        first_appointed_on=date(2022, 3, 1),
        legal_qualification="A20213201000001",
    )
    version, bands = power_matter(township)
    entity = MarketEntity.objects.create(
        township=township,
        credit_code=CREDIT_CODE,
        name="青山镇明亮广告有限公司",
        kind=EntityKind.ENTERPRISE,
        legal_representative="张伟",
        address="青山镇人民路1号",
    )
    return World(
        township,
        bureau,
        squad,
        other_squad,
        officer,
        officer2,
        officer3,
        outsider,
        head,
        reviewer,
        version,
        bands,
        entity,
    )
