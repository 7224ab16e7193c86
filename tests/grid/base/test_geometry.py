"""Grids on a map: the GeoJSON import checks (all or nothing, each fault named) and point-in-polygon."""

import copy

import pytest

from grid.demo.geo import demo_layout
from grid.errors import BoundaryImportRejected
from grid.geo.services import import_boundaries
from grid.geometry import locate
from grid.models import Grid
from tests.factories import TownshipFactory
from tests.grid.base.helpers import feature, make_grids, square, two_by_two
from township.org.models import Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    return TownshipFactory(code="320999101")


def test_point_inside_one_grid(township):
    grids = make_grids(township)
    found = locate(township.pk, 120.005, 31.015)
    assert (found.grid_id, found.how) == (grids["001"].pk, "inside")
    assert locate(township.pk, 120.015, 31.005).grid_id == grids["004"].pk


def test_point_on_a_shared_border_goes_to_the_lowest_code(township):
    grids = make_grids(township)
    # on the border between 001 (west) and 002 (east)
    on_edge = locate(township.pk, 120.01, 31.015)
    assert on_edge.how == "border"
    assert on_edge.grid_id == grids["001"].pk
    assert set(on_edge.candidates) == {grids["001"].pk, grids["002"].pk}
    # the corner all four share
    corner = locate(township.pk, 120.01, 31.01)
    assert corner.grid_id == grids["001"].pk and len(corner.candidates) == 4
    # border between 002 (north) and 004 (south)
    assert locate(township.pk, 120.015, 31.01).grid_id == grids["002"].pk


def test_point_outside_every_grid(township):
    grids = make_grids(township)
    # about 110 m east of the village: the nearest grid (default radius 200 m)
    near = locate(township.pk, 120.021, 31.005)
    assert (near.grid_id, near.how) == (grids["004"].pk, "nearest")
    # 1 km away: no grid
    far = locate(township.pk, 120.03, 31.005)
    assert (far.grid_id, far.how) == (None, "outside")


def test_outside_with_no_nearest_fallback(township, settings):
    make_grids(township)
    settings.GRID_NEAREST_MAX_METRES = 0
    assert locate(township.pk, 120.021, 31.005).grid_id is None


def test_a_micro_grid_and_a_specialised_grid_beat_the_grid_they_lie_in(township):
    data = two_by_two(township)
    v = f"{township.code}201"
    data["features"] += [
        feature(f"{v}001001", square(120.0, 31.015, 120.005, 31.02), parent=f"{v}001"),
        feature(f"{v}901", square(120.012, 31.012, 120.014, 31.014), kind="specialised"),
    ]
    import_boundaries(township=township, data=data)
    by_code = {g.code: g.pk for g in Grid.objects.filter(township=township)}
    assert locate(township.pk, 120.002, 31.018).grid_id == by_code[f"{v}001001"]
    assert locate(township.pk, 120.013, 31.013).grid_id == by_code[f"{v}901"]
    assert locate(township.pk, 120.017, 31.017).grid_id == by_code[f"{v}002"]


def test_a_redrawn_boundary_is_seen_at_once(township):
    grids = make_grids(township)
    assert locate(township.pk, 120.005, 31.015).grid_id == grids["001"].pk
    data = two_by_two(township)
    v = f"{township.code}201"
    # 001 shrinks to its western half, 002 takes the rest
    data["features"][1] = feature(f"{v}001", square(120.0, 31.01, 120.004, 31.02))
    data["features"][2] = feature(
        f"{v}002",
        {
            "type": "Polygon",
            "coordinates": [
                [[120.004, 31.01], [120.02, 31.01], [120.02, 31.02], [120.004, 31.02], [120.004, 31.01]]
            ],
        },
    )
    import_boundaries(township=township, data=data)
    assert locate(township.pk, 120.005, 31.015).grid_id == grids["002"].pk
    assert Grid.objects.filter(township=township).count() == 4


def test_the_import_stores_counter_clockwise_rings_and_a_label_point(township):
    data = two_by_two(township)
    ring = data["features"][1]["geometry"]["coordinates"][0]
    data["features"][1]["geometry"]["coordinates"][0] = list(reversed(ring))  # clockwise
    import_boundaries(township=township, data=data)
    grid = Grid.objects.get(code=f"{township.code}201001")
    stored = grid.boundary["coordinates"][0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(stored, stored[1:], strict=False))
    assert area2 > 0  # counter-clockwise
    assert 120.0 < float(grid.label_lng) < 120.01 and 31.01 < float(grid.label_lat) < 31.02
    assert grid.village.code == f"{township.code}201"


def _rejected(township, data) -> list[str]:
    with pytest.raises(BoundaryImportRejected) as caught:
        import_boundaries(township=township, data=data)
    return caught.value.faults


