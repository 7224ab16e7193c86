"""Grid benchmarks (run with `make bench`): point-in-polygon over 200 grids, and a 20,000-row base-data
import. They print, never assert on time."""

import random
import statistics
import time

import pytest

from grid.base.imports import import_base_data
from grid.demo.geo import lattice_layout
from grid.geo.services import import_boundaries
from grid.geometry import locate, locator_for
from grid.models import Grid, Person
from tests.factories import TownshipFactory, make_staff
from township.identifiers import id_number_check_char
from township.org.roles import Role

VILLAGES = [f"村{n}" for n in range(20)]


def _layout(township):
    # 20 villages of 2 × 5 cells: 200 basic grids (no specialised grid)
    return lattice_layout(
        township.code,
        origin=(120.0, 31.0),
        village_names=VILLAGES,
        villages_across=5,
        cells=(2, 5),
        specialised=False,
    )


def _percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


@pytest.mark.django_db
def test_bench_point_in_polygon_over_200_grids():
    township = TownshipFactory(code="320999103")
    t0 = time.perf_counter()
    report = import_boundaries(township=township, data=_layout(township))
    imported = time.perf_counter() - t0
    assert Grid.objects.filter(township=township).count() == report["created"] == 200
    t0 = time.perf_counter()
    locator_for(township.pk)
    built = time.perf_counter() - t0
    rnd = random.Random(7)
    # points over the whole township and a margin around it (some fall outside every grid)
    points = [(120.0 + rnd.uniform(-0.01, 0.04), 31.0 + rnd.uniform(-0.01, 0.13)) for _ in range(5000)]
    samples, outside = [], 0
    for lng, lat in points:
        t = time.perf_counter()
        found = locate(township.pk, lng, lat)
        samples.append((time.perf_counter() - t) * 1e6)
        outside += found.grid_id is None
    p50, p95 = _percentiles(samples)
    print(
        f"\n[bench] point-in-polygon over 200 grids, 5,000 points ({outside} outside every grid): "
        f"p50 {p50:.1f} µs, p95 {p95:.1f} µs; locator built in {built * 1000:.0f} ms; "
        f"GeoJSON import with all checks {imported * 1000:.0f} ms"
    )


@pytest.mark.django_db
def test_bench_base_data_import_20000_rows():
    township = TownshipFactory(code="320999104")
    import_boundaries(township=township, data=_layout(township))
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    codes = list(Grid.objects.filter(township=township).values_list("code", flat=True))
    header = ["网格编码", "户号", "姓名", "身份证号", "联系电话", "与户主关系", "特殊人群"]
    rows = [header]
    for n in range(20_000):
        # distinct 17-digit stems: region 3209xx, a birth date, a sequence
        first = f"3209{n % 100:02d}{1940 + n % 60}{1 + n % 12:02d}{1 + (n // 720) % 28:02d}{n % 1000:03d}"
        rows.append(
            [
                codes[n % 200],
                f"H{n // 3:06d}",
                f"居民{n}",
                first + id_number_check_char(first),
                "",
                "户主" if n % 3 == 0 else "家属",
                "低保" if n % 50 == 0 else "",
            ]
        )
    t0 = time.perf_counter()
    report = import_base_data(kind="persons", township=township, table=rows, by=admin)
    first_run = time.perf_counter() - t0
    assert report["created"] == 20_000 and Person.objects.filter(township=township).count() == 20_000
    t0 = time.perf_counter()
    again = import_base_data(kind="persons", township=township, table=rows, by=admin)
    second_run = time.perf_counter() - t0
    assert again["unchanged"] == 20_000
    print(
        f"\n[bench] base-data import of 20,000 persons (6,667 households, audited): first run {first_run:.1f} s "
        f"({20_000 / first_run:,.0f} rows/s), same file again (all unchanged) {second_run:.1f} s"
    )
