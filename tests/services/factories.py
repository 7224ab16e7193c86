"""Helpers that build catalog items through the real catalog actions."""

import itertools

from services.models import ItemType, MaterialType
from services.services import catalog
from tests.factories import DepartmentFactory

_codes = itertools.count(1)


def guide(**overrides) -> dict:
    data = {
        "name": "城乡居民最低生活保障申请",
        "item_type": ItemType.PAYMENT,
        "legal_limit_days": 30,
        "promised_limit_days": 20,
        "conditions": "共同生活的家庭成员人均收入低于当地最低生活保障标准。",
        "process_steps": [{"title": "申请", "description": "向便民服务中心提出申请"}],
        "faq": [{"question": "多久有结果？", "answer": "20个工作日内。"}],
        "keywords": "低保",
    }
    data.update(overrides)
    return data


def material_type(code="id-card", name="居民身份证") -> MaterialType:
    return MaterialType.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_item(
    *, township=None, department=None, publish=True, materials=None, basic_code=None, **guide_overrides
):
    department = department or DepartmentFactory(**({"township": township} if township else {}))
    if materials is None:
        materials = [
            {"name": "居民身份证", "material_type": material_type(), "copy_count": 1},
            {"name": "低保申请书", "original_count": 1},
        ]
    return catalog.create_item(
        township=department.township,
        department=department,
        basic_code=basic_code or f"05{next(_codes):05d}000",
        guide=guide(**guide_overrides),
        materials=materials,
        publish=publish,
    )
