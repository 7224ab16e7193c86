"""Demo villages, grids and grid staff for both demo townships, generated deterministically.

Each township is a jittered lattice of cells (about 600 m across, near Wuxi, WGS-84): a block of cells is a
village or community (12-digit statistical code: township code + 0xx for a community, 2xx for a village),
each cell a basic grid (village code + 3-digit sequence, numbered west to east, north to south), plus one
specialised grid (a school) laid over a basic grid. Neighbouring cells share their vertices exactly, so the
grids of a village never overlap and exactly fill it; the boundary import checks that anyway.
"""

from __future__ import annotations

import random

import shapely
from django.contrib.auth import get_user_model
from shapely.geometry import Polygon, box

from grid.geometry import as_geojson

# township code: (south-west corner lng, lat), village names (the first is the community)
DEMO_LAYOUT = {
    "320999101": (
        (120.280, 31.760),
        ["青石社区", "东湖村", "西塘村", "南岗村", "北庄村", "桃园村"],
    ),
    "320999102": (
        (120.460, 31.650),
        ["白沙社区", "沙湖村", "河口村", "柳堤村", "新港村", "渔湾村"],
    ),
}
CELL_DEGREES = 0.006


def lattice_layout(
    township_code: str,
    *,
    origin: tuple[float, float],
    village_names: list[str],
    villages_across: int = 3,
    cells: tuple[int, int] = (3, 3),
    cell: float = CELL_DEGREES,
    specialised: bool = True,
) -> dict:
    """A GeoJSON FeatureCollection: villages (level "village") and their grids, the same for the same input."""
    rnd = random.Random(f"grid-demo-{township_code}")
    villages_down = -(-len(village_names) // villages_across)
    nx, ny = villages_across * cells[0], villages_down * cells[1]
    lng0, lat0 = origin
    jitter = cell * 0.22

    # vertices (i, j) with i east, j north; jittered, the outer edge too
    vertex = {}
    for i in range(nx + 1):
        for j in range(ny + 1):
            vertex[i, j] = (
                round(lng0 + i * cell + rnd.uniform(-jitter, jitter), 6),
                round(lat0 + j * cell + rnd.uniform(-jitter, jitter), 6),
            )
    # a bent midpoint on each edge, shared by the two cells beside it
    middle = {}

    def mid(a, b):
        key = (a, b) if a < b else (b, a)
        if key not in middle:
            (x1, y1), (x2, y2) = vertex[key[0]], vertex[key[1]]
            bend = rnd.uniform(-0.12, 0.12) * cell
            dx, dy = x2 - x1, y2 - y1
            length = (dx * dx + dy * dy) ** 0.5 or 1.0
            middle[key] = (
                round((x1 + x2) / 2 - dy / length * bend, 6),
                round((y1 + y2) / 2 + dx / length * bend, 6),
            )
        return middle[key]

    def cell_polygon(i, j) -> Polygon:
        corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
        ring = []
        for k, corner in enumerate(corners):
            ring.append(vertex[corner])
            ring.append(mid(corner, corners[(k + 1) % 4]))
        return shapely.orient_polygons(Polygon(ring))

    features = []
    for number, name in enumerate(village_names):
        vx, vy = number % villages_across, number // villages_across
        seq = 1 if number == 0 else 200 + number
        village_code = f"{township_code}{seq:03d}"
        cell_shapes = []
        grid_features = []
        sequence = 0
        # north to south, west to east
        for row in reversed(range(cells[1])):
            for col in range(cells[0]):
                sequence += 1
                i, j = vx * cells[0] + col, (villages_down - 1 - vy) * cells[1] + row
                polygon = cell_polygon(i, j)
                assert polygon.is_valid, (i, j)
                cell_shapes.append(polygon)
                grid_features.append(
                    {
                        "type": "Feature",
                        "properties": {
                            "level": "grid",
                            "code": f"{village_code}{sequence:03d}",
                            "name": f"{name}第{sequence}网格",
                            "kind": "basic",
                        },
                        "geometry": as_geojson(polygon),
                    }
                )
        village_shape = shapely.orient_polygons(shapely.union_all(cell_shapes))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "level": "village",
                    "code": village_code,
                    "name": name,
                    "kind": "community" if number == 0 else "village",
                },
                "geometry": as_geojson(village_shape),
            }
        )
        features += grid_features
        if specialised and number == 0:
            centre = cell_shapes[4].centroid
            school = box(
                centre.x - cell * 0.12, centre.y - cell * 0.08, centre.x + cell * 0.12, centre.y + cell * 0.08
            )
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "level": "grid",
                        "code": f"{village_code}901",
                        "name": f"{name}中心小学专属网格",
                        "kind": "specialised",
                    },
                    "geometry": as_geojson(shapely.orient_polygons(school)),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def demo_layout(township_code: str) -> dict:
    origin, names = DEMO_LAYOUT[township_code]
    return lattice_layout(township_code, origin=origin, village_names=names)


