"""Grids for the tests: square villages and grids with exact, hand-checkable borders."""

from types import SimpleNamespace

from grid.geo.services import import_boundaries
from grid.models import Grid, GridRole, GridStaff
from township.org.models import Village


def square(x0, y0, x1, y1) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code, geometry, *, level="grid", name=None, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"level": level, "code": code, "name": name or f"网格{code[-3:]}", **props},
        "geometry": geometry,
    }


def two_by_two(township) -> dict:
    """Village <township>201 = [120.0, 120.02] × [31.0, 31.02], cut into four 0.01° grids:
    001 north-west, 002 north-east, 003 south-west, 004 south-east."""
    v = f"{township.code}201"
    return {
        "type": "FeatureCollection",
        "features": [
            feature(v, square(120.0, 31.0, 120.02, 31.02), level="village", name="东湖村"),
            feature(f"{v}001", square(120.0, 31.01, 120.01, 31.02)),
            feature(f"{v}002", square(120.01, 31.01, 120.02, 31.02)),
            feature(f"{v}003", square(120.0, 31.0, 120.01, 31.01)),
            feature(f"{v}004", square(120.01, 31.0, 120.02, 31.01)),
        ],
    }


def make_grids(township) -> dict[str, Grid]:
    """The four grids of two_by_two, by their last three digits."""
    import_boundaries(township=township, data=two_by_two(township))
    return {g.code[-3:]: g for g in Grid.objects.filter(township=township)}


def village_of(township) -> Village:
    return Village.objects.get(township=township, code=f"{township.code}201")


def post(user, grid, role=GridRole.FULL_TIME) -> GridStaff:
    return GridStaff.objects.create(township=grid.township, grid=grid, user=user, role=role)


def id_number(n: int, born: str = "19500101", region: str = "320999") -> str:
    from township.identifiers import id_number_check_char

    first = f"{region}{born}{n % 1000:03d}"
    return first + id_number_check_char(first)


def credit_code(n: int) -> str:
    from township.identifiers import credit_code_check_char

    first = f"91320999MA{n:07d}"
    return first + credit_code_check_char(first)


def build_world():
    from tests.factories import TownshipFactory, make_staff
    from township.org.roles import Role

    township = TownshipFactory(code="320999101")
    grids = make_grids(township)
    member = make_staff(Role.GRID_MEMBER, township=township, username="member1")
    other_member = make_staff(Role.GRID_MEMBER, township=township, username="member2")
    head = make_staff(Role.GRID_HEAD, township=township, username="head1")
    admin = make_staff(Role.TOWNSHIP_ADMIN, township=township, username="admin1")
    post(member, grids["001"])
    post(other_member, grids["002"])
    post(head, grids["001"], GridRole.HEAD)
    post(head, grids["002"], GridRole.HEAD)
    elsewhere = TownshipFactory(code="320999102")
    far_grids = make_grids(elsewhere)
    far_member = make_staff(Role.GRID_MEMBER, township=elsewhere, username="member9")
    post(far_member, far_grids["001"])
    return SimpleNamespace(
        township=township,
        grids=grids,
        member=member,
        other_member=other_member,
        head=head,
        admin=admin,
        elsewhere=elsewhere,
        far_grids=far_grids,
        far_member=far_member,
    )
