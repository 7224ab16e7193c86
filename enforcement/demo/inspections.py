"""Demo data of double-random inspections and credit, per demo township: about 30 inspectors (the
enforcement squads' officers and officers of market regulation, natural resources and social affairs),
40 inspection matters, a past joint plan (enforcement + market regulation, catering) with a published
draw and its results, a draft plan ready to draw, and credit records in each band, one of them repaired.

Everything goes through the services (draw, record, publish, penalty, repair). Idempotent: inspectors,
matters and plans are looked up by code, credit records by their decision number, so a second run
creates nothing. The past results are backdated (inspection and publication dates) so that the demo
has on-time and late publications; that is the only write outside the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from enforcement.credit.services import (
    apply_for_repair,
    decide_repair,
    record_integrity_finding,
    record_penalty,
)
from enforcement.demo.power import BUREAU, USERS, ensure_officers, ensure_squads
from enforcement.inspections.services import declare_conflict, draw_plan, publish_result, record_result
from enforcement.models import (
    CreditRecord,
    InspectionMatter,
    InspectionMethod,
    InspectionOutcome,
    InspectionPlan,
    InspectionTask,
    Inspector,
    PlanStratum,
    SamplingUnit,
    TaskStatus,
)
from township.casework.models import WarningLevel
from township.entities.models import LicenceStatus, MarketEntity, RiskLevel
from township.org.models import Department, StaffProfile
from township.org.roles import Role, sync_role_groups

# department code, officers from other departments: (username suffix, name, domains, leader, expert)
OTHER_INSPECTORS = {
    "SCJG": [
        ("sc1", "马市监", "食品安全", True, False),
        ("sc2", "罗市监", "食品安全", False, True),
        ("sc3", "梁市监", "药品安全", True, False),
        ("sc4", "宋市监", "药品安全", False, False),
        ("sc5", "唐市监", "特种设备", False, True),
        ("sc6", "董市监", "价格", False, False),
        ("sc7", "袁市监", "广告", False, False),
        ("sc8", "潘市监", "计量", True, False),
        ("sc9", "蒋市监", "产品质量", False, False),
        ("sc10", "蔡市监", "食品安全", False, False),
    ],
    "ZRZY": [
        ("zy1", "余自然", "土地", True, False),
        ("zy2", "杜自然", "规划", False, True),
        ("zy3", "叶自然", "土地", False, False),
        ("zy4", "程自然", "矿产", False, False),
    ],
    "SHSY": [
        ("sy1", "苏社事", "教育", True, False),
        ("sy2", "魏社事", "卫生", False, True),
        ("sy3", "丁社事", "文化旅游", False, False),
        ("sy4", "任社事", "文化旅游", False, False),
    ],
    BUREAU: [
        ("zf4a", "姚执法", "市容环卫", True, False),
        ("zf4b", "卢执法", "市容环卫", False, False),
        ("zf5a", "姜执法", "生态环境", False, True),
        ("zf5b", "曹执法", "城乡建设", False, False),
        ("zf6a", "彭执法", "燃气安全", False, False),
    ],
}

# department, name, legal basis, object, industry prefixes, frequency, ratio %, method, unit
MATTERS = [
    (
        "ZHZF",
        "餐饮服务单位油烟排放检查",
        "《中华人民共和国大气污染防治法》第八十一条、第一百一十八条",
        "餐饮服务单位",
        "H62",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "户外广告设施设置检查",
        "《城市市容和环境卫生管理条例》第十一条",
        "户外广告设置单位",
        "",
        "每半年一次",
        5,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "门前三包责任落实检查",
        "《城市市容和环境卫生管理条例》第九条",
        "沿街经营单位",
        "F52,H62,O80",
        "每季度一次",
        10,
        "site",
        "grid",
    ),
    (
        "ZHZF",
        "建筑垃圾处置检查",
        "《城市建筑垃圾管理规定》第十三条",
        "建筑施工单位",
        "E47",
        "每季度一次",
        20,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "施工工地扬尘污染防治检查",
        "《中华人民共和国大气污染防治法》第六十九条",
        "建筑施工单位",
        "E47",
        "每月一次",
        50,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "燃气经营和使用安全检查",
        "《城镇燃气管理条例》第二十八条",
        "燃气使用单位",
        "H61,H62",
        "每半年一次",
        10,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "占道经营检查",
        "《城市道路管理条例》第二十七条",
        "沿街经营单位",
        "F52",
        "每月一次",
        50,
        "site",
        "grid",
    ),
    (
        "ZHZF",
        "违法建设巡查",
        "《中华人民共和国城乡规划法》第六十四条",
        "建设单位",
        "",
        "每月一次",
        50,
        "site",
        "grid",
    ),
    (
        "ZHZF",
        "生活垃圾分类投放检查",
        "《江苏省生活垃圾管理条例》第二十六条",
        "产生生活垃圾的单位",
        "",
        "每季度一次",
        5,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "噪声污染防治检查",
        "《中华人民共和国噪声污染防治法》第六十五条",
        "娱乐场所、施工单位",
        "R90,E47",
        "每半年一次",
        10,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "排水许可执行情况检查",
        "《城镇排水与污水处理条例》第二十一条",
        "排水户",
        "C17,S92",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "ZHZF",
        "物业服务区域违法行为检查",
        "《物业管理条例》第四十九条",
        "物业服务企业",
        "K70",
        "每年一次",
        10,
        "paper",
        "entity",
    ),
    (
        "SCJG",
        "食品经营许可事项检查",
        "《中华人民共和国食品安全法》第三十五条",
        "食品经营者",
        "F52,H62",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "餐饮服务食品安全检查",
        "《中华人民共和国食品安全法》第五十五条",
        "餐饮服务提供者",
        "H62",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "药品经营质量管理规范检查",
        "《中华人民共和国药品管理法》第五十三条",
        "药品零售企业",
        "F5251",
        "每年一次",
        20,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "特种设备使用登记检查",
        "《中华人民共和国特种设备安全法》第三十三条",
        "特种设备使用单位",
        "C33,C29,H61",
        "每年一次",
        10,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "计量器具检定检查",
        "《中华人民共和国计量法》第九条",
        "加油站、集贸市场",
        "F5265,F52",
        "每年一次",
        20,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "明码标价检查",
        "《中华人民共和国价格法》第十三条",
        "经营者",
        "F52,H62,O80",
        "每年一次",
        3,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "广告发布行为检查",
        "《中华人民共和国广告法》第五十五条",
        "广告主、广告发布者",
        "",
        "每年一次",
        3,
        "paper",
        "entity",
    ),
    (
        "SCJG",
        "企业公示信息真实性检查",
        "《企业信息公示暂行条例》第十四条",
        "企业",
        "",
        "每年一次",
        3,
        "paper",
        "entity",
    ),
    (
        "SCJG",
        "产品质量监督抽查",
        "《中华人民共和国产品质量法》第十五条",
        "生产企业",
        "C",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "网络交易经营者检查",
        "《中华人民共和国电子商务法》第十五条",
        "网络交易经营者",
        "F52",
        "每年一次",
        3,
        "online",
        "entity",
    ),
    (
        "SCJG",
        "化妆品经营检查",
        "《化妆品监督管理条例》第三十八条",
        "化妆品经营者",
        "O80,F52",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "食品生产企业检查",
        "《中华人民共和国食品安全法》第四十四条",
        "食品生产企业",
        "C13,C14",
        "每年两次",
        20,
        "site",
        "entity",
    ),
    (
        "SCJG",
        "营业执照登记事项检查",
        "《中华人民共和国市场主体登记管理条例》第三十五条",
        "市场主体",
        "",
        "每年一次",
        3,
        "paper",
        "entity",
    ),
    (
        "ZRZY",
        "土地利用情况检查",
        "《中华人民共和国土地管理法》第六十七条",
        "用地单位",
        "C,E47",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "ZRZY",
        "建设工程规划许可执行检查",
        "《中华人民共和国城乡规划法》第五十三条",
        "建设单位",
        "E47",
        "每年一次",
        10,
        "site",
        "entity",
    ),
    (
        "ZRZY",
        "耕地保护检查",
        "《中华人民共和国土地管理法》第三十七条",
        "农业经营主体",
        "A01",
        "每年一次",
        5,
        "site",
        "grid",
    ),
    (
        "ZRZY",
        "设施农业用地检查",
        "《自然资源部 农业农村部关于设施农业用地管理有关问题的通知》",
        "设施农业经营者",
        "A01",
        "每年一次",
        10,
        "site",
        "entity",
    ),
    (
        "ZRZY",
        "临时用地复垦检查",
        "《中华人民共和国土地管理法实施条例》第二十条",
        "临时用地单位",
        "E47",
        "每年一次",
        20,
        "site",
        "entity",
    ),
    (
        "ZRZY",
        "测量标志保护检查",
        "《中华人民共和国测绘法》第四十一条",
        "建设单位",
        "E47",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "民办幼儿园办园行为检查",
        "《幼儿园管理条例》第二十七条",
        "幼儿园",
        "P83",
        "每年一次",
        20,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "公共场所卫生检查",
        "《公共场所卫生管理条例》第六条",
        "公共场所经营者",
        "O80,H61,R90",
        "每年一次",
        5,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "娱乐场所经营行为检查",
        "《娱乐场所管理条例》第四十一条",
        "娱乐场所",
        "R90",
        "每半年一次",
        20,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "旅馆业治安和卫生检查",
        "《旅馆业治安管理办法》第四条",
        "旅馆",
        "H61",
        "每年一次",
        10,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "用人单位劳动用工检查",
        "《劳动保障监察条例》第十一条",
        "用人单位",
        "C,E47,G54",
        "每年一次",
        3,
        "paper",
        "entity",
    ),
    (
        "SHSY",
        "校外培训机构检查",
        "《中华人民共和国民办教育促进法》第四十一条",
        "培训机构",
        "P8",
        "每半年一次",
        10,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "文物保护单位安全检查",
        "《中华人民共和国文物保护法》第二十六条",
        "文物使用单位",
        "",
        "每年一次",
        20,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "网吧经营行为检查",
        "《互联网上网服务营业场所管理条例》第二十一条",
        "上网服务营业场所",
        "R90",
        "每季度一次",
        20,
        "site",
        "entity",
    ),
    (
        "SHSY",
        "医疗机构执业检查",
        "《医疗机构管理条例》第四十条",
        "医疗机构",
        "Q",
        "每年一次",
        10,
        "site",
        "entity",
    ),
]

PLAN_PERIOD = (date(2026, 9, 1), date(2026, 10, 31))
OUTCOMES = [
    (InspectionOutcome.NO_PROBLEM, ""),
    (InspectionOutcome.NO_PROBLEM, ""),
    (InspectionOutcome.NO_PROBLEM, ""),
    (InspectionOutcome.CORRECTED, "油烟净化装置未按期清洗，现场督促清洗并留存记录。"),
    (InspectionOutcome.ORDERED, "后厨生熟食品未分开存放，消毒记录缺失，责令限期整改。"),
    (InspectionOutcome.NO_PROBLEM, ""),
    (InspectionOutcome.NOT_FOUND, "登记地址已改作他用，经营者未到场。"),
    (InspectionOutcome.NO_PROBLEM, ""),
]


def _prefix(township) -> str:
    return township.short_code.lower()


def ensure_inspectors(township) -> int:
    """The register: every enforcement officer and the head of the bureau (not the legal reviewer), and
    the other departments' officers (created as users if new)."""
    sync_role_groups()
    User = get_user_model()
    departments = {d.code: d for d in Department.objects.filter(township=township)}
    bureau = departments[BUREAU]
    existing = set(Inspector.objects.filter(township=township).values_list("code", flat=True))
    area = township.code[:6]
    created = 0
    serial = 0
    rows = [
        (
            username,
            full_name,
            bureau,
            "综合执法",
            role == Role.DEPARTMENT_HEAD or username.endswith("a"),
            False,
        )
        for username, role, _department, full_name, _phone in USERS.get(township.short_code, [])
        if role in (Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_HEAD)
    ]
    for code, people in OTHER_INSPECTORS.items():
        for suffix, full_name, domains, leader, expert in people:
            rows.append(
                (f"{_prefix(township)}-{suffix}", full_name, departments.get(code), domains, leader, expert)
            )
    for username, full_name, department, domains, leader, expert in rows:
        serial += 1
        certificate = f"{area}{serial:06d}"
        if department is None or certificate in existing:
            continue
        user, new = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        if new:
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=str(Role.ENFORCEMENT_OFFICER)))
            StaffProfile.objects.get_or_create(
                user=user,
                defaults={"county": township.county, "township": township, "department": department},
            )
        if Inspector.objects.filter(township=township, user=user).exists():
            continue
        Inspector.objects.create(
            township=township,
            user=user,
            department=department,
            code=certificate,
            name=full_name,
            domains=domains,
            is_leader=leader,
            is_expert=expert,
        )
        created += 1
    return created


