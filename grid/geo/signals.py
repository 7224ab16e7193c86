"""A saved or deleted grid may have moved a boundary: point-in-polygon lookups rebuild once committed."""

from django.db import transaction

from grid.geometry import boundaries_changed


def grid_boundary_changed(sender, instance, **kwargs):
    township_id = instance.township_id
    boundaries_changed(township_id)
    transaction.on_commit(lambda: boundaries_changed(township_id))
