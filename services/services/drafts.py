"""Services: a resident's online drafts: one draft per item (a second "start" resumes it), and deleting one."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_content_type

from services.errors import ApplicationNotPossible as InvalidTransition
from services.errors import IntakeError
from services.models import Application, ApplicationMaterial, ApplicationStatus, Bundle, ServiceItem
from services.services.intake import Agent, start_online_application
from township.casework.timeline import append_entry
from township.casework.workflow import advisory_lock, lock


def _open_draft(*, resident, item, bundle, agent) -> Application | None:
    """The draft a second click on "start" should resume: same item or bundle, same role; for an agent,
    only a draft that does not name an applicant yet (a filled-in one is for somebody else)."""
    drafts = Application.objects.filter(
        status=ApplicationStatus.DRAFT, parent__isnull=True, item=item, bundle=bundle
    )
    if agent is None:
        drafts = drafts.filter(resident=resident, agent__isnull=True)
    else:
        drafts = drafts.filter(agent=resident, applicant_name="", applicant_id_number="")
    return drafts.order_by("-created_at").first()


def start_or_resume_draft(
    *, resident, item: ServiceItem | None = None, bundle: Bundle | None = None, agent: Agent | None = None
) -> tuple[Application, bool]:
    """The resident's draft for this item or bundle, started only when there is none yet; returns it and
    whether it is new. Starts are serialised per resident (their user row is locked), so two clicks at the
    same moment give one draft."""
    with transaction.atomic():
        advisory_lock("draft-start", resident.pk)
        existing = _open_draft(resident=resident, item=item, bundle=bundle, agent=agent)
        if existing is not None:
            return existing, False
        return start_online_application(resident=resident, item=item, bundle=bundle, agent=agent), True


def delete_draft(*, application: Application, by) -> None:
    """The resident throws away a draft that was never submitted: its row and uploaded files go (nothing
    was sent to anyone); the case timeline keeps a 'deleted' entry, as every step is recorded."""
    with transaction.atomic():
        application = lock(application)
        if by.pk not in (application.resident_id, application.agent_id):
            raise IntakeError(_("This application is not yours."))
        if application.status != ApplicationStatus.DRAFT or application.number:
            raise InvalidTransition(
                _("Only a draft that was never submitted can be deleted; withdraw this application instead.")
            )
        append_entry(
            application, action="delete-draft", actor=by, from_state=application.status, is_internal=True
        )
        names = [m.file.name for m in application.materials.all() if m.file]
        storage = ApplicationMaterial._meta.get_field("file").storage
        _forget_permissions(application)
        application.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _forget_permissions(application: Application) -> None:
    """django-guardian keeps object permissions by id; drop them with the row."""
    UserObjectPermission.objects.filter(
        content_type=get_content_type(application), object_pk=str(application.pk)
    ).delete()
