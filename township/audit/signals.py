"""Sign-ins, sign-outs and failed sign-ins go to the audit log, with the address."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from township.audit.models import AuditKind, AuditOutcome
from township.audit.services import record


@receiver(user_logged_in, dispatch_uid="audit.sign-in")
def signed_in(sender, request, user, **kwargs):
    record(kind=AuditKind.SIGN_IN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit.sign-out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(kind=AuditKind.SIGN_OUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit.sign-in-failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))
    record(
        kind=AuditKind.SIGN_IN_FAILED,
        username=username,
        request=request,
        outcome=AuditOutcome.REFUSED,
    )
