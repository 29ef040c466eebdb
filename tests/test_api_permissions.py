"""Every API route, every role: the workspace's permission rules hold through the API too.

The API's routes are listed here, not in tests/test_permissions.py (which defers to this file for
every route of tracker.api.urls): an API answers 401 where a page redirects to the log-in page.
"""

import datetime

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from tests.api_helpers import token_for
from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tests.test_api import SEED_READOUT
from tracker.api import urls as api_urls
from tracker.permissions import Role

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "other_editor", "editor", "manager")
READ = {"anonymous": 401} | dict.fromkeys(ROLES[1:], 200)
EDIT = {"anonymous": 401, "viewer": 403, "other_editor": 403}
MANAGE = {"anonymous": 401, "viewer": 403, "other_editor": 403, "editor": 403, "manager": 200}
IMPORT = {"anonymous": 401, "viewer": 403}
# name -> (method, body, {role: status}); "login" is a redirect to the log-in page.
API_EXPECTED = {
    "api-commitment-list": ("get", None, READ),
    "api-commitment-detail": ("get", None, READ),
    "api-commitment-status": (
        "post",
        {"status": "in_progress", "note": "Matrix."},
        EDIT | {"editor": 200, "manager": 200},
    ),
    "api-followup-create": (
        "post",
        {"meeting": "later", "outcome": "reaffirmed"},
        EDIT | {"editor": 201, "manager": 201},
    ),
    "api-meeting-list": ("get", None, READ),
    "api-meeting-detail": ("get", None, READ),
    "api-followup-list": ("get", None, READ),
    "api-theme-list": ("get", None, READ),
    "api-division-list": ("get", None, READ),
    "api-person-list": ("get", None, READ),
    "api-report": ("get", None, MANAGE),
    "api-report-file": ("get", None, MANAGE),
    "api-readout-draft": (
        "post",
        {"text": SEED_READOUT},
        IMPORT | {"other_editor": 200, "editor": 200, "manager": 200},
    ),
    "api-readout-save": (
        "post",
        {"text": SEED_READOUT},
        IMPORT | {"other_editor": 201, "editor": 201, "manager": 201},
    ),
    "api-schema": ("get", None, READ),
    # A page for people, behind the log-in like every page.
    "api-docs": ("get", None, {"anonymous": "login"} | dict.fromkeys(ROLES[1:], 200)),
    "api-not-found": ("get", None, {"anonymous": 401} | dict.fromkeys(ROLES[1:], 404)),
}
API_ROUTE_NAMES = {pattern.name for pattern in api_urls.urlpatterns}


def test_every_api_route_has_an_expectation():
    assert set(API_EXPECTED) == API_ROUTE_NAMES
    # Every route is under /api/v1/.
    names = {
        name
        for name, patterns in get_resolver().reverse_dict.lists()
        if isinstance(name, str) and name.startswith("api-") and name != "api-token-list"
    }
    assert names - {"api-token-revoke"} == API_ROUTE_NAMES


@pytest.fixture
def world(division, other_division):
    commitment = CommitmentFactory(lead_division=division)
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(9))
    users = {
        "viewer": UserFactory(username="viewer", roles=[Role.VIEWER]),
        "other_editor": UserFactory(
            username="other", roles=[Role.EDITOR], divisions=[other_division]
        ),
        "editor": UserFactory(username="editor", roles=[Role.EDITOR], divisions=[division]),
        "manager": UserFactory(username="manager", roles=[Role.MANAGER]),
    }
    return commitment, later, users


def _url(name, commitment):
    if name in {"api-commitment-detail", "api-commitment-status", "api-followup-create"}:
        return reverse(name, args=[commitment.pk])
    if name == "api-meeting-detail":
        return reverse(name, args=[commitment.origin_meeting_id])
    if name == "api-report-file":
        return reverse(name, args=["csv"]) + "?week=2026-W10"
    if name == "api-not-found":
        return "/api/v1/no-such-thing/"
    return reverse(name)


@pytest.mark.parametrize("name", sorted(API_EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(world, name, role):
    commitment, later, users = world
    method, body, expected_by_role = API_EXPECTED[name]
    expected = expected_by_role[role]
    client = Client()
    if role != "anonymous":
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(users[role])}")
        if name == "api-docs":
            client.force_login(users[role])
    url = _url(name, commitment)
    if body is not None:
        body = {key: later.pk if value == "later" else value for key, value in body.items()}
        response = client.post(
            url, body, content_type="application/json", HTTP_IF_MATCH=f'"{commitment.version}"'
        )
    else:
        response = getattr(client, method)(url)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == expected, (name, role, response.status_code, response.content)
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
