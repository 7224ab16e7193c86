"""Services: uploaded materials. Files are checked by their content (not their name) and size, stored
through Django's storage under random names, and served only by views that check permission."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from services.errors import ApplicationNotPossible as InvalidTransition
from services.errors import IntakeError
from services.models import Application, ApplicationMaterial, ApplicationStatus, ResidentMaterial
from services.models.catalog import MaterialSource, Medium
from services.services.checklist import checklist_lines
from township.casework.workflow import lock

# What residents may upload: scans and photos of documents. Signature bytes decide, not the extension.
ALLOWED_TYPES = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
}


class UploadRefused(IntakeError):
    pass


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def validate_upload(upload) -> tuple[bytes, str]:
    """The file's bytes and real content type, or UploadRefused with a message naming the problem."""
    limit = settings.MATERIAL_MAX_BYTES
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UploadRefused(
            _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": _human_size(size), "limit": _human_size(limit)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": _human_size(limit)}
        )
    if not data:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": name})
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise UploadRefused(
            _(
                "“%(name)s” is not a PDF, JPEG or PNG file. Please upload a scan or photo in one of these formats."
            )
            % {"name": name}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_TYPES[content_type]:
        raise UploadRefused(
            _(
                "“%(name)s” is a %(kind)s file but its name says otherwise; rename it to .%(ext)s and try again."
            )
            % {
                "name": name,
                "kind": ALLOWED_TYPES[content_type][0].upper(),
                "ext": ALLOWED_TYPES[content_type][0],
            }
        )
    return data, content_type


def _store(record, data: bytes):
    """Save the bytes under the record's random name, then the row; no file is left if the row fails."""
    record.file.save(record.original_name, ContentFile(data), save=False)
    try:
        record.save()
    except BaseException:
        record.file.delete(save=False)
        raise
    return record


def attach_material(
    *, application: Application, requirement_id: int, upload, by, supplement_item: str = ""
) -> ApplicationMaterial:
    """Add one uploaded file to a line of the application's checklist, or (during a supplement) to one of
    the materials the reviewer asked for (`supplement_item`, its name as asked)."""
    data, content_type = validate_upload(upload)
    with transaction.atomic():
        application = lock(application)
        _require_editable(application, by)
        requirement_id = _requirement_of(application, requirement_id)
        supplement_item = _supplement_item_of(application, requirement_id, supplement_item)
        material = ApplicationMaterial(
            application=application,
            requirement_id=requirement_id,
            supplement_item=supplement_item,
            original_name=_safe_name(upload.name),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by=by,
        )
        return _store(material, data)


def reuse_library_material(*, application: Application, requirement_id: int, library_material_id: int, by):
    """Satisfy a line with a document from the resident's material library (一次采集、反复使用)."""
    with transaction.atomic():
        application = lock(application)
        _require_editable(application, by)
        requirement_id = _requirement_of(application, requirement_id)
        stored = ResidentMaterial.objects.filter(pk=library_material_id, resident=by).first()
        if stored is None:
            raise UploadRefused(_("That document is not in your material library."))
        stored.file.open("rb")
        try:
            data = stored.file.read()
        finally:
            stored.file.close()
        material = ApplicationMaterial(
            application=application,
            requirement_id=requirement_id,
            original_name=stored.original_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=by,
            from_library=stored,
        )
        return _store(material, data)


def remove_material(*, material: ApplicationMaterial, by) -> None:
    with transaction.atomic():
        application = lock(Application(pk=material.application_id))
        _require_editable(application, by)
        name = material.file.name
        material.delete()
        transaction.on_commit(lambda: material.file.storage.delete(name))


def add_to_library(*, resident, material_type, upload, valid_until=None) -> ResidentMaterial:
    data, content_type = validate_upload(upload)
    stored = ResidentMaterial(
        resident=resident,
        material_type=material_type,
        original_name=_safe_name(upload.name),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        valid_until=valid_until,
    )
    return _store(stored, data)


def _require_editable(application: Application, by) -> None:
    if by.pk not in (application.resident_id, application.agent_id):
        raise UploadRefused(_("This application is not yours."))
    if not (application.is_editable_by_resident or application.status == ApplicationStatus.SUPPLEMENT):
        raise InvalidTransition(_("This application can no longer be changed."))


def _requirement_of(application: Application, requirement_id) -> int | None:
    if application.status == ApplicationStatus.SUPPLEMENT and not str(requirement_id or "").strip():
        return None  # a supplementary document the reviewer asked for by name
    for line in checklist_lines(application, {}):
        if str(requirement_id) == line.key:
            return int(line.key)
    raise UploadRefused(_("That material is not asked for by this application."))


def _supplement_item_of(application: Application, requirement_id, item: str) -> str:
    if requirement_id is not None or application.status != ApplicationStatus.SUPPLEMENT:
        return ""
    # the reverse accessor of the back office's supplement requests (services does not import approvals)
    asked = (
        application.supplement_requests.filter(supplied_at__isnull=True)
        .values_list("items", flat=True)
        .first()
    )
    item = (item or "").strip()
    if not asked or item not in asked:
        raise UploadRefused(_("Choose which of the requested materials this file is."))
    return item


def _safe_name(name: str) -> str:
    base = (name or "file").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:150] or "file"


def paper_only_materials(materials) -> list:
    """The guide's materials the applicant can hand in only on paper (so an online application still
    means bringing them to the hall); shared data and electronic ones are not among them."""
    return [m for m in materials if m.medium == Medium.PAPER and m.source != MaterialSource.SHARED_DATA]


def online_channel(version, materials) -> str:
    """What the guide may truthfully say about applying online: "online" (everything can be handed in
    online), "online_then_paper" (start online, bring the paper ones), "paper" (every material the applicant
    hands in is paper-only, so "can apply online" would be untrue) or "" (the item is not offered online)."""
    if not version.allows_online:
        return ""
    handed_in = [m for m in materials if m.source != MaterialSource.SHARED_DATA]
    paper = paper_only_materials(materials)
    if not paper:
        return "online"
    if len(paper) == len(handed_in):
        return "paper"
    return "online_then_paper"
