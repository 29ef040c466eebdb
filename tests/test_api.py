"""The JSON API's reads and writes, through HTTP with a token, read back from the database."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.api_helpers import token_client
from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    FollowUpFactory,
    MeetingFactory,
    ThemeFactory,
    UserFactory,
)
from tracker.models import Commitment, FollowUp, Status, StatusUpdate
from tracker.permissions import Role
from tracker.report import WeeklyReport, week_label

pytestmark = pytest.mark.django_db

JSON = "application/json"
PROBLEM = "application/problem+json"


def _post(client, url, data, **headers):
    return client.post(url, data, content_type=JSON, **headers)


def _all_pages(client, url):
    rows, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        url = body["next"]
        pages += 1
    return rows, pages


# Reads -------------------------------------------------------------------------------------------


def test_commitment_list_filters_as_the_list_page_does(viewer, division, other_division):
    ours = CommitmentFactory(lead_division=division, title="Sanctions on Russia")
    CommitmentFactory(lead_division=other_division, title="Realignment plan")
    archived = CommitmentFactory(lead_division=division, title="Archived sanctions")
    Commitment.objects.filter(pk=archived.pk).update(is_archived=True)
    client = token_client(viewer, scope="read")

    by_division = client.get(reverse("api-commitment-list"), {"division": division.pk}).json()
    assert [row["id"] for row in by_division["results"]] == [ours.pk]
    searched = client.get(reverse("api-commitment-list"), {"q": "sanctions"}).json()
    assert [row["id"] for row in searched["results"]] == [ours.pk]


def test_commitment_list_sorts_as_the_list_page_does(viewer, division):
    today = timezone.localdate()
    late = CommitmentFactory(lead_division=division, target_date=today + datetime.timedelta(9))
    early = CommitmentFactory(lead_division=division, target_date=today + datetime.timedelta(1))
    undated = CommitmentFactory(lead_division=division)
    client = token_client(viewer, scope="read")
    for sort, expected in (
        ("target", [early.pk, late.pk, undated.pk]),
        # Blanks last in both directions, as on the page.
        ("-target", [late.pk, early.pk, undated.pk]),
    ):
        body = client.get(reverse("api-commitment-list"), {"sort": sort}).json()
        assert [row["id"] for row in body["results"]] == expected, sort


def test_a_bad_filter_is_a_problem_naming_the_field(viewer):
    response = token_client(viewer).get(reverse("api-commitment-list"), {"status": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize(
    "sort", ["meeting", "-meeting", "target", "-target", "updated", "-updated", "status", "-status"]
)
def test_cursor_pages_visit_every_row_once_in_the_page_order(viewer, division, sort):
    today = timezone.localdate()
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING]
    meetings = [MeetingFactory() for _ in range(3)]
    for index in range(23):
        CommitmentFactory(
            lead_division=division,
            origin_meeting=meetings[index % 3],
            quote_position=None if index % 4 == 0 else index % 5,
            status=statuses[index % 3],
            # Ties and blanks: the cursor must still neither repeat nor skip a row.
            target_date=None if index % 3 == 0 else today + datetime.timedelta(index % 4),
        )
    client = token_client(viewer, scope="read")
    whole = client.get(reverse("api-commitment-list"), {"sort": sort, "limit": 200}).json()
    url = reverse("api-commitment-list") + f"?sort={sort}&limit=4"
    rows, pages = _all_pages(client, url)
    assert pages == 6
    assert [row["id"] for row in rows] == [row["id"] for row in whole["results"]]
    assert len({row["id"] for row in rows}) == 23


def test_a_cursor_of_another_sort_or_forged_is_refused(viewer, division):
    for _ in range(3):
        CommitmentFactory(lead_division=division)
    client = token_client(viewer)
    next_url = client.get(reverse("api-commitment-list"), {"limit": 1}).json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    other = client.get(reverse("api-commitment-list"), {"cursor": cursor, "sort": "-updated"})
    assert other.status_code == 400
    for forged in ("%%%", "eyJzIjoibWVldGluZyJ9", "x" * 2000, "WyJhIl0"):
        response = client.get(reverse("api-commitment-list"), {"cursor": forged})
        assert response.status_code == 400, forged
        assert response["Content-Type"] == PROBLEM
    assert client.get(reverse("api-commitment-list"), {"limit": "0"}).status_code == 400
    assert client.get(reverse("api-commitment-list"), {"limit": "²"}).status_code == 400


def test_commitment_detail_has_timeline_followups_and_etag(viewer, division, editor):
    commitment = CommitmentFactory(lead_division=division)
    follow_up = FollowUpFactory(commitment=commitment, recorded_by=editor)
    response = token_client(viewer).get(reverse("api-commitment-detail", args=[commitment.pk]))
    assert response.status_code == 200
    assert response["ETag"] == f'"{commitment.version}"'
    body = response.json()
    assert body["quote"] == commitment.quote
    assert [f["id"] for f in body["follow_ups"]] == [follow_up.pk]
    kinds = {entry["kind"] for entry in body["timeline"]}
    assert {"update", "followup"} <= kinds


def test_unknown_commitment_is_a_404_problem(viewer):
    response = token_client(viewer).get(reverse("api-commitment-detail", args=[999999]))
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 404


def test_meetings_followups_and_reference_lists(viewer, division):
    commitment = CommitmentFactory(lead_division=division)
    follow_up = FollowUpFactory(commitment=commitment)
    theme = ThemeFactory(code="russia-ukraine", name="Russia/Ukraine", name_ja="ロシア・ウクライナ")
    client = token_client(viewer, scope="read")
    meetings = client.get(reverse("api-meeting-list")).json()["results"]
    assert {m["id"] for m in meetings} == {commitment.origin_meeting_id, follow_up.meeting_id}
    meeting = client.get(reverse("api-meeting-detail", args=[commitment.origin_meeting_id]))
    assert meeting.json()["commitments"] == [commitment.pk]
    follow_ups = client.get(reverse("api-followup-list"), {"commitment": commitment.pk}).json()
    assert [f["id"] for f in follow_ups["results"]] == [follow_up.pk]
    assert client.get(reverse("api-followup-list"), {"commitment": "x"}).status_code == 400
    themes = client.get(reverse("api-theme-list"), HTTP_ACCEPT_LANGUAGE="ja").json()["results"]
    assert themes == [
        {
            "id": theme.pk,
            "code": "russia-ukraine",
            "name": "ロシア・ウクライナ",
            "name_en": "Russia/Ukraine",
            "name_ja": "ロシア・ウクライナ",
        }
    ]
    divisions = client.get(reverse("api-division-list")).json()["results"]
    assert [d["code"] for d in divisions] == [division.code]
    assert client.get(reverse("api-person-list")).status_code == 200


def test_themes_and_parties_are_codes_in_the_order_of_their_names(viewer, division):
    """Read for all the rows of a page at once; each row gets its own, none gets another's."""
    alpha, beta = (
        ThemeFactory(code="z-theme", name="Alpha"),
        ThemeFactory(code="a-theme", name="Beta"),
    )
    japan, usa = CountryFactory(code="XJ", name="Japan"), CountryFactory(code="XU", name="USA")
    both = CommitmentFactory(lead_division=division, themes=[beta, alpha], parties=[usa, japan])
    one = CommitmentFactory(lead_division=division, themes=[beta], parties=[usa])
    bare = CommitmentFactory(lead_division=division)
    client = token_client(viewer, scope="read")
    rows = {row["id"]: row for row in client.get(reverse("api-commitment-list")).json()["results"]}
    assert (rows[both.pk]["themes"], rows[both.pk]["parties"]) == (
        ["z-theme", "a-theme"],
        ["XJ", "XU"],
    )
    assert (rows[one.pk]["themes"], rows[one.pk]["parties"]) == (["a-theme"], ["XU"])
    assert (rows[bare.pk]["themes"], rows[bare.pk]["parties"]) == ([], [])
    detail = client.get(reverse("api-commitment-detail", args=[both.pk])).json()
    assert (detail["themes"], detail["parties"]) == (["z-theme", "a-theme"], ["XJ", "XU"])


