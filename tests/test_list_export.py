"""Export what you see: the list's CSV and XLSX, read back as a user's spreadsheet would."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    MeetingFactory,
    ThemeFactory,
    UserFactory,
)
from tracker.models import Status

pytestmark = pytest.mark.django_db

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LONG = "長" * 30_000


def _csv(response) -> list[list[str]]:
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _xlsx(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _export(client, fmt: str, params=None):
    response = client.get(reverse("commitment-export", args=[fmt]), params or {})
    assert response.status_code == 200
    assert f'.{fmt}"' in response["Content-Disposition"]
    return response


@pytest.fixture
def hostile(division):
    """Formula-looking, control characters (NUL where the database can hold it), Word's line
    break, 30,000 characters, Japanese, XLSX markup."""
    controls = "".join(chr(c) for c in range(0 if connection.vendor == "sqlite" else 1, 32))
    return [
        CommitmentFactory(lead_division=division, title="=1+1", next_step="@SUM(A1)"),
        CommitmentFactory(lead_division=division, title="Ask Tokyo" + controls + "then Washington"),
        CommitmentFactory(lead_division=division, title="Line\x0bbreak", next_step=LONG[:2000]),
        CommitmentFactory(lead_division=division, title="日米同盟の抑止力・対処力の強化"),
        CommitmentFactory(lead_division=division, title="<r><x></r>", next_step=" & <b> "),
    ]


def test_csv_carries_hostile_text_as_text(editor_client, hostile):
    rows = _csv(_export(editor_client, "csv", {"cols": ["next_step", "status"]}))
    assert rows[0] == ["ID", "Commitment", "Status", "Next step"]
    titles = {row[1] for row in rows[1:]}
    assert "'=1+1" in titles and "=1+1" not in titles
    assert "日米同盟の抑止力・対処力の強化" in titles
    assert "Line\nbreak" in titles
    assert not any(XML_ILLEGAL.search(cell) for row in rows for cell in row)
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["'=1+1"][3] == "'@SUM(A1)"
    assert by_title["Line\nbreak"][3] == LONG[:2000]


def test_xlsx_carries_hostile_text_as_text(editor_client, hostile):
    rows = _xlsx(_export(editor_client, "xlsx", {"cols": "next_step"}))
    assert rows[0] == ("ID", "Commitment", "Next step")
    titles = {row[1] for row in rows[1:]}
    assert "'=1+1" in titles and "日米同盟の抑止力・対処力の強化" in titles
    assert "Line\nbreak" in titles
    assert ("<r><x></r>", " & <b> ") in {row[1:] for row in rows}
    assert not any(isinstance(v, str) and XML_ILLEGAL.search(v) for row in rows for v in row)


def test_a_30000_character_cell_survives_both_formats(editor_client, division, monkeypatch):
    # Longer than the model allows today, as text stored before the limits may be.
    CommitmentFactory(lead_division=division, title="Long next step")
    from tracker.models import Commitment

    Commitment.objects.filter(title="Long next step").update(next_step=LONG)
    csv_rows = _csv(_export(editor_client, "csv", {"cols": "next_step"}))
    assert csv_rows[1][2] == LONG
    xlsx_rows = _xlsx(_export(editor_client, "xlsx", {"cols": "next_step"}))
    assert xlsx_rows[1][2] == LONG


def test_the_export_has_every_matching_row_in_the_lists_order(editor_client, division):
    today = timezone.localdate()
    for day in range(60):
        CommitmentFactory(
            lead_division=division,
            title=f"Item {day:02}",
            target_date=today + datetime.timedelta(days=day),
            status=Status.IN_PROGRESS,
        )
    CommitmentFactory(lead_division=division, title="Closed", status=Status.COMPLETED)
    params = {"status": "open", "sort": "-target", "cols": "target"}
    listed = editor_client.get(reverse("commitment-list"), params)
    assert len(listed.context["page"].object_list) == 50  # the page shows 50 ...
    rows = _csv(_export(editor_client, "csv", params))
    titles = [row[1] for row in rows[1:]]
    assert titles == [f"Item {day:02}" for day in reversed(range(60))]  # ... the file all 60
    assert rows[1][2] == (today + datetime.timedelta(days=59)).isoformat()
    xlsx = _xlsx(_export(editor_client, "xlsx", params))
    assert [row[1] for row in xlsx[1:]] == titles
    # A real date, not text.
    assert xlsx[1][2] == datetime.datetime.combine(
        today + datetime.timedelta(days=59), datetime.time()
    )


def test_the_export_carries_the_chosen_columns_with_real_dates_and_names(editor_client, division):
    owner = UserFactory(first_name="Haruka", last_name="Tanaka")
    theme = ThemeFactory(name="Security", name_ja="安全保障")
    commitment = CommitmentFactory(
        lead_division=division,
        owner=owner,
        themes=[theme],
        target_date=datetime.date(2026, 3, 31),
    )
    cols = ["meeting", "owner", "division", "themes", "target", "updated", "confidence"]
    rows = _xlsx(_export(editor_client, "xlsx", {"cols": cols}))
    assert rows[0] == (
        "ID",
        "Commitment",
        "Origin meeting",
        "Confidence",
        "Owner",
        "Division",
        "Themes",
        "Target date",
        "Last update",
    )
    row = rows[1]
    assert row[0] == commitment.pk
    assert row[2] == commitment.origin_meeting.title
    assert row[4:7] == ("Haruka Tanaka", division.name, "Security")
    assert row[7] == datetime.datetime(2026, 3, 31)
    assert isinstance(row[8], datetime.datetime)
    japanese = _csv(
        editor_client.get(
            reverse("commitment-export", args=["csv"]),
            {"cols": cols},
            HTTP_ACCEPT_LANGUAGE="ja",
        )
    )
    assert "安全保障" in japanese[1]
    assert "Tanaka Haruka" in japanese[1]


def test_a_refused_filter_or_format_is_never_a_500(editor_client, division):
    CommitmentFactory(lead_division=division)
    rows = _csv(_export(editor_client, "csv", {"meeting": "999999", "due_within": "x"}))
    assert len(rows) == 2  # the refused filters are left out, as the page leaves them out
    assert editor_client.get(reverse("commitment-export", args=["pdf"])).status_code == 404
    assert (
        editor_client.get(reverse("commitment-export", args=["csv"]), {"q": "x" * 500}).status_code
        == 200
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_queries_do_not_grow_with_its_rows(editor_client, fmt):
    url = reverse("commitment-export", args=[fmt])
    params = {"cols": ["themes", "owner", "division", "meeting"]}

    def add(n):
        for _ in range(n):
            CommitmentFactory(
                owner=UserFactory(),
                lead_division=DivisionFactory(),
                themes=[ThemeFactory()],
                origin_meeting=MeetingFactory(),
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(editor_client.get(url, params).streaming_content)
        return len(captured.captured_queries)

    add(3)
    queries()
    few = queries()
    add(40)
    assert queries() == few
    # Session, user, the rows, their themes (one query per 2,000 rows), the security log's one
    # line; the filter form's own reads do not run without filters.
    assert few <= EXPORT_QUERIES


EXPORT_QUERIES = 7


def test_the_list_page_offers_the_exports_of_what_it_shows(editor_client, division):
    CommitmentFactory(lead_division=division)
    response = editor_client.get(reverse("commitment-list"), {"status": "open", "cols": "owner"})
    assert 'href="/commitments/export/csv/?status=open&amp;cols=owner"' in response.text
    assert 'href="/commitments/export/xlsx/?status=open&amp;cols=owner"' in response.text
