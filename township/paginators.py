"""A paginator for work lists over large tables: it counts at most `cap` + 1 rows (one LIMIT scan that an
index can serve) instead of counting every row, and says "10,000+" beyond that."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        # SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1): stops after cap + 1 rows
        return self.object_list[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap
