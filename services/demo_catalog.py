"""The demo service catalog: about 230 realistic township items, three bundles, published.

Everything is written through the catalog actions (services.services.catalog). Loading is idempotent: an
item whose basic code already exists in the township, and a bundle whose code already exists, are
left exactly as they are, so a second run creates nothing and changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from services.data import demo_items as data
from services.models import (
    Bundle,
    DelegatedLevel,
    Delivery,
    ItemType,
    MaterialSource,
    MaterialType,
    Medium,
    Necessity,
    ServiceItem,
    ServiceObject,
)
from services.services import catalog
from township.org.models import Department

HOURS = "周一至周五 上午8:30-12:00，下午13:30-17:30（法定节假日除外）"
COMPLAINT_PHONE = "12345"


@dataclass(frozen=True)
class DemoItem:
    department: str
    index: int
    name: str
    item_type: str
    legal_limit_days: int
    promised_limit_days: int
    flags: str
    materials: str
    keywords: str = ""

    @property
    def basic_code(self) -> str:
        """Type, department number and row number: the same in every township, never reused."""
        return f"{self.item_type}{data.DEPARTMENT_NUMBERS[self.department]:02d}{self.index:03d}000"


def demo_items() -> list[DemoItem]:
    rows = []
    for department, table in data.DEPARTMENT_ITEMS.items():
        for index, row in enumerate(table, 1):
            rows.append(DemoItem(department, index, *row))
    return rows


def ensure_material_types() -> tuple[dict[str, MaterialType], int]:
    """The demo material library by table key, and how many types were new."""
    types, created = {}, 0
    for key, (code, name, _originals, _copies) in data.MATERIAL_TYPES.items():
        types[key], new = MaterialType.objects.get_or_create(code=code, defaults={"name": name})
        created += new
    return types, created


def parse_materials(text: str, types: dict[str, MaterialType]) -> list[dict]:
    """The catalog's material rows for a table's material string (see services.data.demo_items)."""
    rows = []
    for token in text.split():
        necessity, source, condition = Necessity.REQUIRED, MaterialSource.APPLICANT, ""
        if token.startswith("~"):
            necessity, token = Necessity.OPTIONAL, token[1:]
        elif token.startswith("@"):
            source, token = MaterialSource.SHARED_DATA, token[1:]
        if "?" in token:
            token, condition = token.split("?", 1)
            necessity = Necessity.CONDITIONAL
        key, _, own_name = token.partition(":")
        if key in data.MATERIAL_TYPES:
            _code, type_name, originals, copies = data.MATERIAL_TYPES[key]
            row = {
                "name": own_name or type_name,
                "material_type": types[key],
                "original_count": originals,
                "copy_count": copies,
            }
        else:
            row = {"name": token, "original_count": 1, "copy_count": 0}
        if source == MaterialSource.SHARED_DATA:
            row.update(source=source, medium=Medium.ELECTRONIC, original_count=0, copy_count=0)
            row["notes"] = "通过数据共享获取，无需提交。"
        row["necessity"] = necessity
        if condition:
            row["condition"] = condition
        rows.append(row)
    return rows


def process_steps(item: DemoItem) -> list[dict]:
    immediate = item.promised_limit_days == 0
    apply = {
        "title": "申请",
        "description": "申请人通过网上平台或到便民服务中心窗口提交申请材料。"
        if "o" in item.flags
        else "申请人到便民服务中心综合窗口提交申请材料。",
    }
    accept = {"title": "受理", "description": "窗口工作人员核验材料，材料齐全、符合法定形式的予以受理。"}
    if immediate:
        return [apply, accept, {"title": "办结", "description": "当场办结并告知或送达办理结果。"}]
    finish = {
        "title": "办结送达",
        "description": f"承诺{item.promised_limit_days}个工作日内办结，结果通过窗口领取或邮寄送达。",
    }
    if "c" in item.flags:
        return [
            apply,
            accept,
            {"title": "初审报送", "description": "镇相关部门初审后将材料报送县级主管部门。"},
            {"title": "县级审批", "description": "县级主管部门审核并作出决定。"},
            finish,
        ]
    if item.item_type == ItemType.PAYMENT:
        return [
            apply,
            {"title": "村（社区）初审", "description": "村（居）民委员会入户调查并提出初审意见。"},
            {"title": "审核公示", "description": "镇相关部门审核，在村（社区）公示7天。"},
            {"title": "审批", "description": "对公示无异议的作出批准决定。"},
            {"title": "发放", "description": "资金按月或一次性发放至申请人银行账户或社会保障卡。"},
        ]
    if item.item_type == ItemType.LICENSING:
        return [
            apply,
            accept,
            {"title": "审查", "description": "审查申请材料，需要时进行现场勘查。"},
            {"title": "决定", "description": "依法作出准予许可或不予许可的决定。"},
            finish,
        ]
    return [apply, accept, {"title": "审核", "description": "相关部门审核办理。"}, finish]


def faq(item: DemoItem) -> list[dict]:
    entries = [{"question": q, "answer": a} for q, a in data.FAQ.get(item.name, [])]
    if item.promised_limit_days == 0:
        entries.append({"question": "多长时间能办好？", "answer": "材料齐全、符合法定形式的，窗口当场办结。"})
    else:
        entries.append(
            {
                "question": "多长时间能办好？",
                "answer": f"法定办结时限{item.legal_limit_days}个工作日，承诺{item.promised_limit_days}个工作日内办结；"
                "公示、现场勘查等特别程序的时间不计算在内。",
            }
        )
    if "o" in item.flags:
        entries.append(
            {
                "question": "可以网上办理吗？",
                "answer": "可以。登录本镇“一网通办”平台在线提交材料，进度可随时查询。",
            }
        )
    return entries


# Results a self-service terminal hands out (proofs and registrations nobody signs for at a window),
# as Jiangyin's self-service area prints social-security statements and payment proofs.
SELF_SERVICE_PRINT = frozenset(
    {
        "城乡居民基本养老保险参保登记",
        "城乡居民基本养老保险参保信息变更",
        "城乡居民基本养老保险待遇资格认证",
        "农产品产地证明开具",
        "统计信息查询服务",
    }
)


def guide(item: DemoItem, township) -> dict:
    flags = item.flags
    immediate = item.promised_limit_days == 0
    online = "o" in flags
    fees, fee_basis = data.FEES.get(item.name, ("", ""))
    if "c" in flags:
        level = DelegatedLevel.COUNTY_IN_TOWN
    elif "v" in flags:
        level = DelegatedLevel.VILLAGE
    else:
        level = DelegatedLevel.TOWN
    if "L" in flags:
        service_object = ServiceObject.LEGAL_PERSON
    elif "B" in flags:
        service_object = ServiceObject.BOTH
    else:
        service_object = ServiceObject.PERSON
    two_visits = "2" in flags
    return {
        "name": item.name,
        "item_type": item.item_type,
        "delegated_level": level,
        "service_object": service_object,
        "legal_basis": data.LEGAL_BASIS.get(item.name, ""),
        "conditions": data.CONDITIONS.get(item.name, ""),
        "special_procedures": "公示7天，公示时间不计入办理时限。"
        if item.item_type == ItemType.PAYMENT
        else "",
        "legal_limit_days": item.legal_limit_days,
        "promised_limit_days": item.promised_limit_days,
        "is_immediate": immediate,
        "yellow_threshold_days": min(2, max(item.promised_limit_days - 1, 0)),
        "is_free": "f" not in flags,
        "fees": fees,
        "fee_basis": fee_basis,
        "allows_online": online,
        "at_most_one_visit": not two_visits,
        "visits_required": 2 if two_visits else 1,
        "delivery_options": [Delivery.WINDOW, Delivery.POST]
        if online and not immediate
        else [Delivery.WINDOW],
        "self_service_print": item.name in SELF_SERVICE_PRINT,
        "process_steps": process_steps(item),
        "faq": faq(item),
        "place": township.hall_address or f"{township.name}便民服务中心",
        "hours": HOURS,
        "enquiry_phone": township.hall_phone,
        "complaint_phone": COMPLAINT_PHONE,
        "keywords": item.keywords,
    }


@transaction.atomic
def load_demo_catalog(township) -> int:
    """Load the demo catalog into a township; the number of new rows (material types, items,
    bundles). Items of departments the township lacks are skipped."""
    types, created = ensure_material_types()
    departments = {d.code: d for d in Department.objects.filter(township=township)}
    existing = set(ServiceItem.objects.filter(township=township).values_list("basic_code", flat=True))
    for item in demo_items():
        department = departments.get(item.department)
        if department is None or item.basic_code in existing:
            continue
        catalog.create_item(
            township=township,
            department=department,
            basic_code=item.basic_code,
            guide=guide(item, township),
            materials=parse_materials(item.materials, types),
            publish=True,
        )
        existing.add(item.basic_code)
        created += 1
    created += _load_bundles(township)
    return created


def _load_bundles(township) -> int:
    codes = {(item.department, item.name): item.basic_code for item in demo_items()}
    known = set(Bundle.objects.filter(township=township).values_list("code", flat=True))
    created = 0
    for code, name, description, members in data.BUNDLES:
        if code in known:
            continue
        wanted = [codes[member] for member in members]
        by_code = {
            item.basic_code: item
            for item in ServiceItem.objects.listed().filter(township=township, basic_code__in=wanted)
        }
        items = [by_code[basic_code] for basic_code in wanted if basic_code in by_code]
        if len(items) < 2:
            continue
        catalog.create_bundle(township=township, code=code, name=name, items=items, description=description)
        created += 1
    return created
