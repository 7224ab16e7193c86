"""Services: what an applicant is told: the tracking link and one SMS per state change."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from services.models import Application, ApplicationStatus, DeliveryMethod
from township.notify.services import send_sms

S = ApplicationStatus


def tracking_url(application: Application) -> str:
    query = urlencode({"number": application.number, "code": application.query_code})
    return f"{settings.SITE_URL}{reverse('services-track')}?{query}"


_SMS_TEXT = {
    S.SUBMITTED: gettext_noop(
        "Your application %(number)s (%(title)s) has been received; query code %(code)s."
    ),
    S.ACCEPTED: gettext_noop(
        "Your application %(number)s (%(title)s) has been accepted and is promised by %(due)s. "
        "Track it: %(url)s"
    ),
    S.NOTIFIED: gettext_noop(
        "Your application %(number)s (%(title)s) lacks materials; please see the one-time notice "
        "and supply everything listed."
    ),
    S.NOT_ACCEPTED: gettext_noop(
        "Your application %(number)s (%(title)s) was not accepted. Reason: %(reason)s"
    ),
    S.COMPLETED: gettext_noop("Your application %(number)s (%(title)s) has been completed. Thank you."),
    S.WITHDRAWN: gettext_noop("Your application %(number)s (%(title)s) has been withdrawn."),
    S.SUPPLEMENT: gettext_noop(
        "Your application %(number)s (%(title)s) needs these materials: %(what)s. Upload them online or "
        "bring them to the service hall. Track it: %(url)s"
    ),
    S.IN_REVIEW: gettext_noop("Your application %(number)s (%(title)s) is in review. Track it: %(url)s"),
    S.APPROVED: gettext_noop("Your application %(number)s (%(title)s) has been approved. Track it: %(url)s"),
    S.DENIED: gettext_noop("Your application %(number)s (%(title)s) has been decided. Track it: %(url)s"),
    S.RESULT_READY: gettext_noop(
        "The result of your application %(number)s (%(title)s) is ready: %(delivery)s."
    ),
    S.DELIVERED: gettext_noop(
        "The result of your application %(number)s (%(title)s) has been delivered%(tracking)s."
    ),
}


def sms_text(application: Application, *, note: str = "") -> str:
    """The applicant's SMS for the application's current state; `note` is the step's (the materials asked
    for by a supplement)."""
    template = _SMS_TEXT.get(application.status)
    if template is None:
        return ""
    delivery = (
        _("we will post it to you")
        if application.delivery_method == DeliveryMethod.POST
        else _("please pick it up at the service hall")
    )
    tracking = (
        _(", postal tracking number %(number)s") % {"number": application.postal_tracking_number}
        if application.postal_tracking_number
        else ""
    )
    return _(template) % {
        "number": application.number,
        "title": application.title,
        "code": application.query_code,
        "due": application.due_date.isoformat() if application.due_at else "",
        "url": tracking_url(application),
        "reason": application.refusal_reason,
        "what": note,
        "delivery": delivery,
        "tracking": tracking,
    }


def notify_applicant(sender, *, case: Application, entry, **kwargs) -> None:
    """One SMS per state change, keyed by the timeline entry, so a retried step never sends twice.
    Connected to `case_transitioned` for applications (services/apps.py)."""
    application, entry_seq = case, entry.seq
    if not application.applicant_phone or application.parent_id:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = sms_text(application, note=entry.note)
    if body:
        send_sms(
            to=application.applicant_phone,
            body=body,
            key=f"application:{application.pk}:{entry_seq}",
            township=application.township,
        )
