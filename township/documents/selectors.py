"""Read queries of the documents: the public lookup by number and the staff-scoped list."""

from township.casework.selectors import attached_to_visible_cases
from township.documents.models import IssuedDocument
from township.org.scope import ScopeKind, data_scope, visible_to


def document_by_number(number: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("township").filter(number=number).first()


def documents_visible_to(user):
    """The documents in the user's data scope; a department (the back office) sees only the documents of
    the cases it may see, not every document of the township."""
    return scope_documents(IssuedDocument.objects.select_related("township"), user)


def scope_documents(queryset, user):
    queryset = visible_to(queryset, user)
    if data_scope(user).kind == ScopeKind.DEPARTMENT:
        queryset = attached_to_visible_cases(queryset, user)
    return queryset
