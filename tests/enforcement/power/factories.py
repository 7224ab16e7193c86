"""Power-list rows built through the power-list services."""

from decimal import Decimal

from enforcement.models import PowerChannel, PowerKind
from enforcement.power import services
from tests.factories import TownshipFactory

CONTENT = {
    "name": "擅自占用城市道路经营",
    "kind": PowerKind.PENALTY,
    "domain": "城管",
    "violated_provision": "《城市道路管理条例》第二十七条第（七）项",
    "penalty_provision": "《城市道路管理条例》第四十二条",
    "legal_penalty": "责令限期改正，可以处2万元以下的罚款",
    "source_department": "江南县城市管理局",
    "channel": PowerChannel.HANDED_DOWN,
    "channel_reference": "苏政发〔2025〕18号",
    "issuing_organ_name": "青石镇人民政府",
    "first_offence_exemption": True,
    "measure_label": "占道面积（平方米）",
}

BANDS = [
    {
        "tier": "none",
        "conditions": "首次违法，面积较小，及时改正，未造成危害后果",
        "harm_levels": ["none"],
        "first_offence_only": True,
        "requires_correction": True,
    },
    {
        "tier": "lesser",
        "conditions": "占道面积不足5平方米，危害后果轻微",
        "fine_min": Decimal("0"),
        "fine_max": Decimal("4000"),
        "harm_levels": ["none", "minor"],
        "measure_below": Decimal("5"),
    },
    {
        "tier": "general",
        "conditions": "占道面积5平方米以上不足20平方米",
        "fine_min": Decimal("4000"),
        "fine_max": Decimal("12000"),
        "measure_min": Decimal("5"),
        "measure_below": Decimal("20"),
    },
    {
        "tier": "severe",
        "conditions": "占道面积20平方米以上，或造成严重后果",
        "fine_min": Decimal("12000"),
        "fine_max": Decimal("20000"),
        "measure_min": Decimal("20"),
    },
]


def make_matter(*, township=None, code="ZF-CG-001", publish=True, bands=None, **content):
    township = township or TownshipFactory()
    return services.create_matter(
        township=township,
        code=code,
        content={**CONTENT, **content},
        bands=BANDS if bands is None else bands,
        publish=publish,
    )
