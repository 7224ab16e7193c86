"""A mapped township (two grids with boundaries), an Open311 key for it, and a client speaking English."""

import json
import xml.etree.ElementTree as ET

import pytest

from tests.grid.channels.helpers import mapped_place
from tests.grid.events.helpers import LAT, LNG
from township.api_keys import issue_api_key
from township.org.models import ApiClient

BASE = "/open311/v2"
IN_GRID = {"lat": str(LAT), "long": str(LNG - 0.004)}


@pytest.fixture
def place():
    return mapped_place()


@pytest.fixture
def key(place):
    _client, key = issue_api_key(
        township=place.township, name="FixMyStreet", purpose=ApiClient.Purpose.OPEN311
    )
    return key


@pytest.fixture
def api(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer in a test


def body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def errors_of(response) -> list[tuple[int, str]]:
    """The spec's error body, in either format, as (code, description) pairs."""
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(e["code"], e["description"]) for e in body(response)]
