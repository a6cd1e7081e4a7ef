"""The OpenAPI schema and its docs page; schemathesis over the schema finds no server error."""

from __future__ import annotations

import contextlib
import re

import pytest
import schemathesis
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_schema_describes_the_endpoints_and_bearer_tokens(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/registers/", "/api/v1/registers/{id}/submit/",
            "/api/v1/sessions/{id}/not-accounted-for/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_docs_page_uses_local_assets_under_the_strict_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "en"
    assert soup.find("style") is None
    assert not any(tag.get("style") for tag in soup.find_all(True))
    sources = [s["src"] for s in soup.find_all("script")] + [link["href"] for link in soup.find_all("link")]
    assert sources and all(src.startswith("/") for src in sources), sources  # nothing from elsewhere
    for src in sources:
        if src.startswith("/static/"):
            assert finders.find(src.removeprefix("/static/")), f"{src} is not a local static file"
    script_url = next(s for s in sources if "script=" in s)
    script = client.get(script_url)
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()


@contextlib.contextmanager
def _connections_kept_open():
    """Calling the WSGI app directly sends request_started/finished, which would close the test's
    database connection mid-transaction; Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


MAX_EXAMPLES = 60  # per operation and mode (valid and invalid data): about 360 cases in all


def test_schemathesis_finds_no_server_error(api_world):
    token = api_world.token(K.PROVIDER, Role.PROVIDER_MANAGER)
    from attendance.models import ExpectedSession
    from tenancy.scoping import scopes_disabled

    with scopes_disabled():
        sessions = list(ExpectedSession.objects.values_list("pk", flat=True))
    real_ids = {"registers": [api_world.register_a.pk, api_world.register_b.pk], "sessions": sessions}
    app = get_wsgi_application()
    with _connections_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 3
        seen: list[int] = []
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            for operation in operations:
                ids = next((v for k, v in real_ids.items() if f"/{k}/" in operation.path), [])

                @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy(generation_mode=mode), target=st.sampled_from([*ids, None]))
                def run(case, target):
                    if target is not None and "id" in (case.path_parameters or {}):
                        case.path_parameters["id"] = target  # real objects too, not only unknown ids
                    response = case.call(headers={"Authorization": f"Bearer {token}"})
                    seen.append(response.status_code)
                    assert response.status_code < 500, (
                        f"{case.method} {case.formatted_path} → {response.status_code}: {response.text[:500]}")
                    if response.status_code >= 400:
                        headers = {k.lower(): v for k, v in response.headers.items()}
                        content_type = headers["content-type"]
                        content_type = content_type[0] if isinstance(content_type, list) else content_type
                        assert content_type.startswith("application/json"), (case.formatted_path, content_type)

                run()
    assert len(seen) >= 200
    assert {200, 400} <= set(seen), sorted(set(seen))  # it reached both the happy path and refusals
    assert re.match(r"^apc_", token)
