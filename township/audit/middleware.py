"""Every state-changing request of a signed-in user goes to the audit log: who, which page or endpoint,
which object (the URL's id), the outcome and the address. Reads are not logged (views of personal data are,
by the views that show it)."""

from township.audit.models import AuditKind, AuditOutcome
from township.audit.services import record

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Sign-in and sign-out have their own events; the language switch changes nothing worth keeping.
SKIPPED = {"login", "logout", "set_language", "services-hall-sign-in", "services-hall-sign-in-code"}


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in SAFE_METHODS:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        match = getattr(request, "resolver_match", None)
        name = (match.view_name if match else "") or request.path
        if name in SKIPPED:
            return response
        kwargs = match.kwargs if match else {}
        object_id = kwargs.get("pk") or kwargs.get("object_id") or kwargs.get("id") or ""
        status = response.status_code
        outcome = (
            AuditOutcome.FAILED
            if status >= 500
            else AuditOutcome.REFUSED
            if status >= 400
            else AuditOutcome.OK
        )
        step = f":{kwargs['action']}" if isinstance(kwargs.get("action"), str) else ""
        record(
            kind=AuditKind.ACTION,
            user=user,
            request=request,
            action=f"{request.method} {name}{step}",
            object_id=object_id,
            outcome=outcome,
            status_code=status,
        )
        return response
