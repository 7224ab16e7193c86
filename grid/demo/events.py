"""Demo event catalogue (reference §2 "Demo catalogue"): about 35 sub-categories with their limits.

Limits marked "illustrative" in the reference are demo values, not sourced; responsible units are demo
values too. Codes .20 and above are demo codes. Seeding is idempotent.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from grid.models import CategoryCatalogue, CategoryKind, CategoryLimit, EventCategory, LimitStep
from township.org.models import Department

WH, WD, H, D = "working_hours", "working_days", "clock_hours", "calendar_days"
E, C = CategoryKind.EVENT, CategoryKind.COMPONENT

# kind, major code, major name, minor code, minor name, other (47678) code, [(stage, amount, unit)], unit,
# local extension
CATALOGUE = [
    (
        E,
        "01",
        "市容环境",
        "01",
        "私搭乱建",
        "",
        [("停工", 4, WH), ("处罚", 7, WD), ("拆除", 20, WD)],
        "综合执法队",
        False,
    ),
    (E, "01", "市容环境", "02", "暴露垃圾", "06010", [("", 4, WH)], "环卫所", False),
    (E, "01", "市容环境", "03", "积存垃圾渣土", "06011", [("", 2, WD)], "环卫所", False),
    (E, "01", "市容环境", "04", "道路不洁", "06012", [("", 2, WH)], "环卫所", False),
    (E, "01", "市容环境", "05", "水域不洁", "", [("", 15, WD)], "水利站", False),
    (E, "01", "市容环境", "06", "绿地脏乱", "06017", [("", 4, WH)], "园林站", False),
    (E, "01", "市容环境", "07", "废弃车辆", "", [("", 5, WD)], "派出所 / 执法队", False),
    (E, "01", "市容环境", "08", "废弃家具设施", "", [("", 1, WD)], "环卫所", False),
    (E, "01", "市容环境", "09", "非装饰性树挂", "", [("", 1, WD)], "园林站", False),
    (E, "01", "市容环境", "10", "道路破损", "", [("", 3, WD)], "建管站", False),
    (E, "01", "市容环境", "12", "道路撒遗", "", [("", 4, WH)], "环卫所 / 执法队", False),
    (E, "01", "市容环境", "15", "焚烧树叶垃圾", "", [("", 2, WH)], "执法队", False),
    (E, "01", "市容环境", "16", "油烟污染", "", [("", 5, WD)], "生态环境 / 执法队", False),
    (E, "01", "市容环境", "17", "动物尸体清理", "", [("", 2, WH)], "环卫所", False),
    (E, "01", "市容环境", "20", "垃圾站（箱）满溢", "06042", [("", 4, WH)], "环卫所", False),
    (E, "01", "市容环境", "21", "非法占绿毁绿", "06045", [("", 5, WD)], "园林站 / 执法队", False),
    (E, "02", "宣传广告", "01", "非法小广告", "", [("", 1, WD)], "环卫所", False),
    (E, "02", "宣传广告", "02", "违规户外广告", "07003", [("", 5, WD)], "执法队", False),
    (E, "02", "宣传广告", "04", "街头散发小广告", "", [("", 2, WH)], "执法队", False),
    (E, "03", "施工管理", "01", "施工扰民", "", [("", 4, WH)], "执法队 / 住建", False),
    (E, "03", "施工管理", "02", "工地扬尘", "", [("", 4, WH)], "住建 / 生态环境", False),
    (E, "03", "施工管理", "20", "施工废弃料", "", [("", 1, WD)], "住建", False),
    (E, "04", "突发事件", "01", "路面塌陷", "", [("", 2, H)], "建管站", False),
    (E, "04", "突发事件", "02", "自来水管破裂", "", [("", 2, H)], "供水公司", False),
    (E, "04", "突发事件", "03", "燃气管道破裂", "", [("", 1, H)], "燃气公司", False),
    (E, "04", "突发事件", "20", "道路积水", "", [("", 4, WH)], "排水 / 环卫", False),
    (E, "05", "街面秩序", "01", "无照经营游商", "", [("", 2, WH)], "执法队", False),
    (E, "05", "街面秩序", "04", "店外经营", "09005", [("", 2, WH)], "执法队", False),
    (E, "05", "街面秩序", "05", "机动车乱停放", "", [("", 2, WH)], "交警中队", False),
    (E, "05", "街面秩序", "07", "乱堆物堆料", "06036", [("", 1, WD)], "执法队", False),
    (E, "05", "街面秩序", "10", "露天烧烤", "", [("", 2, WH)], "执法队", False),
    (E, "05", "街面秩序", "20", "占道经营", "09006", [("", 2, WH)], "执法队", False),
    (C, "1001", "公共设施", "01", "井盖移位/破损/丢失", "", [("", 6, H)], "产权单位", False),
    (C, "1001", "公共设施", "02", "井盖坍塌/渗漏", "", [("", 3, D)], "产权单位", False),
    (E, "21", "扩展事件（乡村治理）", "01", "秸秆焚烧", "", [("", 2, WH)], "执法队 / 农业站", True),
    (E, "21", "扩展事件（乡村治理）", "02", "河道漂浮物", "", [("", 1, WD)], "水利站", True),
    (E, "21", "扩展事件（乡村治理）", "03", "违规养殖", "", [("", 5, WD)], "农业站 / 生态环境", True),
]

FILING = "事件位于本镇辖区内、属于本类别，且现场照片清楚可辨。"
CLOSING = "责任单位按标准处置完毕，网格员现场核查与照片一致。"


def seed_event_catalogue(township, *, effective_from: date = date(2026, 1, 1)) -> CategoryCatalogue:
    """The demo catalogue of a township (idempotent); the enforcement bureau (ZHZF) is the responsible
    department where the catalogue names the enforcement team."""
    enforcement = Department.objects.filter(township=township, code="ZHZF").first()
    with transaction.atomic():
        catalogue, _new = CategoryCatalogue.objects.get_or_create(
            township=township,
            standard_ref="GB/T 30428.2-2013 + local:township",
            version="2026.1",
            defaults={"name": "城市管理事件部件分类（演示）", "effective_from": effective_from},
        )
        for kind, major, major_name, minor, minor_name, other, limits, unit, local in CATALOGUE:
            category, _new = EventCategory.objects.get_or_create(
                catalogue=catalogue,
                kind=kind,
                major_code=major,
                minor_code=minor,
                defaults={
                    "major_name": major_name,
                    "minor_name": minor_name,
                    "other_code": other,
                    "responsible_unit": unit,
                    "department": enforcement if unit.startswith(("执法队", "综合执法队")) else None,
                    "is_local_extension": local,
                    "filing_condition": FILING,
                    "closing_condition": CLOSING,
                },
            )
            for order, (stage, amount, limit_unit) in enumerate(limits, start=1):
                CategoryLimit.objects.get_or_create(
                    category=category,
                    step=LimitStep.HANDLE,
                    order=order,
                    defaults={"stage": stage, "amount": amount, "unit": limit_unit},
                )
    return catalogue
