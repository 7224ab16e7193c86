"""Market entities and grids for tests, with valid credit codes."""

import itertools

from grid.models.geo import Grid
from township.entities.models import MarketEntity
from township.identifiers import CREDIT_ALPHABET, credit_code_check_char
from township.org.models import Village

_serial = itertools.count(1)


def credit_code(n: int | None = None, *, prefix: str = "91", area: str = "320999") -> str:
    """A valid unified social credit code, distinct for each n."""
    n = next(_serial) if n is None else n
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(CREDIT_ALPHABET))
        body = CREDIT_ALPHABET[digit] + body
    first17 = f"{prefix}{area}{body}"
    return first17 + credit_code_check_char(first17)


def make_entity(township, **values) -> MarketEntity:
    values.setdefault("credit_code", credit_code())
    values.setdefault("name", f"测试企业{values['credit_code'][-6:]}有限公司")
    values.setdefault("legal_representative", "张三")
    return MarketEntity.objects.create(township=township, **values)


def make_grid(township, code_suffix: str = "001") -> Grid:
    village_code = f"{township.code}201"[:12]
    village, _ = Village.objects.get_or_create(
        code=village_code, defaults={"township": township, "name": f"{township.name}一村"}
    )
    return Grid.objects.create(
        township=township, village=village, code=f"{village_code}{code_suffix}", name=f"第{code_suffix}网格"
    )
