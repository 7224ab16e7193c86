"""Grid: who may do what (role checks and django-guardian object permissions)."""

from township.org.roles import Role, grant

# --- gridbase ---
BASE_MODELS = ("person", "household", "house", "place", "organisation")


def grant_gridbase_permissions() -> None:
    """Grid heads and members keep their grids' base data and visits; township admins manage grids and the
    care list; the command centre looks at everything. Rows are still limited by the data scope."""
    for role in (Role.GRID_MEMBER, Role.GRID_HEAD):
        for model in BASE_MODELS:
            grant(role, f"grid.view_{model}", f"grid.add_{model}", f"grid.change_{model}")
        grant(role, "grid.view_grid", "grid.view_gridstaff", "grid.view_patrol", "grid.add_patrol")
        grant(
            role,
            "grid.view_carehousehold",
            "grid.view_visittask",
            "grid.view_visitrecord",
            "grid.add_visitrecord",
        )
        grant(role, "grid.view_carewarning")
    grant(Role.GRID_HEAD, "grid.add_carehousehold", "grid.change_carehousehold")
    for model in (*BASE_MODELS, "grid", "gridstaff", "carehousehold", "medicalexpense"):
        grant(Role.TOWNSHIP_ADMIN, f"grid.view_{model}", f"grid.add_{model}", f"grid.change_{model}")
    grant(
        Role.TOWNSHIP_ADMIN,
        "grid.view_carewarning",
        "grid.view_visittask",
        "grid.view_visitrecord",
        "grid.view_patrol",
    )
    for model in (*BASE_MODELS, "grid", "gridstaff", "patrol", "carewarning", "visittask"):
        grant(Role.COMMAND_CENTRE, f"grid.view_{model}")


def may_import_expenses(user) -> bool:
    return user.has_perm("grid.add_medicalexpense")


# --- end gridbase ---
