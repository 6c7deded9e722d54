"""The OpenAPI document at /docs/openapi.json, and schemathesis against it on the real service
(PostgreSQL, Redis, two workers): for every endpoint, generated valid and invalid inputs never get
a 5xx, and every answer matches the document (status code, content type, body schema).

Requests carry what a real client would: the admin bearer token on /admin/api/*, a signed-in
user's session cookie on the user endpoints, and a correct X-Fission-Signature on the signed
webhooks (computed over the generated body), so the fuzzer reaches the code behind the guards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bot.infra.signing import sign
from bot.web import docs
from main import build_app
from tests.support.config import make_settings
from tests.support.fakewx import FakeWeChat
from tests.support.service import Service, login

REDIS_DB = 3
MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SIGNED = {"/api/orders/events": "orders", "/api/payments/notify": "payments", "/api/payments/orders": "payments",
          "/api/payments/orders/{order_no}/refund": "payments"}


class Fuzzed:
    def __init__(self, service: Service, cookie: str):
        self.service, self.cookie = service, cookie
        self.http = requests.Session()

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith("/admin/"):
            return {"Authorization": "Bearer " + self.service.config["admin"]["token"]}
        return {"Cookie": f"fx_session={self.cookie}"}

    def send(self, case: schemathesis.Case) -> requests.Response:
        kwargs = case.as_transport_kwargs(base_url=self.service.base, headers=self.headers_for(case.path))
        section = SIGNED.get(case.path)
        if section:
            _sign(kwargs, self.service.config[section]["secret"])
        kwargs.setdefault("timeout", 30)
        kwargs["allow_redirects"] = False
        response = self.http.request(**kwargs)
        if case.path == "/admin/api/campaign/pause":  # paused, helps and draws answer 503 by design: resume
            self.http.post(self.service.base + "/admin/api/campaign/resume", headers=self.headers_for(case.path),
                           timeout=30)
        if case.path == "/admin/api/campaign/settings":  # a live change (a pause, a tiny budget): back to version 1
            self.http.post(self.service.base + case.path, json={"from_version": 1},
                           headers=self.headers_for(case.path), timeout=30)
        return response


def _sign(kwargs: dict[str, Any], secret: str) -> None:
    """Replace the generated body by its exact bytes and sign them as the order / payment system does."""
    if "json" in kwargs:
        raw = json.dumps(kwargs.pop("json"), ensure_ascii=False).encode()
    else:
        data = kwargs.pop("data", b"")
        raw = data.encode() if isinstance(data, str) else bytes(data or b"")
    kwargs["data"] = raw
    kwargs.setdefault("headers", {})["X-Fission-Signature"] = sign(raw, secret)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fuzzed]:
    fake = FakeWeChat()
    fake.start()
    service = Service(fake.url, workers=2, redis_db=REDIS_DB, campaign={"controls_cache_s": 0})  # pause seen at once
    try:
        phone = login(service.base, "o-fuzzer")
        cookie = phone.cookies.get("fx_session")
        phone.close()
        service.order_event(openid="o-fuzzer")  # one real packet, so list endpoints have content
        yield Fuzzed(service, str(cookie))
    finally:
        service.stop()
        fake.stop()


@pytest.fixture(scope="module")
def openapi(fuzzed: Fuzzed) -> Any:
    return schemathesis.openapi.from_url(fuzzed.service.base + "/docs/openapi.json")


schema = schemathesis.pytest.from_fixture("openapi")


def test_every_route_is_documented(fuzzed: Fuzzed) -> None:
    doc = httpx.get(fuzzed.service.base + "/docs/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    ops = [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]
    assert len(ops) >= 55
    for path, method, op in ops:
        assert op.get("summary"), (method, path)
        assert op.get("responses"), (method, path)
        if path.startswith(("/api/", "/admin/api/")):
            errors = [s for s in op["responses"] if s.startswith(("4", "5"))]
            assert errors, (method, path)
            for status in errors:
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, status)
    help_op = doc["paths"]["/api/share/{token}/help"]["post"]
    assert {"401", "403", "404", "409", "410", "429"} <= set(help_op["responses"])
    assert doc["paths"]["/admin/api/activities"]["post"]["requestBody"]["content"]["application/json"]
    page = httpx.get(fuzzed.service.base + "/docs")
    assert page.status_code == 200 and "https://" not in page.text  # no CDN: the UI works offline
    assert httpx.get(fuzzed.service.base + "/docs/ui/swagger-ui-bundle.js").status_code == 200


def test_every_operation_has_its_own_id_naming_its_method(fuzzed: Fuzzed) -> None:
    """A route answering PUT and PATCH shares one handler; each method still has its own id, the
    same on every start (they were shared, and taken from a set's order, before)."""
    doc = httpx.get(fuzzed.service.base + "/docs/openapi.json").json()
    ids = [(method, op["operationId"]) for item in doc["paths"].values() for method, op in item.items()]
    assert len({op_id for _, op_id in ids}) == len(ids)
    assert all(op_id.startswith(method + "~") for method, op_id in ids), ids
    update = doc["paths"]["/admin/api/coupon-templates/{template_id}"]
    assert (update["put"]["operationId"], update["patch"]["operationId"]) == (
        "put~coupon_admin.update", "patch~coupon_admin.update")


def test_the_table_describes_every_route() -> None:
    """A new route needs its entry in bot/web/docs_routes.py (summary, body, responses)."""
    assert docs.undocumented(build_app(make_settings(), name="docs" + uuid.uuid4().hex[:8])) == []


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case: schemathesis.Case, fuzzed: Fuzzed) -> None:
    response = fuzzed.send(case)
    case.validate_response(response, checks=CHECKS)


# ---- regressions: each of these was a 500 found by the fuzzer --------------------------------------


@pytest.mark.parametrize("path", ["/api/packets/14506676821646773573386240", "/api/packets/-99999999999999999999999",
                                  "/admin/api/activities/-1065083922113425750293877882880",
                                  "/admin/api/coupon-templates/27199326423590535168",
                                  "/api/share/" + "x" * 44, "/api/share/" + "x" * 70 + "/poster.png",
                                  "/api/coupons/claim/" + "y" * 50])
def test_regression_impossible_ids_and_tokens_are_404(fuzzed: Fuzzed, path: str) -> None:
    r = httpx.get(fuzzed.service.base + path, headers=fuzzed.headers_for(path))
    assert (r.status_code, r.json()["error"]) == (404, "not_found")


def test_regression_impossible_token_on_a_page_is_an_html_404(fuzzed: Fuzzed) -> None:
    r = httpx.get(fuzzed.service.base + "/p/" + "z" * 60, headers=fuzzed.headers_for("/p/"))
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_regression_nul_in_a_signed_order_event_is_400(fuzzed: Fuzzed) -> None:
    r = fuzzed.service.order_event(event_id="e\u0000vil")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_body")


def test_regression_nul_in_a_query_is_400(fuzzed: Fuzzed) -> None:
    r = httpx.get(fuzzed.service.base + "/oauth/login?next=/me%00")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_body")


def test_regression_unknown_user_prize_status_is_400(fuzzed: Fuzzed) -> None:
    path = "/admin/api/user-prizes"
    r = httpx.get(fuzzed.service.base + path, params={"status": ",./;'[]-=<>?:{}|_+!@#$%^&*()~"},
                  headers=fuzzed.headers_for(path))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_body")
    ok = httpx.get(fuzzed.service.base + path, params={"status": "pending"}, headers=fuzzed.headers_for(path))
    assert ok.status_code == 200
