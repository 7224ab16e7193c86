"""Services: the material checklist of an application, the lines a clerk ticks at intake."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from services.errors import IntakeError
from services.models import Application, MaterialSource, Necessity
from services.selectors.catalog import bundle_materials

CHECK_STATES = ("", "ok", "missing", "defective", "na")


@dataclass
class ChecklistLine:
    """One material to check: a requirement of the item, or for a bundle one merged material."""

    key: str
    name: str
    necessity: str
    condition: str
    original_count: int
    copy_count: int
    medium: str
    source: str
    acceptance_standard: str = ""
    material_type_id: int | None = None
    requirement_ids: list[int] = field(default_factory=list)
    state: str = ""
    note: str = ""

    @property
    def necessity_label(self) -> str:
        return Necessity(self.necessity).label

    @property
    def is_shared_data(self) -> bool:
        return self.source == MaterialSource.SHARED_DATA

    @property
    def is_needed(self) -> bool:
        """Required lines always; conditional ones unless the clerk marked them not applicable."""
        if self.is_shared_data or self.necessity == Necessity.OPTIONAL:
            return False
        return not (self.necessity == Necessity.CONDITIONAL and self.state == "na")

    @property
    def is_lacking(self) -> bool:
        return self.state in ("missing", "defective") or (self.is_needed and self.state != "ok")


def checklist_lines(application: Application, checklist: dict | None = None) -> list[ChecklistLine]:
    """The lines to tick for an application, carrying the states of `checklist` (or the saved one)."""
    checklist = application.checklist if checklist is None else checklist
    if application.item_version_id:
        requirements = application.item_version.materials.select_related("material_type").order_by(
            "order", "id"
        )
        lines = [
            ChecklistLine(
                key=str(r.pk),
                name=r.name,
                necessity=r.necessity,
                condition=r.condition,
                original_count=r.original_count,
                copy_count=r.copy_count,
                medium=r.medium,
                source=r.source,
                acceptance_standard=r.acceptance_standard,
                material_type_id=r.material_type_id,
                requirement_ids=[r.pk],
            )
            for r in requirements
        ]
    else:
        lines = [
            ChecklistLine(
                key=str(m.requirements[0].pk),
                name=m.name,
                necessity=m.necessity,
                condition="; ".join(m.conditions),
                original_count=m.original_count,
                copy_count=m.copy_count,
                medium=m.medium,
                source=m.source,
                acceptance_standard=m.requirements[0].acceptance_standard,
                material_type_id=m.material_type.pk if m.material_type else None,
                requirement_ids=[r.pk for r in m.requirements],
            )
            for m in bundle_materials(application.bundle)
        ]
    return with_states(lines, checklist)


def with_states(lines: list[ChecklistLine], checklist: dict) -> list[ChecklistLine]:
    """Put the states of `checklist` on the lines (in place) and return them."""
    for line in lines:
        entry = checklist.get(line.key) or {}
        line.state = entry.get("state", "ok" if line.is_shared_data else "")
        line.note = entry.get("note", "")
    return lines


def lacking_lines(lines: list[ChecklistLine]) -> list[ChecklistLine]:
    """Needed lines not ticked as present, and any line marked missing or defective."""
    return [line for line in lines if line.necessity != Necessity.OPTIONAL and line.is_lacking]


def clean_checklist(application: Application, raw: dict, *, lines: list[ChecklistLine] | None = None) -> dict:
    """Keep only known lines and states; a defective or missing line may carry a note. `lines`: the
    application's lines when the caller has them already (saves reading the requirements twice)."""
    known = {line.key for line in (checklist_lines(application, {}) if lines is None else lines)}
    cleaned = {}
    for key, entry in (raw or {}).items():
        if key not in known or not isinstance(entry, dict):
            continue
        state = entry.get("state", "")
        if state not in CHECK_STATES:
            raise IntakeError(_("Unknown checklist state %(state)s.") % {"state": state})
        cleaned[key] = {"state": state, "note": str(entry.get("note", ""))[:300].strip()}
    return cleaned


def missing_uploads(application: Application) -> list[ChecklistLine]:
    """Needed materials with no uploaded file yet (what blocks an online submission)."""
    uploaded = set(application.materials.values_list("requirement_id", flat=True))
    return [
        line
        for line in checklist_lines(application, {})
        if line.is_needed
        and line.necessity == Necessity.REQUIRED
        and not (uploaded & set(line.requirement_ids))
    ]