def ensure_matters(township) -> int:
    departments = {d.code: d for d in Department.objects.filter(township=township)}
    existing = set(InspectionMatter.objects.filter(township=township).values_list("code", flat=True))
    created = 0
    numbers: dict[str, int] = {}
    for department, name, basis, target, industries, frequency, ratio, method, unit in MATTERS:
        numbers[department] = numbers.get(department, 0) + 1
        code = f"{department}-SJ-{numbers[department]:03d}"
        if code in existing or department not in departments:
            continue
        InspectionMatter.objects.create(
            township=township,
            department=departments[department],
            code=code,
            name=name,
            legal_basis=basis,
            method=InspectionMethod(method),
            object_type=target,
            industry_codes=industries,
            frequency=frequency,
            ratio_percent=ratio,
            unit=SamplingUnit(unit),
        )
        created += 1
    return created


def _plan(township, *, code, name, period, matters, strata, created_by) -> tuple[InspectionPlan, bool]:
    plan = InspectionPlan.objects.filter(township=township, code=code).first()
    if plan is not None:
        return plan, False
    plan = InspectionPlan.objects.create(
        township=township,
        code=code,
        name=name,
        lead_department=Department.objects.get(township=township, code=BUREAU),
        starts_on=period[0],
        ends_on=period[1],
        industry_codes="H62",
        team_size=2,
        requires_leader=True,
        created_by=created_by,
    )
    plan.matters.set(InspectionMatter.objects.filter(township=township, code__in=matters))
    for order, (stratum, risk, ratio) in enumerate(strata, 1):
        PlanStratum.objects.create(plan=plan, order=order, name=stratum, risk_level=risk, ratio_percent=ratio)
    return plan, True


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def ensure_past_joint_plan(township) -> int:
    """A joint plan of the bureau and market regulation on catering, drawn, inspected and mostly
    published: most on time, one published late, two recorded and still unpublished (late now)."""
    head = get_user_model().objects.get(username=USERS[township.short_code][0][0])
    year = PLAN_PERIOD[0].year
    plan, new = _plan(
        township,
        code=f"{township.short_code}综执联抽〔{year}〕1号",
        name=f"{year}年餐饮服务单位跨部门联合抽查",
        period=PLAN_PERIOD,
        matters=["ZHZF-SJ-001", "ZHZF-SJ-006", "SCJG-SJ-002"],
        strata=[("高风险", RiskLevel.HIGH, 10), ("其他", "", 3)],
        created_by=head,
    )
    if not new:
        return 0
    # two declared conflicts before the draw: they are kept out of those entities' teams
    inspectors = list(
        Inspector.objects.filter(township=township, department__code=BUREAU).order_by("code")[:2]
    )
    for inspector, entity in zip(
        inspectors,
        MarketEntity.objects.filter(township=township, industry_code__startswith="H62").order_by(
            "credit_code"
        )[:2],
        strict=False,
    ):
        declare_conflict(inspector=inspector, entity=entity, reason="近亲属经营")
    draw = draw_plan(plan=plan, by=head, seed=f"{PLAN_PERIOD[0]:%Y-%m-%d} 福彩3D 第{year}235期 开奖号 4 0 7")
    rng = random.Random(f"inspections-{township.code}")
    tasks = list(draw.tasks.prefetch_related("inspectors__user").order_by("pk"))
    for index, task in enumerate(tasks):
        outcome, findings = OUTCOMES[index % len(OUTCOMES)]
        inspected_on = PLAN_PERIOD[0] + timedelta(days=rng.randrange(3, 50))
        member = task.inspectors.all()[0].user
        record_result(
            task=task,
            by=member,
            outcome=outcome,
            findings=findings,
            inspected_on=inspected_on,
            correct_by=inspected_on + timedelta(days=15) if outcome == InspectionOutcome.ORDERED else None,
        )
        if index >= len(tasks) - 2:
            continue  # recorded, not yet published: past the limit now
        publish_result(task=task, by=head)
        delay = 45 if index == len(tasks) - 3 else rng.randrange(3, 15)
        task.refresh_from_db()
        published_at = _at(inspected_on + timedelta(days=delay))
        late = published_at.date() > task.publish_by
        InspectionTask.objects.filter(pk=task.pk).update(
            recorded_at=_at(inspected_on, 17),
            published_at=published_at,
            clock_stopped_at=published_at,
            warning_level=WarningLevel.RED if late else WarningLevel.NORMAL,
            warning_changed_at=published_at if late else None,
        )
    return 1 + len(tasks)