def load_demo_geo(township) -> dict:
    """Import the township's demo boundaries (idempotent: a second run redraws the same) and post the demo
    grid head and member (home township only) to the community's grids."""
    from grid.geo.services import import_boundaries  # noqa: PLC0415 - the services import the models
    from grid.models import Grid, GridRole, GridStaff  # noqa: PLC0415 - as above

    if township.code not in DEMO_LAYOUT:
        return {}
    report = import_boundaries(township=township, data=demo_layout(township.code))
    User = get_user_model()
    community = f"{township.code}001"
    posts = [("gridmember", [f"{community}001"], GridRole.FULL_TIME)]
    posts.append(("gridhead", [f"{community}{n:03d}" for n in range(1, 10)], GridRole.HEAD))
    for username, codes, role in posts:
        user = User.objects.filter(username=username, staff_profile__township=township).first()
        if user is None:
            continue
        phone = getattr(user.staff_profile, "phone", "") or ""
        for grid in Grid.objects.filter(township=township, code__in=codes):
            GridStaff.objects.get_or_create(
                township=township,
                grid=grid,
                user=user,
                role=role,
                defaults={"phone": phone, "is_party_member": role == GridRole.HEAD},
            )
    return report


DEMO_HOUSEHOLDS = [
    # household number, head, ID stem (17 digits), tags of the head, care categories
    (
        "QS-H0001",
        "陈阿婆",
        "32099919380215002",
        ["living_alone_elderly", "low_income"],
        ["living_alone_elderly", "low_income"],
    ),
    ("QS-H0002", "钱大伯", "32099919460703001", ["severely_disabled"], ["severe_disability"]),
    ("QS-H0003", "孙建国", "32099919780411003", [], []),
]


def load_demo_base(township) -> int:
    """A few households, persons and one place in the community's first grid, two on the care list."""
    from grid.models import CareHousehold, Grid, Household, Person, Place  # noqa: PLC0415 - as above
    from township.identifiers import id_number_check_char  # noqa: PLC0415 - as above

    grid = Grid.objects.filter(township=township, code=f"{township.code}001001").first()
    if grid is None or township.code != "320999101":
        return 0
    created = 0
    for number, head, stem, tags, care in DEMO_HOUSEHOLDS:
        household, new = Household.objects.get_or_create(
            township=township,
            number=number,
            defaults={"grid": grid, "head_name": head, "address": f"青石社区{number[-2:]}号"},
        )
        created += new
        person, new = Person.objects.get_or_create(
            township=township,
            id_number=stem + id_number_check_char(stem),
            defaults={"grid": grid, "household": household, "name": head, "relation": "户主", "tags": tags},
        )
        if new:
            person.fill_from_id_number()
            person.save()
            created += 1
        if care:
            created += CareHousehold.objects.get_or_create(
                household=household, defaults={"township": township, "grid": grid, "categories": care}
            )[1]
    created += Place.objects.get_or_create(
        township=township,
        grid=grid,
        name="青石社区便民超市",
        defaults={"kind": "shop", "address": "青石社区人民路8号"},
    )[1]
    return created
