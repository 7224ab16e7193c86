"""Open311 bodies in XML (required by the spec) and JSON (mirroring the XML, the "Spark convention").

    render(data, fmt="xml", root="services")

`data` is plain dicts and lists; a list's items are written under the singular element the spec names
(services/service, service_requests/request, errors/error, attributes/attribute, values/value,
endpoints/endpoint, formats/format). None is an empty element in XML and null in JSON.
"""

from __future__ import annotations

import json
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse

ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def _text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(data, *, root: str) -> bytes:
    element = Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def render(data, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    body = to_xml(data, root=root) if fmt == "xml" else to_json(data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