def ensure_draft_plan(township) -> int:
    head = get_user_model().objects.get(username=USERS[township.short_code][0][0])
    _plan_row, new = _plan(
        township,
        code=f"{township.short_code}综执抽〔2026〕2号",
        name="2026年第四季度餐饮油烟与燃气安全抽查",
        period=(date(2026, 11, 15), date(2026, 12, 31)),
        matters=["ZHZF-SJ-001", "ZHZF-SJ-006"],
        strata=[("高风险", RiskLevel.HIGH, 20), ("其他", "", 5)],
        created_by=head,
    )
    return int(new)


# band, decision date, summary
PENALTIES = [
    ("minor", date(2026, 10, 12), "占道经营，责令改正并处警告"),
    ("minor", date(2026, 6, 3), "门前三包责任未落实，处警告"),
    ("general", date(2026, 9, 20), "餐饮油烟未经净化直接排放，罚款5,000元"),
    ("general", date(2026, 3, 10), "擅自设置户外广告设施，罚款2,000元"),  # repaired
    ("general", date(2026, 1, 15), "违规处置建筑垃圾，罚款20,000元"),
    ("serious", date(2026, 5, 8), "燃气使用单位未安装可燃气体报警装置，罚款50,000元"),
    ("serious", date(2025, 7, 22), "未经许可从事食品经营，没收违法所得并罚款100,000元"),
    ("serious", date(2023, 4, 18), "违法建设，拆除并罚款80,000元"),  # past its maximum: no longer shown
]
REPAIRED = 3


