"""Catalog search latency over 2,000 items in one township (run with `make bench`; prints, never asserts time)."""

import random
import statistics
import time

import pytest
from django.db import connection

from services.data.demo_items import DEPARTMENT_ITEMS
from services.selectors.search import pinyin_keys, search_items
from tests.factories import DepartmentFactory, TownshipFactory
from tests.services.factories import make_item

ITEMS = 2_000
QUERIES = 300
VARIANTS = ["", "（个人）", "（企业）", "变更", "注销", "补办", "延续", "备案", "（村级代办）"]


@pytest.mark.django_db
def test_bench_catalog_search_latency():
    township = TownshipFactory()
    departments = [DepartmentFactory(township=township, code=code) for code in DEPARTMENT_ITEMS]
    names = [row[0] for rows in DEPARTMENT_ITEMS.values() for row in rows]
    made, created = [], time.perf_counter()
    for i in range(ITEMS):
        name = names[i % len(names)] + VARIANTS[(i // len(names)) % len(VARIANTS)]
        item = make_item(
            department=departments[i % len(departments)], name=name, keywords="", basic_code=f"99{i:06d}00"
        )
        made.append((name, item.basic_code))
    created = time.perf_counter() - created
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(2026)
    queries = []
    for _ in range(QUERIES):
        name, code = rng.choice(made)
        kind = rng.randrange(4)
        if kind == 0:
            queries.append(pinyin_keys(name).initials[:4])
        elif kind == 1:
            queries.append(name[1:5])
        elif kind == 2:
            queries.append(pinyin_keys(name).full[:10])
        else:
            queries.append(code)
    search_items(township=township, query=queries[0])  # warm up
    samples, hits = [], 0
    for query in queries:
        start = time.perf_counter()
        hits += bool(search_items(township=township, query=query))
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        f"\n[bench] catalog search over {ITEMS:,} items ({created:.0f} s to create), {QUERIES} mixed queries "
        f"(initials, name fragments, full pinyin, codes): p50 {statistics.median(samples):.1f} ms, "
        f"p95 {samples[int(len(samples) * 0.95)]:.1f} ms, max {samples[-1]:.1f} ms; {hits} queries found items"
    )
