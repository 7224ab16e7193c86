"""Read queries of the documents: the public lookup by number and the staff-scoped list."""

from township.documents.models import IssuedDocument


def document_by_number(number: str) -> IssuedDocument | None:
    return IssuedDocument.objects.select_related("township").filter(number=number).first()


def documents_visible_to(user):
    return IssuedDocument.objects.visible_to(user).select_related("township")