def ensure_credit_records(township) -> int:
    """Penalties in each band on the first active entities, an integrity finding, and one repair."""
    head = get_user_model().objects.get(username=USERS[township.short_code][0][0])
    bureau = Department.objects.get(township=township, code=BUREAU)
    entities = list(
        MarketEntity.objects.filter(township=township, licence_status=LicenceStatus.ACTIVE).order_by(
            "industry_code", "credit_code"
        )[: len(PENALTIES) + 1]
    )
    if len(entities) <= len(PENALTIES):
        return 0
    before = CreditRecord.objects.filter(township=township).count()
    records = []
    for index, (band, decided_on, summary) in enumerate(PENALTIES):
        records.append(
            record_penalty(
                entity=entities[index],
                department=bureau,
                band=band,
                decision_number=f"{township.short_code}综执罚决字〔{decided_on.year}〕{index + 11}号",
                decided_on=decided_on,
                summary=summary,
                by=head,
            )
        )
    record_integrity_finding(
        entity=entities[-1],
        department=Department.objects.get(township=township, code="ZHZX"),
        decided_on=date(2026, 8, 5),
        summary="申请食品经营许可时提交虚假场地证明材料",
        by=head,
        reference=f"{township.short_code}-integrity-2026-1",
    )
    repaired = records[REPAIRED]
    if repaired.repaired_at is None and not repaired.repairs.exists():
        repair = apply_for_repair(
            record=repaired,
            corrected=True,
            duties_performed=True,
            commitment_signed=True,
            evidence="已拆除违规广告设施，罚款已于2026年3月25日缴清（缴款书号3209992026000123）。",
            applied_on=date(2026, 7, 1),
        )
        decide_repair(
            repair=repair,
            by=head,
            grant=True,
            reasons="最短公示期已满，违法行为已纠正，罚款已缴清，已签署信用承诺书，准予信用修复。",
        )
    return CreditRecord.objects.filter(township=township).count() - before


@transaction.atomic
def load_demo_inspections(township) -> int:
    if township.short_code not in USERS:
        return 0
    ensure_squads(township)
    ensure_officers(township)
    return (
        ensure_inspectors(township)
        + ensure_matters(township)
        + ensure_past_joint_plan(township)
        + ensure_draft_plan(township)
        + ensure_credit_records(township)
    )


def demo_counts(township) -> dict:
    return {
        "inspectors": Inspector.objects.filter(township=township).count(),
        "matters": InspectionMatter.objects.filter(township=township).count(),
        "tasks": InspectionTask.objects.filter(township=township)
        .exclude(status=TaskStatus.CANCELLED)
        .count(),
        "credit": CreditRecord.objects.filter(township=township).count(),
    }
