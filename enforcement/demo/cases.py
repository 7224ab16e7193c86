"""Demo enforcement cases at every stage, some overdue, walked through the real services so that every
timeline, deadline and document is what the application would have made. Idempotent per township.

It uses the township's power list and squads when the power-list demo has loaded them; otherwise it
adds one demo matter and uses the enforcement bureau (ZHZF) as the squad, with the officers and the
head it needs (credentials included)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from enforcement.cases import services
from enforcement.models.cases import (
    CaseSource,
    CredentialKind,
    EnforcementCase,
    HeadChoice,
    OfficerCredential,
    RecordKind,
    ServiceMethod,
)
from enforcement.models.power import (
    DiscretionBand,
    PowerChannel,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)
from township.entities.models import EntityKind, MarketEntity
from township.identifiers import credit_code_check_char, id_number_check_char
from township.org.models import Department, StaffProfile
from township.org.roles import Role, sync_role_groups

DEMO_MARK = "【演示】"


def _id_number(seq: int) -> str:
    first17 = f"320999198{seq % 10}0315{100 + seq:03d}"[:17]
    return first17 + id_number_check_char(first17)


def _credit_code(seq: int) -> str:
    first17 = f"92320999MA1{seq:06d}"[:17]
    return first17 + credit_code_check_char(first17)


def _user(township, department, username, role, name):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": name[1:],
            "last_name": name[:1],
            "is_staff": role in (Role.DEPARTMENT_HEAD, Role.LEGAL_REVIEWER),
        },
    )
    if created:
        user.set_unusable_password()
        user.save()
    if not Group.objects.filter(name=str(role)).exists():
        sync_role_groups()
    user.groups.add(Group.objects.get(name=str(role)))
    StaffProfile.objects.get_or_create(
        user=user, defaults={"county": township.county, "township": township, "department": department}
    )
    return user


def _credential(user, township, number, kind=CredentialKind.ENFORCEMENT):
    OfficerCredential.objects.get_or_create(
        kind=kind,
        number=number,
        defaults={
            "user": user,
            "township": township,
            "valid_from": date(2024, 1, 1),
            "valid_until": date(2029, 12, 31),
            "first_appointed_on": date(2020, 5, 1),
            "legal_qualification": "A2019320000001" if kind == CredentialKind.LEGAL_REVIEW else "",
        },
    )


def _matter(township):
    version = (
        PowerMatterVersion.objects.filter(
            matter__township=township,
            status=PowerStatus.ACTIVE,
            kind=PowerKind.PENALTY,
            legal_review_required=False,
            # a general band whose lowest fine needs no legal review (the demo decides without one)
            bands__tier="general",
            bands__fine_min__gte=500,
            bands__fine_min__lt=5000,
        )
        .distinct()
        .order_by("matter__code")
        .first()
    )
    if version is not None:
        return version
    matter, _created = PowerMatter.objects.get_or_create(township=township, code="ZF-DEMO-001")
    version = PowerMatterVersion.objects.create(
        matter=matter,
        version=1,
        status=PowerStatus.ACTIVE,
        name="未经批准擅自设置大型户外广告",
        domain="城管",
        violated_provision="《城市市容和环境卫生管理条例》第十一条",
        penalty_provision="《城市市容和环境卫生管理条例》第三十六条",
        source_department="县城市管理局",
        channel=PowerChannel.HANDED_DOWN,
        issuing_organ_name=f"{township.name}人民政府",
        first_offence_exemption=True,
    )
    matter.current_version = version
    matter.save()
    for position, (tier, conditions, low, high) in enumerate(
        [
            ("minor", "面积小于2平方米并当场改正", 0, 200),
            ("general", "面积2至10平方米", 1000, 5000),
            ("severe", "面积10平方米以上或拒不改正", 5000, 20000),
        ],
        start=1,
    ):
        DiscretionBand.objects.create(
            version=version,
            tier=tier,
            conditions=conditions,
            fine_min=Decimal(low),
            fine_max=Decimal(high),
            position=position,
        )
    return version


def load_demo_cases(township) -> int:
    if EnforcementCase.objects.filter(township=township, summary__startswith=DEMO_MARK).exists():
        return 0
    bureau = Department.objects.filter(township=township, code="ZHZF").first()
    if bureau is None:
        return 0
    squad = bureau.children.order_by("code").first() or bureau
    code = township.short_code.lower()
    officers = list(
        get_user_model()
        .objects.filter(staff_profile__department=squad, groups__name=str(Role.ENFORCEMENT_OFFICER))
        .order_by("pk")[:2]
    )
    while len(officers) < 2:
        officers.append(
            _user(
                township,
                squad,
                f"{code}-officer-{len(officers) + 1}",
                Role.ENFORCEMENT_OFFICER,
                ["钱执法", "孙执法"][len(officers)],
            )
        )
    for index, officer in enumerate(officers, start=1):
        if not officer.enforcement_credentials.exists():
            _credential(officer, township, f"{township.code}{index:04d}")
    head = get_user_model().objects.filter(
        staff_profile__department=bureau, groups__name=str(Role.DEPARTMENT_HEAD)
    ).first() or _user(township, bureau, f"{code}-zfhead", Role.DEPARTMENT_HEAD, "韩局长")
    reviewer = get_user_model().objects.filter(
        staff_profile__township=township, groups__name=str(Role.LEGAL_REVIEWER)
    ).first() or _user(township, bureau, f"{code}-legal", Role.LEGAL_REVIEWER, "赵法制")
    if not reviewer.enforcement_credentials.filter(kind=CredentialKind.LEGAL_REVIEW).exists():
        _credential(reviewer, township, f"FZ{township.code}", CredentialKind.LEGAL_REVIEW)
    version = _matter(township)
    bands = {band.tier: band for band in version.bands.all()}
    general = bands.get("general") or next(iter(bands.values()))
    entities = []
    for seq, (name, person) in enumerate(
        [("明亮广告有限公司", "张伟"), ("好味来餐饮店", "刘芳"), ("顺达建材有限公司", "陈强")], start=1
    ):
        entity, _created = MarketEntity.objects.get_or_create(
            township=township,
            credit_code=_credit_code(seq + int(township.code[-3:]) * 10),
            defaults={
                "name": f"{township.name}{name}",
                "kind": EntityKind.INDIVIDUAL_BUSINESS if "店" in name else EntityKind.ENTERPRISE,
                "legal_representative": person,
                "address": f"{township.name}人民路{seq}号",
            },
        )
        entities.append(entity)
    now = timezone.now()
    officer, officer2 = officers
    fine = general.fine_min or Decimal("1000")

    def days_ago(n, hour=9):
        return (now - timedelta(days=n)).replace(hour=hour, minute=0, second=0, microsecond=0)

    def new(summary, at, **kw):
        case = services.create_clue(
            township=township,
            department=squad,
            source=kw.pop("source", CaseSource.PATROL),
            summary=DEMO_MARK + summary,
            place=kw.pop("place", f"{township.name}人民路"),
            discovered_on=at.date(),
            act_ended_on=at.date() - timedelta(days=2),
            by=officer,
            at=at,
            **kw,
        )
        services.assign_officer(case=case, officer=officer, by=officer, is_lead=True, at=at)
        services.assign_officer(case=case, officer=officer2, by=officer, at=at)
        return case

    def register(case, at, entity=None, person=None):
        if person:
            services.set_party(case=case, by=officer, person_name_=person[0], id_number=person[1], at=at)
        else:
            services.set_party(case=case, by=officer, entity=entity or entities[0], at=at)
        services.request_registration(
            case=case,
            by=officer,
            power_version=version,
            cause=version.name[:200],
            opinion="事实基本清楚，建议立案调查",
            prima_facie=True,
            penalty_due=True,
            in_jurisdiction=True,
            at=at,
        )
        return services.approve_registration(case=case, by=head, at=at + timedelta(hours=2))

    def inspect(case, at):
        services.record_investigation(
            case=case,
            by=officer,
            kind=RecordKind.SITE_INSPECTION,
            officers=[officer, officer2],
            started_at=at,
            ended_at=at + timedelta(minutes=40),
            place=case.place,
            content="现场检查：门头设置广告牌一块，约6平方米，未取得审批。",
            weather="晴",
            at=at + timedelta(hours=1),
        )

    def propose(case, at, amount=fine, **kw):
        services.propose_penalty(
            case=case,
            by=officer,
            band=kw.pop("band", general),
            fine=amount,
            facts="经查，当事人未经批准擅自设置户外广告牌约6平方米，有现场检查笔录、照片为证。",
            at=at,
            **kw,
        )
        services.conclude_investigation(
            case=case,
            by=head,
            choice=HeadChoice.PENALTY,
            report="事实清楚，证据确凿，建议给予行政处罚。",
            at=at + timedelta(hours=2),
        )

    def notify(case, at):
        return services.serve_advance_notice(case=case, by=officer, served_at=at, at=at)

    def decide(case, at):
        services.record_waiver(case=case, by=officer, at=at - timedelta(hours=3))
        return services.decide_penalty(case=case, by=head, at=at)

    count = 0
    with transaction.atomic():
        new("网格员上报：沿街店铺占道经营", days_ago(1), source=CaseSource.GRID_EVENT)
        count += 1
        new("群众投诉：夜间施工噪声扰民", days_ago(30), source=CaseSource.COMPLAINT)
        count += 1  # clue check overdue
        pending = new("巡查发现：擅自设置户外广告", days_ago(4))
        services.set_party(case=pending, by=officer, entity=entities[0], at=days_ago(4))
        services.request_registration(
            case=pending,
            by=officer,
            power_version=version,
            cause=version.name[:200],
            opinion="建议立案",
            prima_facie=True,
            penalty_due=True,
            in_jurisdiction=True,
            at=days_ago(3),
        )
        count += 1
        refused = new("热线工单：门前堆放杂物", days_ago(12), source=CaseSource.HOTLINE)
        services.refuse_registration(
            case=refused, by=head, reason="经核查已自行清理，不属于应予处罚的情形", at=days_ago(10)
        )
        count += 1
        investigating = register(
            new("巡查发现：店外违规摆放灯箱", days_ago(20)), days_ago(19), entity=entities[1]
        )
        inspect(investigating, days_ago(18))
        count += 1
        review = register(new("巡查发现：楼顶大型广告牌", days_ago(40)), days_ago(39), entity=entities[2])
        inspect(review, days_ago(38))
        propose(
            review,
            days_ago(10),
            amount=(general.fine_max or fine) + Decimal("3000"),
            deviation_reason="拒不改正，经两次责令仍未拆除",
        )
        count += 1
        notified_case = register(
            new("巡查发现：违规设置招牌", days_ago(25)), days_ago(24), person=("王小明", _id_number(1))
        )
        inspect(notified_case, days_ago(23))
        propose(notified_case, days_ago(6))
        notify(notified_case, days_ago(2))
        count += 1
        to_serve = register(new("投诉：广告牌遮挡窗户", days_ago(60)), days_ago(59), entity=entities[0])
        inspect(to_serve, days_ago(58))
        propose(to_serve, days_ago(30))
        notify(to_serve, days_ago(28))
        decide(to_serve, days_ago(16))
        count += 1  # service overdue
        unpaid = register(
            new("巡查发现：擅自悬挂横幅", days_ago(80)), days_ago(79), person=("李红", _id_number(2))
        )
        inspect(unpaid, days_ago(78))
        propose(unpaid, days_ago(60))
        notify(unpaid, days_ago(55))
        decide(unpaid, days_ago(45))
        services.serve_decision(
            case=unpaid,
            by=officer,
            method=ServiceMethod.DIRECT,
            recipient="李红",
            served_at=days_ago(44),
            at=days_ago(44),
        )
        services.publish_decision(case=unpaid, by=officer, at=days_ago(43))
        count += 1  # payment overdue, late fee running
        closed = register(new("巡查发现：门头广告未审批", days_ago(120)), days_ago(119), entity=entities[1])
        inspect(closed, days_ago(118))
        propose(closed, days_ago(100))
        notify(closed, days_ago(95))
        decide(closed, days_ago(85))
        services.serve_decision(
            case=closed,
            by=officer,
            method=ServiceMethod.DIRECT,
            recipient=entities[1].legal_representative,
            served_at=days_ago(84),
            at=days_ago(84),
        )
        services.publish_decision(case=closed, by=officer, at=days_ago(83))
        services.record_payment(
            case=closed,
            by=officer,
            paid_on=days_ago(80).date(),
            amount=closed.fine_amount or fine,
            at=days_ago(80),
        )
        services.request_closing(case=closed, by=officer, reason="罚款已缴清，案件执行完毕", at=days_ago(79))
        services.approve_closing(case=closed, by=head, at=days_ago(78))
        count += 1
        minor = bands.get("minor") or general
        # an on-the-spot fine lies in the band and within the summary procedure's 200 yuan for a person
        spot_fine = min(minor.fine_max or Decimal("50"), max(minor.fine_min or Decimal("0"), Decimal("50")))
        if spot_fine <= Decimal("200"):
            services.decide_on_the_spot(
                department=squad,
                by=officer,
                power_version=version,
                band=minor,
                form_number=f"{township.short_code}DC{now.year}0001",
                facts=DEMO_MARK + "乱张贴小广告",
                place=f"{township.name}车站路",
                fine=spot_fine,
                person_name_="周杰",
                id_number=_id_number(3),
                at=days_ago(5),
            )
        count += 1
    # a clue another organ handed to the bureau, waiting in the head's queue to be passed to a squad
    services.create_clue(
        township=township,
        department=bureau,
        source=CaseSource.TRANSFER,
        summary=DEMO_MARK + "县市场监督管理局移送：群众举报某便利店销售过期食品",
        place=f"{township.name}新华路8号",
        discovered_on=days_ago(1).date(),
        act_ended_on=days_ago(3).date(),
        by=head,
        at=days_ago(1),
    )
    count += 1
    return count