@pytest.mark.parametrize("language", ["en", "ja"])
def test_choice_labels_are_in_the_callers_language(viewer, division, language):
    """Each choice's label beside its code, translated per request; a code the choices no longer
    hold (data older than a renamed choice) is sent as it is, as `get_FOO_display` gives it."""
    commitment = CommitmentFactory(lead_division=division, status=Status.STALLED)
    follow_up = FollowUpFactory(commitment=commitment)
    Commitment.objects.filter(pk=commitment.pk).update(confidence="retired")
    client = token_client(viewer, scope="read")
    language_header = {"HTTP_ACCEPT_LANGUAGE": language}
    row = client.get(reverse("api-commitment-list"), **language_header).json()["results"][0]
    detail = client.get(reverse("api-commitment-detail", args=[commitment.pk]), **language_header)
    meeting = client.get(
        reverse("api-meeting-detail", args=[commitment.origin_meeting_id]), **language_header
    )
    with translation.override(language):
        status_label = str(Status.STALLED.label)
        outcome_label = follow_up.get_outcome_display()
        kind_label = commitment.origin_meeting.get_kind_display()
    assert (status_label != "Stalled") == (language == "ja")
    assert (row["status"], row["status_label"]) == ("stalled", status_label)
    assert (row["confidence"], row["confidence_label"]) == ("retired", "retired")
    assert detail.json()["status_label"] == status_label
    assert [f["outcome_label"] for f in detail.json()["follow_ups"]] == [outcome_label]
    assert meeting.json()["kind_label"] == kind_label


