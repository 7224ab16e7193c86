"""A client's session as docs/open311.md shows it: discovery → services → a service definition → POST
(answered with a token) → the token → GET the request → GET requests. With OPEN311_SESSION=<path> the
transcript (real requests and answers) is written there for the documentation."""

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from tests.grid.open311.conftest import BASE, IN_GRID, body, xml

pytestmark = pytest.mark.django_db


@override_settings(GRID_OPEN311_ANSWER_WITH_TOKEN=True)
def test_a_client_session(api, place, key):
    transcript = []
    jurisdiction = {"jurisdiction_id": place.township.code}

    def show(method, path, params, answer, *, limit=1400):
        query = f"?{urlencode(params)}" if method == "GET" and params else ""
        text = answer.content.decode("utf-8")
        if len(text) > limit:
            text = text[:limit] + " …"
        sent = f"\n{urlencode(params)}" if method == "POST" else ""
        transcript.append(
            f"{method} {path}{query}{sent}\n→ {answer.status_code} {answer['Content-Type']}\n{text}\n"
        )
        return answer

    def get(path, params):
        return show("GET", f"{BASE}/{path}", params, api.get(f"{BASE}/{path}", params))

    discovery = xml(get("discovery.xml", {}))
    assert discovery.find("endpoints/endpoint/url").text.endswith("/open311/v2")
    services = body(get("services.json", jurisdiction))
    assert "01.02" in {s["service_code"] for s in services}
    definition = xml(get("services/01.02.xml", jurisdiction))
    assert definition.findtext("service_code") == "01.02"
    data = {
        **jurisdiction,
        "api_key": key,
        "service_code": "01.02",
        **IN_GRID,
        "address_string": "人民路12号",
        "description": "小区门口垃圾三天没人清",
        "attribute[landmark]": "联华超市",
        "media_url": "https://img.example.com/garbage.jpg",
    }
    shown = {**data, "api_key": key.split(".")[0] + ".…"}
    answer = api.post(f"{BASE}/requests.xml", data)
    show("POST", f"{BASE}/requests.xml", shown, answer)
    token = xml(answer).findtext("request/token")
    [found] = body(get(f"tokens/{token}.json", jurisdiction))
    number = found["service_request_id"]
    [request] = body(get(f"requests/{number}.json", jurisdiction))
    assert request["status"] == "open" and request["media_url"] == data["media_url"]
    listed = xml(get("requests.xml", {**jurisdiction, "status": "open"}))
    assert [r.findtext("service_request_id") for r in listed.findall("request")] == [number]
    if os.environ.get("OPEN311_SESSION"):
        Path(os.environ["OPEN311_SESSION"]).write_text("\n".join(transcript), encoding="utf-8")
