"""The OpenAPI schema generates without warnings and lists every route; the interactive docs are
served by the app itself, under its Content-Security-Policy."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.api_helpers import token_client
from tests.test_api_permissions import API_EXPECTED

pytestmark = pytest.mark.django_db

# Routes that are not operations of the API itself.
NOT_OPERATIONS = {"api-schema", "api-docs", "api-not-found"}


def test_schema_generates_without_warnings_and_validates(tmp_path):
    # drf-spectacular's own validation against the OpenAPI 3 JSON schema; any warning fails.
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_lists_every_route(viewer):
    response = token_client(viewer).get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    expected = set()
    for name in set(API_EXPECTED) - NOT_OPERATIONS:
        pattern = {
            "api-commitment-detail": "/api/v1/commitments/{id}/",
            "api-commitment-status": "/api/v1/commitments/{id}/status/",
            "api-followup-create": "/api/v1/commitments/{id}/follow-ups/",
            "api-meeting-detail": "/api/v1/meetings/{id}/",
            "api-report-file": "/api/v1/reports/weekly/{fmt}/",
        }.get(name) or reverse(name)
        expected.add(pattern)
    assert paths == expected


def test_docs_are_served_locally_under_the_csp(viewer):
    client = Client()
    client.force_login(viewer)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.content.decode()
    # No inline script or style: the policy would refuse them.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
    script = client.get(reverse("api-docs") + "?script=")
    assert "javascript" in script["Content-Type"]
    assert reverse("api-schema") in script.content.decode()
