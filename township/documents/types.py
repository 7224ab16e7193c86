"""Registry of document types: a code stored on each document, a label, and the prefix in its number."""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
PREFIX_RE = re.compile(r"^[A-Z]{1,6}$")


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: str | Promise
    prefix: str


_registry: dict[str, DocumentType] = {}


class UnknownDocumentType(ValueError):
    """A document type code nobody registered: a bug in the caller, not bad user input."""


def register_document_type(code: str, label, prefix: str) -> DocumentType:
    """Register a type (call at import time or in AppConfig.ready); registering it again is harmless.

    The prefix goes into the document number, so two types may not share one.
    """
    if not CODE_RE.match(code):
        raise ImproperlyConfigured(f"document type code {code!r}: use lower-case letters, digits and _")
    if not PREFIX_RE.match(prefix):
        raise ImproperlyConfigured(f"document type prefix {prefix!r}: use 1 to 6 capital letters")
    existing = _registry.get(code)
    if existing is not None:
        if existing.prefix != prefix:
            raise ImproperlyConfigured(
                f"document type {code!r} is registered with prefix {existing.prefix!r}, not {prefix!r}"
            )
        return existing
    for other in _registry.values():
        if other.prefix == prefix:
            raise ImproperlyConfigured(f"prefix {prefix!r} is already used by document type {other.code!r}")
    document_type = DocumentType(code=code, label=label, prefix=prefix)
    _registry[code] = document_type
    return document_type


def get_document_type(code: str) -> DocumentType:
    try:
        return _registry[code]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise UnknownDocumentType(f"unknown document type {code!r} (registered: {known})") from None


def document_types() -> list[DocumentType]:
    return sorted(_registry.values(), key=lambda document_type: document_type.code)


# The kernel's own type, for demos and tests; apps register theirs (receipts, decisions ...) in ready().
NOTICE = register_document_type("notice", _("Notice"), "TZ")
