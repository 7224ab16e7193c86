"""Grid: the grids of a township and the people who work them (geo), base data, patrols and events."""

from grid.models.geo import Grid, GridKind, GridRole, GridStaff

# --- gridbase: base data, patrols, care (vulnerable households) ---
from grid.models.base import (  # noqa: E402 - one marked block per helper
    House,
    HouseKind,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Place,
    PlaceKind,
    ResidenceType,
    Sex,
    SpecialGroup,
)
from grid.models.care import (  # noqa: E402
    CareCategory,
    CareHousehold,
    CareWarning,
    ExpenseSource,
    MedicalExpense,
    VisitRecord,
    VisitStatus,
    VisitTask,
    WarningStatus,
)
from grid.models.patrols import Patrol  # noqa: E402

# --- end gridbase ---

__all__ = [
    "Grid",
    "GridKind",
    "GridRole",
    "GridStaff",
    # gridbase
    "CareCategory",
    "CareHousehold",
    "CareWarning",
    "ExpenseSource",
    "House",
    "HouseKind",
    "Household",
    "MedicalExpense",
    "Organisation",
    "OrganisationKind",
    "Patrol",
    "Person",
    "Place",
    "PlaceKind",
    "ResidenceType",
    "Sex",
    "SpecialGroup",
    "VisitRecord",
    "VisitStatus",
    "VisitTask",
    "WarningStatus",
]