def test_weekly_report_as_json_and_files(manager, division):
    item = CommitmentFactory(lead_division=division)
    client = token_client(manager, scope="read")
    body = client.get(reverse("api-report"), {"week": "2026-W10"}).json()
    assert body["week"] == "2026-W10"
    assert {row["key"] for row in body["status_counts"]} >= {"not_started", "completed"}
    csv = client.get(reverse("api-report-file", args=["csv"]), {"week": "2026-W10"})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert "2026-W10" in csv["Content-Disposition"]
    xlsx = client.get(reverse("api-report-file", args=["xlsx"]), {"week": "2026-W10"})
    assert xlsx.content[:2] == b"PK"
    # The rows by field, and every part of the report, which the build works out only when read.
    this_week = {"week": week_label(timezone.localdate())}
    body = client.get(reverse("api-report"), this_week).json()
    assert set(WeeklyReport.PARTS) <= set(body)
    [row] = body["open_rows"]
    assert (row["title"], row["division"]) == (item.title, division.name)
    [group] = body["open_by_theme"]
    assert group["rows"] == [row]
    bad = client.get(reverse("api-report"), {"week": "2026-W99"})
    assert bad.status_code == 400
    assert "week" in bad.json()["errors"]
    assert client.get(reverse("api-report-file", args=["html"])).status_code == 404


# Writes ------------------------------------------------------------------------------------------


