"""A township with an enforcement bureau, inspectors, entities and a plan, built through the models."""

from datetime import date

from enforcement.models import InspectionMatter, InspectionPlan, Inspector, PlanStratum
from tests.entities.factories import make_entity
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from township.org.roles import Role


class Bureau:
    def __init__(self, *, inspectors=6, entities=(("high", 10), ("general", 30), ("low", 20)), township=None):
        self.township = township or TownshipFactory()
        self.department = DepartmentFactory(township=self.township, code="ZHZF", name="综合行政执法局")
        self.head = make_staff(Role.DEPARTMENT_HEAD, department=self.department)
        self.inspectors = []
        for n in range(inspectors):
            user = make_staff(Role.ENFORCEMENT_OFFICER, department=self.department)
            self.inspectors.append(
                Inspector.objects.create(
                    township=self.township,
                    user=user,
                    department=self.department,
                    code=f"32099900{n:04d}",
                    name=f"执法员{n}",
                )
            )
        self.entities = [
            make_entity(self.township, risk_level=risk, industry_code="H6210")
            for risk, count in entities
            for _ in range(count)
        ]
        self.matter = InspectionMatter.objects.create(
            township=self.township,
            department=self.department,
            code="ZHZF-CC-001",
            name="餐饮服务单位油烟排放检查",
            legal_basis="《中华人民共和国大气污染防治法》第一百一十八条",
            object_type="餐饮服务单位",
            industry_codes="H62",
            frequency="每年一次",
            ratio_percent=5,
        )

    def plan(self, *, strata=(("高风险", "high", 50), ("其他", "", 10)), team_size=2, **values):
        plan = InspectionPlan.objects.create(
            township=self.township,
            code=values.pop("code", "青综执抽查〔2026〕1号"),
            name=values.pop("name", "2026年餐饮油烟专项抽查"),
            lead_department=self.department,
            starts_on=values.pop("starts_on", date(2026, 1, 1)),
            ends_on=values.pop("ends_on", date(2026, 12, 31)),
            team_size=team_size,
            **values,
        )
        plan.matters.add(self.matter)
        for order, (name, risk, ratio) in enumerate(strata, 1):
            PlanStratum.objects.create(
                plan=plan, order=order, name=name, risk_level=risk, ratio_percent=ratio
            )
        return plan
