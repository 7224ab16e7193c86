"""Base-data changes: saving one record (a grid member's form) and importing a spreadsheet. Every change
is in the audit log (township.audit: one event per row, naming the fields changed, never their values).

Merging: a person is the same person when the ID number is the same (within the township); a place or
organisation when the credit code is; a household by its household number; a house by its code. A row
that is already in another grid than the user's is refused, not silently taken over.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.errors import GridError
from grid.models import Grid, House, Household, Organisation, Person, Place
from township.audit.models import AuditEvent, AuditKind
from township.audit.services import client_address
from township.entities.models import MarketEntity
from township.identifiers import normalise
from township.org.scope import visible_to


def may_edit_grid(user, grid: Grid) -> bool:
    """The user may change base data of this grid: it is one of theirs (their data scope)."""
    return visible_to(Grid.objects.filter(pk=grid.pk), user).exists()


def audit_rows(*, by, request=None, action: str, rows: list[tuple[object, str]]) -> None:
    """One audit event per (object, detail), written in one INSERT."""
    if not rows:
        return
    authenticated = by is not None and getattr(by, "is_authenticated", False)
    now = timezone.now()
    address = client_address(request)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                kind=AuditKind.ACTION,
                user_id_at_event=by.pk if authenticated else None,
                username=by.get_username()[:150] if authenticated else "",
                township_id=obj.township_id,
                action=action[:120],
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                address=address,
                detail=detail[:300],
            )
            for obj, detail in rows
        ],
        batch_size=2000,
    )


def link_market_entity(obj) -> None:
    """A place or organisation with a credit code points at the register's entity of that code."""
    if obj.credit_code:
        obj.market_entity = MarketEntity.objects.filter(
            township_id=obj.township_id, credit_code=obj.credit_code
        ).first()
    else:
        obj.market_entity = None


MERGE_KEYS = {
    Person: "id_number",
    Household: "number",
    House: "code",
    Place: "credit_code",
    Organisation: "credit_code",
}


def save_record(obj, *, by, request=None, changed: list[str] | None = None):
    """Create or change one base-data row as `by`, who must work its grid. A new person whose ID number
    is already registered in one of the user's grids is merged into that row (same for credit codes)."""
    model = type(obj)
    if obj.grid_id is None or not may_edit_grid(by, obj.grid):
        raise GridError(_("You can only record base data in your own grids."))
    obj.township_id = obj.grid.township_id
    key = MERGE_KEYS[model]
    value = getattr(obj, key)
    if isinstance(obj, Person):
        obj.id_number = normalise(obj.id_number)
        value = obj.id_number
    if isinstance(obj, Place | Organisation):
        obj.credit_code = normalise(obj.credit_code or "")
        value = obj.credit_code
        link_market_entity(obj)
    with transaction.atomic():
        if obj.pk is None and value:
            existing = (
                model.objects.select_for_update().filter(township_id=obj.township_id, **{key: value}).first()
            )
            if existing is not None:
                if not may_edit_grid(by, existing.grid):
                    raise GridError(
                        _("This one is already registered in another grid; ask the grid head to move it.")
                    )
                obj.pk = existing.pk
                obj.created_at = existing.created_at
                obj._state.adding = False
        is_new = obj.pk is None
        if isinstance(obj, Person):
            obj.fill_from_id_number()
        obj.updated_by = by if getattr(by, "pk", None) else None
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as exc:
            raise GridError(
                _("Please correct the highlighted fields."),
                field_errors=exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages},
            ) from None
        obj.save()
        fields = ",".join(changed or [])
        audit_rows(
            by=by,
            request=request,
            action=f"grid.{model._meta.model_name}.{'create' if is_new else 'change'}",
            rows=[(obj, f"fields={fields}" if fields else "")],
        )
    return obj


def delete_record(obj, *, by, request=None) -> None:
    if not may_edit_grid(by, obj.grid):
        raise GridError(_("You can only record base data in your own grids."))
    with transaction.atomic():
        audit_rows(by=by, request=request, action=f"grid.{obj._meta.model_name}.delete", rows=[(obj, "")])
        obj.delete()
