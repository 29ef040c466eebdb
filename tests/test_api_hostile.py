"""Hostile bodies to every write endpoint: each is refused with a problem (4xx), never a 500, and
nothing is written."""

import json

import pytest
from django.urls import reverse

from tests.api_helpers import token_client
from tests.factories import CommitmentFactory, MeetingFactory
from tracker.models import Commitment, FollowUp, Meeting, StatusUpdate

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
JSON = "application/json"
HUGE = "x" * 1_000_000

# (body bytes, content type): each is refused whatever the endpoint.
HOSTILE = [
    (b"{", JSON),
    (b"", JSON),
    (b"null", JSON),
    (b"[]", JSON),
    (b'[{"status": "in_progress"}]', JSON),
    (b'"in_progress"', JSON),
    (b"12", JSON),
    (b'{"status": NaN}', JSON),
    (b'{"status": Infinity, "meeting": -Infinity}', JSON),
    (b"[" * 100_000 + b"]" * 100_000, JSON),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, JSON),
    (b'{"text": "\xff\xfe\xfa", "status": "\xc3\x28"}', JSON),
    ('{"text": "caf\u00e9"}'.encode("latin-1"), JSON),
    (b'{"text": "\\ud800", "note": "\\udfff", "status": "in_progress"}', JSON),
    (json.dumps({"status": 5, "note": ["x"], "meeting": {"a": 1}, "text": [7]}).encode(), JSON),
    (json.dumps({"status": None, "meeting": None, "outcome": [], "text": None}).encode(), JSON),
    (
        json.dumps(
            {
                "status": "in_progress",
                "meeting": 10**30,
                "outcome": "advanced",
                "target_date": "2026-02-30",
                "text": {"x": 1},
            }
        ).encode(),
        JSON,
    ),
    (
        json.dumps(
            {
                "status": "in\x00progress",
                "note": "\x00",
                "text": "\x00" * 10,
                "meeting": "1\x00",
                "outcome": "\x00",
            }
        ).encode(),
        JSON,
    ),
    (
        json.dumps(
            {
                "status": "in_progress",
                "note": HUGE,
                "next_step": HUGE,
                "quote": HUGE,
                "meeting": HUGE,
                "outcome": HUGE,
                "text": HUGE,
                "evidence_url": HUGE,
            }
        ).encode(),
        JSON,
    ),
    (
        json.dumps(
            {
                "status": "in_progress",
                "text": "  ",
                "division": ["a"],
                "evidence_url": "javascript:alert(1)",
                "source_url": "=1+1",
            }
        ).encode(),
        JSON,
    ),
    (b"x" * 3_000_000, JSON),
    (b"status=in_progress&text=hello", "application/x-www-form-urlencoded"),
    (b'{"status": "in_progress", "text": "hello"}', "text/plain"),
    (b'{"status": "in_progress", "text": "hello"}', "application/xml"),
    (
        b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nx\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
]
WRITES = ["api-commitment-status", "api-followup-create", "api-readout-draft", "api-readout-save"]


def _url(name, commitment):
    if name in ("api-commitment-status", "api-followup-create"):
        return reverse(name, args=[commitment.pk])
    return reverse(name)


@pytest.mark.parametrize("name", WRITES)
def test_hostile_bodies_are_refused_as_problems_and_write_nothing(editor, division, name):
    commitment = CommitmentFactory(lead_division=division)
    MeetingFactory()
    client = token_client(editor)
    url = _url(name, commitment)
    counts = (
        Commitment.objects.count(),
        StatusUpdate.objects.count(),
        FollowUp.objects.count(),
        Meeting.objects.count(),
    )
    for body, content_type in HOSTILE:
        response = client.generic(
            "POST", url, body, content_type=content_type, HTTP_IF_MATCH=f'"{commitment.version}"'
        )
        shown = body[:60]
        assert 400 <= response.status_code < 500, (name, shown, response.status_code)
        assert response["Content-Type"] == PROBLEM, (name, shown)
        problem = response.json()
        assert problem["status"] == response.status_code
        assert problem["title"] and problem["detail"] and problem["type"]
    after = (
        Commitment.objects.count(),
        StatusUpdate.objects.count(),
        FollowUp.objects.count(),
        Meeting.objects.count(),
    )
    assert after == counts
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_the_refusals_say_what_is_wrong(editor, division):
    commitment = CommitmentFactory(lead_division=division)
    client = token_client(editor)
    url = reverse("api-commitment-status", args=[commitment.pk])

    def post(body, content_type=JSON):
        return client.generic("POST", url, body, content_type=content_type, HTTP_IF_MATCH='"1"')

    assert post(b"{").status_code == 400
    assert post(b"[]").json()["detail"].startswith("Send a JSON object")
    assert post(b"[" * 100_000).status_code == 400
    assert post(b"x" * 3_000_000).status_code == 413
    assert post(b"a=1", "application/x-www-form-urlencoded").status_code == 415
    wrong = post(json.dumps({"status": "done", "note": "x" * 6000}).encode())
    assert wrong.status_code == 400
    assert set(wrong.json()["errors"]) == {"status", "note"}
    nul = post(json.dumps({"status": "in_progress", "note": "a\x00b"}).encode())
    assert nul.status_code == 400
    assert "note" in nul.json()["errors"]
