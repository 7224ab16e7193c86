"""Grid: the grids of a township and the people who work them (geo), base data, patrols and events."""

# --- gridbase: base data, patrols, care (vulnerable households) ---
from grid.models.base import (
    House,
    Household,
    HouseKind,
    Organisation,
    OrganisationKind,
    Person,
    Place,
    PlaceKind,
    ResidenceType,
    Sex,
    SpecialGroup,
)
from grid.models.care import (
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
from grid.models.geo import Grid, GridKind, GridRole, GridStaff
from grid.models.patrols import Patrol

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