def test_status_update_goes_through_the_service_with_if_match(editor, division, spy_service):
    calls = spy_service("commitment_set_status")
    commitment = CommitmentFactory(lead_division=division)
    url = reverse("api-commitment-status", args=[commitment.pk])
    response = _post(
        token_client(editor),
        url,
        {
            "status": "in_progress",
            "confidence": "amber",
            "note": "Talks began.",
            "next_step": "Draft the plan",
            "target_date": "2027-03-31",
        },
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert len(calls) == 1
    commitment.refresh_from_db()
    assert (commitment.status, commitment.confidence, commitment.version) == (
        "in_progress",
        "amber",
        2,
    )
    assert commitment.next_step == "Draft the plan"
    assert commitment.target_date == datetime.date(2027, 3, 31)
    entry = StatusUpdate.objects.filter(commitment=commitment).latest("created_at")
    assert (entry.note, entry.author) == ("Talks began.", editor)


def test_stale_status_update_is_412_with_what_changed(editor, manager, division):
    commitment = CommitmentFactory(lead_division=division)
    url = reverse("api-commitment-status", args=[commitment.pk])
    first = _post(
        token_client(manager), url, {"status": "in_progress", "note": "Mine."}, HTTP_IF_MATCH='"1"'
    )
    assert first.status_code == 200
    stale = _post(
        token_client(editor), url, {"status": "stalled", "note": "Blocked."}, HTTP_IF_MATCH='"1"'
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    body = stale.json()
    assert body["current_version"] == 2
    assert stale["ETag"] == '"2"'
    assert {"field": "status", "yours": "not_started", "now": "in_progress"} in body["changes"]
    assert {"field": "note", "yours": None, "now": "Mine."} in body["changes"]
    assert "manager" in body["detail"]
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    assert not StatusUpdate.objects.filter(note="Blocked.").exists()


def test_status_update_without_if_match_is_428_and_writes_nothing(editor, division):
    commitment = CommitmentFactory(lead_division=division)
    url = reverse("api-commitment-status", args=[commitment.pk])
    response = _post(token_client(editor), url, {"status": "in_progress"})
    assert response.status_code == 428
    assert response["Content-Type"] == PROBLEM
    bad = _post(token_client(editor), url, {"status": "in_progress"}, HTTP_IF_MATCH="latest")
    assert bad.status_code == 400
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_a_move_the_lifecycle_refuses_is_422_naming_the_field(editor, division):
    commitment = CommitmentFactory(lead_division=division)
    url = reverse("api-commitment-status", args=[commitment.pk])
    response = _post(token_client(editor), url, {"status": "stalled"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 422
    assert "note" in response.json()["errors"]
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_STARTED


def test_follow_up_link_goes_through_the_service(editor, division, spy_service):
    calls = spy_service("followup_record")
    commitment = CommitmentFactory(lead_division=division)
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(30))
    url = reverse("api-followup-create", args=[commitment.pk])
    client = token_client(editor)
    response = _post(client, url, {"meeting": later.pk, "outcome": "reaffirmed", "note": "Again."})
    assert response.status_code == 201, response.content
    assert len(calls) == 1
    assert FollowUp.objects.get(commitment=commitment).meeting == later
    again = _post(client, url, {"meeting": later.pk, "outcome": "reaffirmed"})
    assert again.status_code == 422
    assert "meeting" in again.json()["errors"]
    unknown = _post(client, url, {"meeting": 999999, "outcome": "reaffirmed"})
    assert unknown.status_code == 400


SEED_READOUT = """Japan-U.S. Foreign Ministers' Meeting

On July 29, 2022, commencing at 1:43 p.m. (local time) for approximately 50 minutes, \
Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, held a meeting with \
the Honorable Antony Blinken, Secretary of State of the United States, in Washington, D.C.

1. The two ministers confirmed their commitment to implement strong sanction measures \
against Russia.
2. The two ministers concurred on steady implementation of the realignment plan of the \
U.S. forces in Japan.
"""


def test_readout_draft_is_what_import_readout_json_prints(editor, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "readout.txt"
    path.write_text(SEED_READOUT, encoding="utf-8")
    out = StringIO()
    call_command("import_readout", str(path), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    printed.pop("file")
    response = _post(token_client(editor), reverse("api-readout-draft"), {"text": SEED_READOUT})
    assert response.status_code == 200
    assert response.json() == printed
    assert response.json()["commitments"]


def test_readout_save_goes_through_readout_save(editor, division, spy_service):
    calls = spy_service("readout_save")
    client = token_client(editor)
    response = _post(client, reverse("api-readout-save"), {"text": SEED_READOUT})
    assert response.status_code == 201, response.content
    assert len(calls) == 1
    body = response.json()
    saved = Commitment.objects.filter(pk__in=body["commitments"])
    assert saved.count() == len(body["commitments"]) >= 1
    assert all(c.lead_division == division for c in saved)
    assert saved.first().origin_meeting_id == body["meeting"]
    again = _post(client, reverse("api-readout-save"), {"text": SEED_READOUT})
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert again.json()["meeting"] == body["meeting"]


def test_readout_save_refuses_another_division(editor, other_division):
    response = _post(
        token_client(editor),
        reverse("api-readout-save"),
        {"text": SEED_READOUT, "division": other_division.code},
    )
    assert response.status_code == 400
    assert "division" in response.json()["errors"]
    assert not Commitment.objects.exists()


# Session and CSRF --------------------------------------------------------------------------------


def test_the_browser_session_reads_and_writes_with_its_csrf_token(editor, division):
    commitment = CommitmentFactory(lead_division=division)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(reverse("api-commitment-list")).status_code == 200
    url = reverse("api-commitment-status", args=[commitment.pk])
    refused = _post(client, url, {"status": "in_progress"}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get(reverse("dashboard"))
    token = client.cookies["csrftoken"].value
    saved = _post(
        client, url, {"status": "in_progress"}, HTTP_IF_MATCH='"1"', HTTP_X_CSRFTOKEN=token
    )
    assert saved.status_code == 200, saved.content


def test_method_not_allowed_is_a_problem_with_allow(viewer):
    response = token_client(viewer).delete(reverse("api-commitment-list"))
    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert "GET" in response["Allow"]


def test_problem_titles_in_japanese(viewer):
    response = token_client(viewer).get(
        reverse("api-commitment-detail", args=[999999]), HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.json()["title"] == "見つかりません"


# Query counts ------------------------------------------------------------------------------------


def _seed(count, division):
    themes = [ThemeFactory() for _ in range(3)]
    owner = UserFactory(username="owner", roles=[Role.EDITOR])
    for index in range(count):
        CommitmentFactory(lead_division=division, owner=owner, themes=themes[: index % 4])


@pytest.mark.parametrize("rows", [5, 40])
def test_commitment_list_queries_are_constant_in_rows(
    viewer, division, rows, django_assert_num_queries
):
    _seed(rows, division)
    client = token_client(viewer, scope="read")
    # The token with its user, the page, its themes, its parties: the token's last use was
    # written by the first request, and reading needs no role (every user reads).
    client.get(reverse("api-commitment-list"))
    with django_assert_num_queries(4):
        response = client.get(reverse("api-commitment-list"), {"limit": 50})
    assert len(response.json()["results"]) == rows


def test_commitment_detail_and_status_update_queries_are_pinned(
    editor, division, django_assert_max_num_queries
):
    commitment = CommitmentFactory(lead_division=division)
    client = token_client(editor)
    client.get(reverse("api-commitment-detail", args=[commitment.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("api-commitment-detail", args=[commitment.pk]))
    with django_assert_max_num_queries(40):
        response = _post(
            client,
            reverse("api-commitment-status", args=[commitment.pk]),
            {"status": "in_progress"},
            HTTP_IF_MATCH='"1"',
        )
    assert response.status_code == 200


def test_head_and_options_on_every_route_answer_without_error(editor, division):
    from tests.test_api_permissions import API_EXPECTED, _url

    commitment = CommitmentFactory(lead_division=division)
    client = token_client(editor)
    client.force_login(editor)
    for name in API_EXPECTED:
        url = _url(name, commitment)
        for method in ("head", "options"):
            response = getattr(client, method)(url)
            assert response.status_code < 500, (name, method, response.status_code)