def test_a_bad_import_changes_nothing_and_names_each_fault(township):
    grids = make_grids(township)
    before = {g.code: g.boundary for g in Grid.objects.filter(township=township)}
    v = f"{township.code}201"
    data = two_by_two(township)
    # 1. a ring that is not closed
    data["features"][1]["geometry"]["coordinates"][0] = data["features"][1]["geometry"]["coordinates"][0][
        :-1
    ] + [[120.0, 31.0199]]
    # 2. a bow-tie (self-crossing)
    data["features"][2]["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[120.01, 31.01], [120.02, 31.02], [120.02, 31.01], [120.01, 31.02], [120.01, 31.01]]
        ],
    }
    # 3. overlapping its neighbour 004 by half
    data["features"][3]["geometry"] = square(120.0, 31.0, 120.015, 31.01)
    # 4. a new grid sticking out of the village
    data["features"].append(feature(f"{v}005", square(120.02, 31.0, 120.03, 31.01)))
    # 5. lat/lng swapped
    data["features"].append(feature(f"{v}006", square(31.0, 120.0, 31.01, 120.01)))
    faults = _rejected(township, data)
    text = "\n".join(faults)
    assert f"({v}001)" in text and "not closed" in text
    assert f"({v}002)" in text and "Self-intersection" in text
    assert f"({v}003)" in text and "overlaps" in text and f"{v}004" in text
    assert f"({v}005)" in text and "not inside its village" in text
    assert f"({v}006)" in text and "swapped" in text
    assert len(faults) == 5
    # nothing changed
    assert {g.code: g.boundary for g in Grid.objects.filter(township=township)} == before
    assert locate(township.pk, 120.005, 31.015).grid_id == grids["001"].pk


def test_a_new_grid_overlapping_one_already_stored_is_refused(township):
    make_grids(township)
    v = f"{township.code}201"
    data = {
        "type": "FeatureCollection",
        "features": [feature(f"{v}005", square(120.005, 31.005, 120.015, 31.015))],
    }
    faults = _rejected(township, data)
    assert len(faults) == 4 and all("overlaps" in f for f in faults)
    assert not Grid.objects.filter(code=f"{v}005").exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(type="Feature"), "FeatureCollection"),
        (lambda d: d["features"][1]["properties"].update(code="12345"), "3 or more digits"),
        (lambda d: d["features"][1]["properties"].update(code="320999999201001"), "no village 320999999201"),
        (lambda d: d["features"][1]["properties"].update(kind="odd"), "unknown grid kind"),
        (lambda d: d["features"][1]["properties"].update(name=""), "no name"),
        (
            lambda d: d["features"][1].update(geometry={"type": "Point", "coordinates": [120, 31]}),
            "Polygon or MultiPolygon",
        ),
        (
            lambda d: d["features"][1]["geometry"].update(
                coordinates=[[[120.0, 31.01], [120.01, 31.01], [120.0, 31.01]]]
            ),
            "at least 4",
        ),
        (
            lambda d: d["features"][1]["geometry"].update(
                coordinates=[[["a", 31.01], [120.01, 31.01], [120.0, 31.02], ["a", 31.01]]]
            ),
            "numbers",
        ),
        (lambda d: d["features"].append(copy.deepcopy(d["features"][1])), "twice"),
        (lambda d: d["features"][0]["properties"].update(code="320999102201"), "township's code"),
    ],
)
def test_each_kind_of_fault(township, change, expected):
    data = two_by_two(township)
    change(data)
    faults = _rejected(township, data)
    assert any(expected in f for f in faults), faults
    assert not Grid.objects.filter(township=township).exists()
    assert not Village.objects.filter(township=township).exists()


def test_a_micro_grid_must_lie_in_its_grid(township):
    data = two_by_two(township)
    v = f"{township.code}201"
    data["features"].append(feature(f"{v}001001", square(120.008, 31.015, 120.012, 31.02), parent=f"{v}001"))
    faults = _rejected(township, data)
    assert any("not inside its grid" in f for f in faults)


def test_a_grid_code_of_another_township_is_refused(township):
    other = TownshipFactory(code="320999102")
    make_grids(other)
    data = two_by_two(township)
    data["features"][1]["properties"]["code"] = f"{other.code}201001"
    faults = _rejected(township, data)
    assert any("another township" in f for f in faults)


def test_demo_layouts_are_deterministic_and_import_cleanly(township):
    other = TownshipFactory(code="320999102")
    for place in (township, other):
        layout = demo_layout(place.code)
        assert layout == demo_layout(place.code)
        report = import_boundaries(township=place, data=layout)
        assert report["villages"] == 6 and 50 <= report["created"] <= 60
        assert all(len(v.code) == 12 for v in Village.objects.filter(township=place))
        # every grid's label point is inside it (the school's grid lies over the community's 5th)
        for grid in Grid.objects.filter(township=place):
            assert grid.pk in locate(place.pk, float(grid.label_lng), float(grid.label_lat)).candidates
    # a second run redraws the same, creating nothing
    assert import_boundaries(township=township, data=demo_layout(township.code))["created"] == 0
