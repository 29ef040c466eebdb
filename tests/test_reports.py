"""The weekly report: its content as of a week's end, every format, the command, the views."""

import csv
import datetime
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zoneinfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker import report as reports
from tracker import services
from tracker.cells import FORMULA_PREFIXES
from tracker.models import (
    Commitment,
    Confidence,
    FollowUpOutcome,
    IssuedReport,
    IssuedReportFile,
    Status,
)
from tracker.report import pdf as report_pdf
from tracker.services import reports as report_services

# The issued-report list: session, user, roles, the pager's count, the reports, their files, and
# the header's unread-notification count.
PINNED_ISSUED_LIST = 7
# An issue: the last issue, the report's 12 queries, then in a savepoint the last issue again,
# full_clean's checks of the issuer and the division, the report row and its files.
PINNED_ISSUE = 20
# The same from the page: session, user, roles and the division the form names come first; the
# security log's record of the issue last (in a savepoint).
PINNED_ISSUE_PAGE = 27
# Monday 24 to Sunday 30 November 2025, Japan time.
WEEK = "2025-W48"
START = aware("2025-11-24 00:00")
END = aware("2025-12-01 00:00")
NOW = aware("2026-01-15 12:00")
HOSTILE = '=HYPERLINK("http://evil.example","x")'
JAPANESE = "「拉致問題の早期解決」"
HTMX = {"HX-Request": "true"}


def edit(commitment, *, user, **data):
    commitment.refresh_from_db()
    return services.commitment_edit(
        commitment=commitment, user=user, data=data, expected_version=commitment.version
    )


def move(commitment, status, at, *, user, confidence=None, note="Moved."):
    services.commitment_set_status(
        commitment=commitment,
        expected_version=commitment.version,
        user=user,
        status=status,
        confidence=confidence,
        note=note,
        at=at,
    )
    commitment.refresh_from_db()


class World:
    """Five commitments whose state at the end of WEEK is worked out by hand in the tests."""

    def __init__(self):
        self.security = ThemeFactory(code="security", name="Security and defence")
        self.russia = ThemeFactory(code="russia", name="Russia/Ukraine")
        self.economy = ThemeFactory(code="economy", name="Economic order")
        self.na = DivisionFactory(code="na1", name="North America Division")
        self.europe = DivisionFactory(code="europe", name="Europe Division")
        self.scc = MeetingSeriesFactory(name="Japan-U.S. Security Consultative Committee")
        self.origin = MeetingFactory(
            title="Japan-U.S. Foreign Ministers' Meeting",
            starts_at=aware("2025-07-29 13:43", "America/New_York"),
            time_zone="America/New_York",
        )
        self.officer = UserFactory(
            username="tanaka", first_name="Hanako", last_name="Tanaka", roles=["Manager"]
        )
        # Managers, so that the services let them edit every commitment of this world.
        self.author = UserFactory(
            username="suzuki", first_name="Ichiro", last_name="Suzuki", roles=["Manager"]
        )

        self.sanctions = self.make(
            "Implement strong sanctions against Russia",
            themes=[self.russia],
            lead_division=self.europe,
            target_date=datetime.date(2026, 3, 31),
            next_step="Align the next package with the G7.",
        )
        self.realignment = self.make(
            "Implement the realignment plan",
            themes=[self.security],
            target_date=datetime.date(2025, 11, 1),
            follow_up_venue=self.scc,
        )
        self.deterrence = self.make(
            "Strengthen extended deterrence", themes=[self.security], owner=None
        )
        self.ipef = self.make("Advance the IPEF negotiations", themes=[self.economy])

        move(self.sanctions, Status.IN_PROGRESS, aware("2025-11-10 09:00"), user=self.author)
        move(self.ipef, Status.COMPLETED, aware("2025-11-05 10:00"), user=self.author, note="Done.")
        # During the week.
        move(
            self.sanctions,
            Status.STALLED,
            aware("2025-11-26 15:00"),
            user=self.author,
            confidence=Confidence.RED,
            note="The EU package is delayed.",
        )
        move(
            self.realignment,
            Status.IN_PROGRESS,
            aware("2025-11-27 10:00"),
            user=self.officer,
            confidence=Confidence.AMBER,
            note="The working group met.",
        )
        self.new = self.make(
            "Hold a 2+2 early next year", created="2025-11-25 11:00", themes=[self.security]
        )
        self.held = MeetingFactory(
            title="Japan-U.S. Foreign Ministers' Telephone Talk",
            starts_at=aware("2025-11-28 08:00"),
        )
        FollowUpFactory(
            commitment=self.sanctions,
            meeting=self.held,
            outcome=FollowUpOutcome.PROGRESS_REPORTED,
            note="Discussed the next package.",
            recorded_by=self.author,
            recorded_at=aware("2025-11-28 18:00"),
        )
        # Deterrence came up at the committee before: security items now point to the series.
        FollowUpFactory(
            commitment=self.deterrence,
            meeting=MeetingFactory(
                title="Security Consultative Committee 2025",
                series=self.scc,
                starts_at=aware("2025-09-10 10:00"),
            ),
            recorded_at=aware("2025-09-11 10:00"),
        )
        self.upcoming = MeetingFactory(
            title="Security Consultative Committee (2+2)",
            series=self.scc,
            starts_at=aware("2025-12-05 10:00"),
        )
        self.too_late = MeetingFactory(
            title="Committee beyond the horizon",
            series=self.scc,
            starts_at=aware("2025-12-20 10:00"),
        )

    def make(self, title, *, created="2025-08-01 10:00", **fields):
        fields.setdefault("owner", self.officer)
        fields.setdefault("lead_division", self.na)
        fields.setdefault("origin_meeting", self.origin)
        return CommitmentFactory(
            title=title,
            author=self.author,
            created_at=aware(created),
            **fields,
        )


@pytest.fixture
def world(db):
    return World()


def build(**kwargs):
    return reports.build_report(week=WEEK, now=NOW, **kwargs)


def titles(rows):
    return [row.title for row in rows]


def csv_rows(report):
    data = b"".join(reports.iter_csv(report))
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# Weeks --------------------------------------------------------------------------------------------


def test_parse_iso_week_gives_monday_to_monday_in_the_configured_time_zone():
    start, end = reports.parse_iso_week("2026-W48")
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    assert start == datetime.datetime(2026, 11, 23, tzinfo=tokyo)
    assert end == datetime.datetime(2026, 11, 30, tzinfo=tokyo)
    assert start.utcoffset() == datetime.timedelta(hours=9)
    assert reports.parse_iso_week("2026-w53")[0].date() == datetime.date(2026, 12, 28)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-W60", "has no week 60"),
        ("2025-W53", "has no week 53"),
        ("2026-W00", "has no week 0"),
        # Weeks whose report would step off the calendar (the week before, the fortnight after).
        ("0001-W01", "is out of range"),
        ("9999-W52", "is out of range"),
        ("1899-W52", "is out of range"),
        ("3000-W01", "is out of range"),
        # Digits of other scripts, which int() would read.
        ("٢٠٢٦-W48", "is not an ISO week"),
        ("2026-48", "is not an ISO week"),
        ("W48", "is not an ISO week"),
        ("", "is not an ISO week"),
    ],
)
def test_parse_iso_week_refuses_bad_weeks_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        reports.parse_iso_week(text)


def test_last_complete_week_is_the_week_before_now_in_japan_time():
    assert reports.last_complete_week(aware("2026-11-26 10:00")) == "2026-W47"
    # Sunday 16:30 UTC is already Monday in Tokyo: the week just ended is complete.
    assert reports.last_complete_week(aware("2026-11-29 16:30", "UTC")) == "2026-W48"
    assert reports.last_complete_week(aware("2026-01-01 09:00")) == "2025-W52"


def test_build_report_refuses_a_week_that_has_not_begun(db):
    with pytest.raises(ValueError, match="has not begun"):
        reports.build_report(week="2026-W10", now=aware("2026-02-01 10:00"))


# Content ------------------------------------------------------------------------------------------


def test_summary_counts_by_status_and_confidence_with_the_change_since_last_week(world):
    report = build()
    status = {row.key: (row.count, row.previous, row.change) for row in report.status_counts}
    assert status[Status.NOT_STARTED] == (2, 2, 0)
    assert status[Status.IN_PROGRESS] == (1, 1, 0)
    assert status[Status.STALLED] == (1, 0, 1)
    assert status[Status.COMPLETED] == (1, 1, 0)
    confidence = {row.key: (row.count, row.previous) for row in report.confidence_counts}
    assert confidence == {
        Confidence.RED: (1, 0),
        Confidence.AMBER: (1, 0),
        Confidence.GREEN: (2, 3),
    }
    assert (report.total.count, report.total.previous, report.total.change_text) == (5, 4, "+1")
    assert (report.open_total.count, report.open_total.previous) == (4, 3)


def test_what_changed_lists_moves_with_notes_and_authors_new_items_and_meetings(world):
    report = build()
    moves = [
        (c.commitment.title, c.status_from, c.status_to, c.confidence_to, c.note, c.author)
        for c in report.changes
    ]
    assert moves == [
        (
            "Implement strong sanctions against Russia",
            Status.IN_PROGRESS,
            Status.STALLED,
            Confidence.RED,
            "The EU package is delayed.",
            "Ichiro Suzuki",
        ),
        (
            "Implement the realignment plan",
            Status.NOT_STARTED,
            Status.IN_PROGRESS,
            Confidence.AMBER,
            "The working group met.",
            "Hanako Tanaka",
        ),
    ]
    assert titles(report.new_commitments) == ["Hold a 2+2 early next year"]
    [held] = report.meetings_held
    assert held.title == "Japan-U.S. Foreign Ministers' Telephone Talk"
    assert [(f.commitment.title, f.outcome, f.note, f.recorded_by) for f in held.follow_ups] == [
        (
            "Implement strong sanctions against Russia",
            FollowUpOutcome.PROGRESS_REPORTED,
            "Discussed the next package.",
            "Ichiro Suzuki",
        )
    ]
    assert report.has_changes


def test_a_week_without_changes_says_so(world):
    report = reports.build_report(week="2025-W44", now=NOW)  # 27 Oct to 2 Nov: nothing happened
    assert report.changes == []
    assert report.new_commitments == []
    assert report.meetings_held == []
    assert not report.has_changes
    assert report.total.change == 0
    html = reports.render_html(report)
    assert "No changes this week." in html
    assert "No meetings held this week." in html


def test_needs_attention_lists_overdue_red_stale_and_ownerless_items(world):
    groups = {group.key: titles(group.rows) for group in build().attention}
    assert groups == {
        "overdue": ["Implement the realignment plan"],
        "red": ["Implement strong sanctions against Russia"],
        "stale": ["Strengthen extended deterrence"],
        "no_owner": ["Strengthen extended deterrence"],
    }


def test_coming_up_lists_the_next_fortnights_meetings_with_their_briefing_list(world):
    [meeting] = build().upcoming
    assert meeting.title == "Security Consultative Committee (2+2)"
    # Realignment names the series as venue; deterrence came up there; the new item shares the
    # security theme with it. Sanctions (another theme) and the closed IPEF item do not point.
    assert set(titles(meeting.briefing)) == {
        "Implement the realignment plan",
        "Strengthen extended deterrence",
        "Hold a 2+2 early next year",
    }


def test_full_table_lists_open_commitments_grouped_by_theme(world):
    report = build()
    groups = {group.name: titles(group.rows) for group in report.open_by_theme}
    assert groups == {
        "Russia/Ukraine": ["Implement strong sanctions against Russia"],
        # By target date (none last), then title.
        "Security and defence": [
            "Implement the realignment plan",
            "Hold a 2+2 early next year",
            "Strengthen extended deterrence",
        ],
    }
    sanctions = report.open_by_theme[0].rows[0]
    assert sanctions.origin_meeting == "Japan-U.S. Foreign Ministers' Meeting"
    assert sanctions.owner == "Hanako Tanaka"
    assert sanctions.division == "Europe Division"
    assert (sanctions.status, sanctions.confidence) == (Status.STALLED, Confidence.RED)
    assert sanctions.target_date == datetime.date(2026, 3, 31)
    assert sanctions.last_update == aware("2025-11-26 15:00")
    assert sanctions.next_step == "Align the next package with the G7."


def test_filters_by_division_and_theme(world):
    europe = build(division=world.europe)
    assert titles(europe.open_rows) == ["Implement strong sanctions against Russia"]
    assert europe.total.count == 1
    assert "Division: Europe Division" in europe.filters_text
    security = build(theme=world.security)
    assert set(titles(security.open_rows)) == {
        "Implement the realignment plan",
        "Strengthen extended deterrence",
        "Hold a 2+2 early next year",
    }
    assert [c.commitment.title for c in security.changes] == ["Implement the realignment plan"]


def test_a_past_week_reads_the_same_after_later_updates(world):
    before = build()
    before_csv = b"".join(reports.iter_csv(before))
    before_html = reports.render_html(before)

    FollowUpFactory(
        commitment=world.realignment,
        meeting=world.held,
        recorded_at=aware("2025-12-03 09:00"),
    )
    move(world.realignment, Status.COMPLETED, aware("2025-12-10 10:00"), user=world.officer)
    move(
        world.sanctions,
        Status.IN_PROGRESS,
        aware("2025-12-02 10:00"),
        user=world.officer,
        confidence=Confidence.GREEN,
        note="Package agreed.",
    )
    edit(world.sanctions, user=world.officer, title="Renamed later", next_step="Other.")
    services.commitment_reassign(
        commitment=world.deterrence,
        user=world.officer,
        owner=world.officer,
        lead_division=world.europe,
    )
    edit(world.new, user=world.officer, is_archived=True)
    CommitmentFactory(
        title="Created after the week", author=world.author, origin_meeting=world.origin
    )

    after = build()
    assert b"".join(reports.iter_csv(after)) == before_csv
    assert reports.render_html(after) == before_html
    assert after.status_counts == before.status_counts
    # The later changes (written now, by the clock) are visible in the current week's report.
    current = reports.build_report(week=reports.week_label(timezone.localdate()))
    assert "Renamed later" in titles(current.open_rows)
    assert "Hold a 2+2 early next year" not in titles(current.open_rows)


def test_title_and_owner_come_from_the_history_row_before_the_weeks_end(world):
    history = Commitment.history.filter(id=world.sanctions.pk)
    history.update(history_date=aware("2025-08-01 10:00"))
    edit(world.sanctions, user=world.officer, title="Renamed in time")
    history.filter(title="Renamed in time").update(history_date=aware("2025-11-20 10:00"))
    edit(world.sanctions, user=world.officer, title="Renamed too late")

    assert "Renamed in time" in titles(build().open_rows)
    assert "Renamed too late" not in titles(build().open_rows)


def read_in_full(report) -> None:
    """Every part of `report` worked out, as the page and the XLSX read them."""
    for name in reports.WeeklyReport.PARTS:
        getattr(report, name)


def test_build_report_query_count_does_not_grow_with_commitments(world, django_assert_num_queries):
    # The journal's head as of the week's end (which the report states), every commitment's state
    # at the end, their themes, and the names of themes, divisions and origin meetings.
    with django_assert_num_queries(6):
        few = build()
    # Each part when first read: the states at the week's start (the summary), the week's
    # journal, the meetings held and their follow-ups, the meetings coming up and the follow-ups
    # of their series.
    with django_assert_num_queries(6):
        read_in_full(few)
    for index in range(30):
        commitment = world.make(f"Extra item {index}", themes=[world.security, world.russia])
        move(commitment, Status.IN_PROGRESS, aware("2025-11-26 10:00"), user=world.author)
        FollowUpFactory(
            commitment=commitment, meeting=world.held, recorded_at=aware("2025-11-28 19:00")
        )
    with django_assert_num_queries(6):
        many = build()
    with django_assert_num_queries(6):
        read_in_full(many)
    assert len(many.open_rows) == len(few.open_rows) + 30
    assert len(many.changes) == len(few.changes) + 30


def test_each_part_of_the_report_is_read_once_and_not_after_its_release(
    world, django_assert_num_queries
):
    report = build()
    with django_assert_num_queries(1):
        counts = report.status_counts
    with django_assert_num_queries(0):
        assert report.total.count == sum(row.count for row in counts)
    opened = list(report.open_rows)
    report.release()
    # A part read before the release stays; one that was not cannot be worked out from the
    # released states, which would give an empty table rather than the week's.
    assert report.total.count > 0 and opened
    with pytest.raises(RuntimeError, match="released before its changes"):
        len(report.changes)


# Formats ------------------------------------------------------------------------------------------


def test_every_formula_prefix_stays_text_in_the_csv_and_the_xlsx(world):
    # The one rule of tracker.cells, as the report's writers apply it.
    hostile = [prefix + "SUM(A1)" for prefix in FORMULA_PREFIXES]
    for title in hostile:
        world.make(title, themes=[world.economy])
    report = build()
    csv_titles = {row[1] for row in csv_rows(report)[1:]}
    sheet = load_workbook(io.BytesIO(reports.render_xlsx(report)))["Open commitments"]
    xlsx_titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    for title in hostile:
        assert "'" + title in csv_titles
        # XML reads a carriage return in text as a line feed.
        assert "'" + title.replace("\r", "\n") in xlsx_titles
    assert "Implement the realignment plan" in csv_titles & xlsx_titles


def test_csv_is_utf8_with_bom_and_neutralises_formulas(world):
    world.make(HOSTILE, themes=[world.economy])
    world.make(JAPANESE, themes=[world.economy])
    rows = csv_rows(build())
    header, *body = rows
    assert header[:3] == ["ID", "Title", "Themes"]
    by_title = {row[1]: row for row in body}
    assert "'" + HOSTILE in by_title
    assert HOSTILE not in by_title
    assert JAPANESE in by_title
    sanctions = by_title["Implement strong sanctions against Russia"]
    assert sanctions[2:] == [
        "Russia/Ukraine",
        # Its local date: 2:43 a.m. on 30 July in Japan.
        "Japan-U.S. Foreign Ministers' Meeting (2025-07-29)",
        "Hanako Tanaka",
        "Europe Division",
        "Stalled",
        "Red — off track",
        "2026-03-31",
        "2025-11-26 15:00",
        "Align the next package with the G7.",
    ]
    assert len(body) == 6


def test_xlsx_has_one_sheet_per_section_with_frozen_bold_filtered_headers_and_real_dates(world):
    world.make(HOSTILE, themes=[world.economy])
    book = load_workbook(io.BytesIO(reports.render_xlsx(build())))
    assert book.sheetnames == [
        "Summary",
        "What changed",
        "New commitments",
        "Meetings held",
        "Needs attention",
        "Coming up",
        "Open commitments",
        "About",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
        assert sheet.auto_filter.ref.startswith("A1:")
    table = book["Open commitments"]
    assert table.column_dimensions["B"].width == 48
    rows = {row[1]: row for row in table.iter_rows(min_row=2, values_only=True)}
    assert "'" + HOSTILE in rows
    assert all(cell.data_type == "s" for cell in table["B"][1:])
    sanctions = rows["Implement strong sanctions against Russia"]
    assert sanctions[8] == datetime.datetime(2026, 3, 31)
    assert sanctions[9] == datetime.datetime(2025, 11, 26, 15, 0)
    assert table.auto_filter.ref == f"A1:K{table.max_row}"
    changes = list(book["What changed"].iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in changes] == [
        "Implement strong sanctions against Russia",
        "Implement the realignment plan",
    ]
    assert changes[0][0] == datetime.datetime(2025, 11, 26, 15, 0)
    summary = {
        (row[0], row[1]): row[2:] for row in book["Summary"].iter_rows(min_row=2, values_only=True)
    }
    assert summary[("Status", "Stalled")] == (1, 0, 1)


def test_xlsx_download_keeps_text_that_looks_like_spreadsheet_markup(client, manager, world):
    # XlsxWriter copies text framed as "<r>…</r>" into the file unescaped, as a rich string: a
    # title like this one made the whole XLSX unreadable.
    markup = "<r><x></r>"
    commitment = world.make(markup, themes=[world.economy])
    move(commitment, Status.STALLED, aware("2025-11-26 10:00"), user=manager, note="<r>a & b</r>")
    client.force_login(manager)
    response = client.get(reverse("report-download", args=["xlsx"]), {"week": WEEK})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.getvalue()))
    titles = {row[1] for row in book["Open commitments"].iter_rows(min_row=2, values_only=True)}
    assert markup in titles
    notes = {row[8] for row in book["What changed"].iter_rows(min_row=2, values_only=True)}
    assert "<r>a & b</r>" in notes


def test_pdf_is_a4_with_page_numbers_header_and_japanese_text(world):
    world.make(JAPANESE, themes=[world.economy])
    pdf = PdfReader(io.BytesIO(reports.render_pdf(build())))
    first = pdf.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (842, 595)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert JAPANESE in text
    assert "Weekly status report 2025-W48" in text
    assert "Week 2025-W48 (2025-11-24 – 2025-11-30)" in text
    assert f"1 / {len(pdf.pages)}" in text
    assert "Implement strong sanctions against Russia" in text
    assert "The EU package is delayed." in text
    assert "No owner" in text


def test_pdf_cuts_long_tables_and_points_to_the_xlsx(world, monkeypatch):
    monkeypatch.setattr(report_pdf, "PDF_ROW_LIMITS", {**report_pdf.PDF_ROW_LIMITS, "open": 2})
    report = build()
    assert len(report.open_rows) > 2
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(reports.render_pdf(report))).pages
    )
    assert "too many to print; the full table is in the XLSX and the CSV" in text
    # The XLSX still has every open commitment.
    book = load_workbook(io.BytesIO(reports.render_xlsx(report)))
    assert max(sheet.max_row for sheet in book.worksheets) - 1 >= len(report.open_rows)


def test_pdf_prints_statuses_and_arrows_as_text_where_the_page_has_badges(world, manager):
    # The PDF colours neither, and every span is a box WeasyPrint lays out: plain text there,
    # the badge on the page and in the HTML file.
    commitment = world.make("Badge check", themes=[world.economy])
    move(commitment, Status.STALLED, aware("2025-11-26 10:00"), user=manager, note="Held up.")
    report = build()
    pdf_html = render_to_string(
        "tracker/report_pdf.html",
        report_pdf.page_context(report, layout=report_pdf.pdf_layout(report)),
    )
    assert "badge status-" not in pdf_html and 'class="arrow"' not in pdf_html
    assert re.search(r"In progress\s*→\s*Stalled", pdf_html)
    assert "Stalled" in PdfReader(io.BytesIO(reports.render_pdf(build()))).pages[0].extract_text()
    html = reports.render_html(build())
    assert '<span class="badge status-stalled">Stalled</span>' in html
    assert '<span class="arrow">→</span>' in html


def test_html_file_stands_alone_and_escapes_user_text(world):
    world.make("<script>alert(1)</script>", themes=[world.economy])
    html = reports.render_html(build())
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and ".report-header" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Strengthen extended deterrence" in html


def test_importing_the_report_and_the_services_leaves_weasyprint_unloaded():
    # WeasyPrint takes a second to import and is needed only to write a PDF: every process that
    # imports the services (the web workers above all) would pay for it.
    code = (
        "import sys, django; django.setup(); "
        "import tracker.report, tracker.services, tracker.views.reports; "
        "assert 'weasyprint' not in sys.modules, 'imported'"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


# Issuing ------------------------------------------------------------------------------------------


def test_report_issue_keeps_every_format_with_its_checksum(world, manager):
    issued = services.report_issue(
        week=WEEK, division=None, theme=None, user=manager, formats=reports.FORMATS, now=NOW
    )
    files = {f.format: f for f in issued.files.all()}
    assert sorted(files) == ["csv", "html", "pdf", "xlsx"]
    for stored in files.values():
        content = bytes(stored.content)
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.size == len(content)
    assert bytes(files["csv"].content) == b"".join(reports.iter_csv(build()))
    assert (issued.week, issued.issued_by, issued.issued_at) == (WEEK, manager, NOW)


def test_command_writes_one_format_to_the_named_file_and_records_the_issue(world, tmp_path):
    target = tmp_path / "report.pdf"
    out = io.StringIO()
    call_command(
        "weekly_report", "--week", WEEK, "--format", "pdf", "--output", str(target), stdout=out
    )
    assert target.read_bytes().startswith(b"%PDF")
    issued = IssuedReport.objects.get()
    assert issued.issued_by is None
    assert issued.week == WEEK
    [stored] = issued.files.all()
    assert bytes(stored.content) == target.read_bytes()
    assert stored.sha256 in out.getvalue()


def test_command_defaults_to_the_last_complete_week_in_every_format(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("weekly_report", stdout=io.StringIO())
    week = reports.last_complete_week()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"weekly-report-{week}.{ext}" for ext in ("csv", "html", "pdf", "xlsx")
    ]
    assert IssuedReport.objects.get().files.count() == 4


def test_command_takes_formats_comma_separated_or_repeated_into_a_directory(world, tmp_path):
    call_command(
        "weekly_report",
        "--week",
        WEEK,
        "--format",
        "csv,xlsx",
        "--format",
        "csv",
        "--division",
        "na1",
        "--user",
        "tanaka",
        "--output",
        str(tmp_path / "out"),
        stdout=io.StringIO(),
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "weekly-report-2025-W48-na1.csv",
        "weekly-report-2025-W48-na1.xlsx",
    ]
    issued = IssuedReport.objects.get()
    assert (issued.division, issued.issued_by) == (world.na, world.officer)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--week", "2026-W60"], "has no week 60"),
        (["--week", "2026-48"], "is not an ISO week"),
        (["--format", "docx"], "Unknown format docx"),
        (["--division", "nowhere"], "No division with code “nowhere”"),
        (["--theme", "nothing"], "No theme with code “nothing”"),
        (["--user", "nobody"], "No user “nobody”"),
        (["--email"], "REPORT_RECIPIENTS"),
    ],
)
def test_command_explains_bad_arguments(db, tmp_path, settings, arguments, message):
    settings.REPORT_RECIPIENTS = []
    with pytest.raises(CommandError, match=message):
        call_command("weekly_report", *arguments, "--output", str(tmp_path), stdout=io.StringIO())
    assert not IssuedReport.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_command_exits_non_zero_on_a_bad_week(db, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "weekly_report", "--week", "2026-W60"]).execute()
    assert exit_info.value.code != 0
    assert "has no week 60" in capsys.readouterr().err


def test_command_emails_pdf_and_xlsx_to_the_distribution_list(world, tmp_path, settings):
    settings.REPORT_RECIPIENTS = ["directors@example.org", "bureau@example.org"]
    call_command(
        "weekly_report",
        "--week",
        WEEK,
        "--format",
        "csv",
        "--output",
        str(tmp_path / "r.csv"),
        "--email",
        stdout=io.StringIO(),
    )
    [message] = mail.outbox
    assert message.to == ["directors@example.org", "bureau@example.org"]
    assert "2025-W48" in message.subject
    attachments = {name: (content, mimetype) for name, content, mimetype in message.attachments}
    assert sorted(attachments) == ["weekly-report-2025-W48.pdf", "weekly-report-2025-W48.xlsx"]
    pdf, pdf_type = attachments["weekly-report-2025-W48.pdf"]
    assert pdf.startswith(b"%PDF") and pdf_type == "application/pdf"
    stored = IssuedReport.objects.get().files.get(format="xlsx")
    assert bytes(stored.content) == attachments["weekly-report-2025-W48.xlsx"][0]
    assert (tmp_path / "r.csv").exists()


# Views --------------------------------------------------------------------------------------------


@pytest.fixture
def issued(world, manager):
    return services.report_issue(
        week=WEEK, division=world.na, theme=None, user=manager, formats=reports.FORMATS, now=NOW
    )


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_only_managers_see_the_report_pages(request, client, world, issued, who):
    client.force_login(request.getfixturevalue(who))
    pages = [
        reverse("report"),
        reverse("report-download", args=["pdf"]),
        reverse("issued-report-list"),
        reverse("issued-report-download", args=[issued.pk, "pdf"]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("report-issue"), {"week": WEEK}).status_code == 403
    assert IssuedReport.objects.count() == 1


def test_manager_sees_the_report_for_a_week_with_its_filters(client, manager, world):
    client.force_login(manager)
    response = client.get(reverse("report"), {"week": WEEK, "division": "na1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Weekly status report 2025-W48" in html
    assert "Division: North America Division" in html
    assert "Implement the realignment plan" in html
    assert "Implement strong sanctions against Russia" not in html
    assert (
        f'href="{reverse("report-download", args=["pdf"])}?week=2025-W48&amp;division=na1"' in html
    )
    # The Content-Security-Policy forbids inline styles.
    assert "<style" not in html and 'style="' not in html
    assert "tracker/report.css" in html


def test_the_report_page_keeps_no_commitment_state_once_rendered(client, manager, world):
    # Django's template context holds the report in a cycle until a full collection: without
    # the release, every page's states piled up in the worker (8 MB a page at 10,000 items).
    client.force_login(manager)
    for params, headers in (({"week": WEEK}, {}), ({"week": WEEK, "part": "open"}, HTMX)):
        response = client.get(reverse("report"), params, headers=headers)
        assert response.status_code == 200
        report = response.context["report"]
        assert len(report.open_rows) == 4
        held = [cell.cell_contents for cell in report._free.__closure__]
        assert len(held) == 2 and not any(held)


def test_report_page_defaults_to_the_last_complete_week(client, manager, db):
    client.force_login(manager)
    response = client.get(reverse("report"))
    assert response.status_code == 200
    assert response.context["report"].week == reports.last_complete_week()


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W60", "has no week 60"),
        ("next week", "is not an ISO week"),
        ("2999-W01", "not begun"),
    ],
)
def test_report_page_shows_a_bad_week_next_to_the_field(client, manager, db, week, message):
    client.force_login(manager)
    response = client.get(reverse("report"), {"week": week})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert message in str(response.context["form"].errors["week"])
    assert message in response.content.decode()


def test_report_page_query_count_is_pinned(client, manager, world, django_assert_num_queries):
    client.force_login(manager)
    # The first request records the session's last activity; later ones do not write.
    client.get(reverse("report"))
    # One of them reads the week's last issue, shown by the Issue button; one the header's
    # unread-notification count.
    with django_assert_num_queries(20):
        response = client.get(reverse("report"), {"week": WEEK, "theme": "security"})
    assert response.status_code == 200
    for index in range(20):
        world.make(f"Extra item {index}", themes=[world.security])
    with django_assert_num_queries(20):
        client.get(reverse("report"), {"week": WEEK, "theme": "security"})


def test_downloads_in_each_format(client, manager, world):
    client.force_login(manager)
    url = reverse("report-download", args=["csv"])
    response = client.get(url, {"week": WEEK, "theme": "russia"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="weekly-report-2025-W48-russia.csv"'
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfID,Title")
    assert b"Implement strong sanctions against Russia" in body
    assert b"realignment" not in body
    pdf = client.get(reverse("report-download", args=["pdf"]), {"week": WEEK})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("report-download", args=["xlsx"]), {"week": WEEK})
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "Summary"


def test_download_refuses_an_unknown_format_and_redirects_a_bad_week(client, manager, db):
    client.force_login(manager)
    assert client.get(reverse("report-download", args=["docx"]), {"week": WEEK}).status_code == 404
    response = client.get(reverse("report-download", args=["pdf"]), {"week": "2026-W60"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("report"))


def test_manager_issues_a_report_and_downloads_it_again_byte_for_byte(client, manager, world):
    client.force_login(manager)
    assert client.get(reverse("report-issue")).status_code == 405
    response = client.post(
        reverse("report-issue"), {"week": WEEK, "theme": "security"}, follow=True
    )
    assert response.redirect_chain == [(reverse("issued-report-list"), 302)]
    assert "Report 2025-W48 issued" in response.content.decode()
    issued = IssuedReport.objects.get()
    assert (issued.issued_by, issued.theme, issued.week) == (manager, world.security, WEEK)
    assert sorted(issued.files.values_list("format", flat=True)) == ["csv", "html", "pdf", "xlsx"]
    listing = response.content.decode()
    for stored in IssuedReportFile.objects.filter(report=issued):
        url = reverse("issued-report-download", args=[issued.pk, stored.format])
        assert url in listing
        download = client.get(url)
        assert download.content == bytes(stored.content)
        assert download["X-Content-SHA256"] == hashlib.sha256(download.content).hexdigest()
        assert download["Content-Disposition"] == (
            f'attachment; filename="weekly-report-2025-W48-security.{stored.format}"'
        )


def test_issuing_a_bad_week_issues_nothing(client, manager, db):
    client.force_login(manager)
    response = client.post(reverse("report-issue"), {"week": "2026-W60"})
    assert response.status_code == 302
    assert not IssuedReport.objects.exists()


def test_a_refused_issue_redirects_with_the_report_parameters_and_not_the_csrf_token(
    manager, world
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    page = client.get(reverse("report"), {"week": WEEK})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = client.post(
        reverse("report-issue"),
        {
            "csrfmiddlewaretoken": token,
            "week": "2026-W60",
            "division": "na1",
            "theme": "",
            "submit": "Issue this report",
        },
    )
    assert response.status_code == 302
    location = response["Location"]
    assert token not in location and "csrf" not in location
    assert location == f"{reverse('report')}?week=2026-W60&division=na1"
    assert not IssuedReport.objects.exists()
    # The page it leads to says what is wrong.
    shown = client.get(location)
    assert "The report was not issued" in shown.text
    assert "has no week 60" in shown.text


def test_issued_download_of_a_missing_format_is_404(client, manager, db):
    issued = IssuedReport.objects.create(week=WEEK)
    client.force_login(manager)
    assert client.get(reverse("issued-report-download", args=[issued.pk, "pdf"])).status_code == 404
    assert client.get(reverse("issued-report-download", args=[999, "pdf"])).status_code == 404


def test_issued_list_shows_who_issued_what(client, admin_user, issued):
    client.force_login(admin_user)
    cron = IssuedReport.objects.create(week="2025-W47")
    response = client.get(reverse("issued-report-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025-W48" in html and "North America Division" in html
    assert "manager" in html and "scheduled command" in html
    assert list(response.context["page"].object_list) == [cron, issued]


def test_issued_list_query_count_is_pinned(client, manager, world, django_assert_num_queries):
    client.force_login(manager)
    first = UserFactory(username="first", roles=["Manager"])
    services.report_issue(week=WEEK, division=None, theme=None, user=first, formats=["csv"])
    # The first request records the session's last activity; later ones do not write.
    client.get(reverse("issued-report-list"))
    with django_assert_num_queries(PINNED_ISSUED_LIST):
        response = client.get(reverse("issued-report-list"))
    assert response.status_code == 200
    for week, user in (("2025-W45", manager), ("2025-W46", None), ("2025-W47", first)):
        services.report_issue(
            week=week, division=world.na, theme=world.security, user=user, formats=["csv", "html"]
        )
    with django_assert_num_queries(PINNED_ISSUED_LIST):
        response = client.get(reverse("issued-report-list"))
    html = response.content.decode()
    assert len(response.context["page"].object_list) == 4
    assert html.count("/csv/") == 4 and html.count("/html/") == 3
    assert "scheduled command" in html and "North America Division" in html


def test_issued_list_pages_from_newer_to_older(client, manager, db):
    for number in range(1, 56):
        IssuedReport.objects.create(week=WEEK, revision=number)
    client.force_login(manager)
    first = client.get(reverse("issued-report-list")).text
    assert "Page 1 of 2" in first and 'href="?page=2">Older</a>' in first
    assert "Newer" not in first
    second = client.get(reverse("issued-report-list"), {"page": 2}).text
    assert "Page 2 of 2" in second and 'href="?page=1">Newer</a>' in second


def test_issuing_writes_in_a_fixed_number_of_queries(world, manager, django_assert_num_queries):
    with django_assert_num_queries(PINNED_ISSUE):
        first = services.report_issue(
            week=WEEK, division=world.na, theme=None, user=manager, formats=["csv", "html"], now=NOW
        )
    for index in range(20):
        world.make(f"Extra item {index}")
    with django_assert_num_queries(PINNED_ISSUE):
        second = services.report_issue(
            week=WEEK, division=world.na, theme=None, user=manager, formats=["csv", "html"], now=NOW
        )
    assert (first.revision, second.revision) == (1, 2)
    assert second.files.count() == 2
    assert "Extra item 19" in bytes(second.files.get(format="csv").content).decode()


def test_issuing_from_the_page_writes_in_a_fixed_number_of_queries(
    client, manager, world, django_assert_num_queries
):
    client.force_login(manager)
    client.get(reverse("report"))
    with django_assert_num_queries(PINNED_ISSUE_PAGE):
        response = issue(client, division="na1")
    assert response.status_code == 302
    with django_assert_num_queries(PINNED_ISSUE_PAGE):
        response = issue(client, division="na1", revision=2)
    assert response.status_code == 302
    assert list(IssuedReport.objects.values_list("revision", flat=True)) == [2, 1]


# Revisions ----------------------------------------------------------------------------------------


def issue(client, *, follow=False, **data):
    return client.post(reverse("report-issue"), {"week": WEEK, **data}, follow=follow)


def test_issuing_a_week_again_says_who_issued_it_and_asks_for_a_revision(client, manager, world):
    manager.first_name, manager.last_name = "Kenji", "Sato"
    manager.save()
    client.force_login(manager)
    first = issue(client, division="na1")
    assert first.status_code == 302
    original = IssuedReport.objects.get()
    assert original.revision == 1

    # The same week and filters again: a question, and nothing issued until it is answered.
    asked = issue(client, division="na1")
    assert asked.status_code == 200
    assert IssuedReport.objects.count() == 1
    when = timezone.localtime(original.issued_at).strftime("%Y-%m-%d %H:%M")
    assert f"Issued by Kenji Sato at {when} (revision 1)." in asked.text
    assert "Issue revision 2" in asked.text
    assert 'name="revision" value="2"' in asked.text
    # The report page says so too, before anyone clicks.
    page = client.get(reverse("report"), {"week": WEEK, "division": "na1"})
    assert f"Issued by Kenji Sato at {when} (revision 1)." in page.text

    confirmed = issue(client, division="na1", revision="2", follow=True)
    revision = IssuedReport.objects.get(revision=2)
    assert (revision.week, revision.division, revision.theme) == (WEEK, world.na, None)
    assert "Report 2025-W48, revision 2, issued" in confirmed.content.decode()
    listing = client.get(reverse("issued-report-list"))
    assert [r.revision for r in listing.context["page"].object_list] == [2, 1]
    download = client.get(reverse("issued-report-download", args=[revision.pk, "pdf"]))
    assert download["Content-Disposition"] == (
        'attachment; filename="weekly-report-2025-W48-na1-r2.pdf"'
    )
    first_download = client.get(reverse("issued-report-download", args=[original.pk, "pdf"]))
    assert "weekly-report-2025-W48-na1.pdf" in first_download["Content-Disposition"]

    # Other filters are another report: its first issue needs no question.
    assert issue(client, division="na1", theme="security").status_code == 302
    assert issue(client).status_code == 302
    assert sorted(IssuedReport.objects.values_list("revision", flat=True)) == [1, 1, 1, 2]


def test_a_revision_confirmed_after_someone_else_issued_it_is_asked_about_again(client, world):
    first = UserFactory(username="first", first_name="Aiko", last_name="Mori", roles=["Manager"])
    second = UserFactory(username="second", roles=["Manager"])
    services.report_issue(week=WEEK, division=None, theme=None, user=first, now=NOW)
    other = Client()
    client.force_login(first)
    other.force_login(second)
    # Both are asked, both see revision 2 offered; the first to confirm gets it.
    assert 'value="2"' in issue(client).text
    assert 'value="2"' in issue(other).text
    assert issue(client, revision="2").status_code == 302
    late = issue(other, revision="2")
    assert late.status_code == 200
    assert "Issued by Aiko Mori at" in late.text and "(revision 2)." in late.text
    assert 'name="revision" value="3"' in late.text
    assert list(IssuedReport.objects.order_by("revision").values_list("revision", "issued_by")) == [
        (1, first.pk),
        (2, first.pk),
    ]


@pytest.mark.parametrize(
    "revision", ["abc", "-1", "0", "99999999999999999999", "2\x00", "\u202e2", "1e3"]
)
def test_a_hostile_revision_issues_nothing_and_says_so(client, manager, world, revision):
    client.force_login(manager)
    response = issue(client, revision=revision, follow=True)
    assert response.status_code == 200
    assert "The report was not issued" in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_the_scheduled_command_numbers_a_second_issue_as_revision_2(world, tmp_path):
    for _ in range(2):
        call_command(
            "weekly_report",
            "--week",
            WEEK,
            "--format",
            "csv",
            "--output",
            str(tmp_path),
            stdout=io.StringIO(),
        )
    assert list(IssuedReport.objects.order_by("pk").values_list("revision", flat=True)) == [1, 2]


def test_two_issues_at_once_both_succeed_with_their_own_revision(world, manager, monkeypatch):
    services.report_issue(week=WEEK, division=None, theme=None, user=manager, formats=["csv"])
    real = report_services.latest_issue
    calls = []

    def late(**kwargs):
        # The first reads miss the issue made a moment before, as in a second process that read
        # before the first one committed: its number is then taken.
        calls.append(kwargs)
        return None if len(calls) <= 2 else real(**kwargs)

    monkeypatch.setattr(report_services, "latest_issue", late)
    issued = services.report_issue(
        week=WEEK, division=None, theme=None, user=manager, formats=["html", "pdf"], now=NOW
    )
    assert issued.revision == 2
    assert IssuedReport.objects.count() == 2
    # Rendered again for the number it got: the files say revision 2, not 1.
    files = {f.format: bytes(f.content) for f in issued.files.all()}
    assert "Weekly status report 2025-W48 (revision 2)" in files["html"].decode()
    pdf_text = PdfReader(io.BytesIO(files["pdf"])).pages[0].extract_text()
    assert "Weekly status report 2025-W48 (revision 2)" in pdf_text


def test_a_revision_says_so_in_every_file(world, manager):
    first = services.report_issue(week=WEEK, division=None, theme=None, user=manager, now=NOW)
    second = services.report_issue(week=WEEK, division=None, theme=None, user=manager, now=NOW)
    assert (first.revision, second.revision) == (1, 2)
    files = {f.format: bytes(f.content) for f in second.files.all()}
    assert "Weekly status report 2025-W48 (revision 2)" in files["html"].decode()
    pdf = PdfReader(io.BytesIO(files["pdf"]))
    assert "Weekly status report 2025-W48 (revision 2)" in pdf.pages[0].extract_text()
    about = load_workbook(io.BytesIO(files["xlsx"]))["About"]
    assert ("Revision", 2) in {(row[0], row[1]) for row in about.iter_rows(values_only=True)}
    first_html = bytes(first.files.get(format="html").content).decode()
    assert "(revision" not in first_html


def test_the_database_refuses_a_second_report_with_the_same_revision(world):
    # "All divisions" is NULL, which a plain unique index would let through twice.
    IssuedReport.objects.create(week=WEEK)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedReport.objects.create(week=WEEK)
    IssuedReport.objects.create(week=WEEK, revision=2)
    IssuedReport.objects.create(week=WEEK, division=world.na)


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_reports_issued_twice_before_it(world):
    migration = next(
        m
        for (app, name), m in MigrationLoader(connection).disk_migrations.items()
        if app == "tracker" and name.endswith("issuedreport_revision")
    )
    [parent] = [dep for dep in migration.dependencies if dep[0] == "tracker"]
    executor = MigrationExecutor(connection)
    executor.migrate([parent])
    old = executor.loader.project_state([parent]).apps.get_model("tracker", "IssuedReport")
    times = [aware(f"2025-12-0{day} 09:00") for day in (1, 2, 3)]
    for at in times:
        old.objects.create(week=WEEK, issued_at=at)
    old.objects.create(week="2025-W47", issued_at=times[0])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("tracker"))
    assert list(
        IssuedReport.objects.order_by("week", "issued_at").values_list("week", "revision")
    ) == [("2025-W47", 1), (WEEK, 1), (WEEK, 2), (WEEK, 3)]


# The PDF keeps every cell on the page -----------------------------------------------------------

LONG_WORD = "Interministerialcoordinationpapers" * 4
LONG_URL = "https://www.mofa.go.jp/files/100000001.pdf?section=coordination&draft=" + "x" * 90
# Japanese has no spaces: a line breaks between any two characters, or not at all.
JAPANESE_LONG = "日米安全保障協議委員会における拡大抑止の強化に関する調整文書の作成" * 4
NEXT_STEP = (
    "Circulate the interministerial coordination paper to every division, then collect "
    f"comments: {LONG_WORD} {LONG_URL} {JAPANESE_LONG}"
)


def _pgm(path) -> tuple[int, int, bytes]:
    """Width, height and the grey bytes of a binary PGM ("P5") file, as pdftoppm -gray writes."""
    data = path.read_bytes()
    fields: list[bytes] = []
    position = 0
    while len(fields) < 4:
        while data[position : position + 1].isspace():
            position += 1
        if data[position : position + 1] == b"#":
            position = data.index(b"\n", position)
            continue
        end = position
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1 : position + 1 + width * height]
    assert len(pixels) == width * height
    return width, height, pixels


def ink_in_side_margins(pdf: bytes, directory, *, margin_mm: float = 10) -> list[str]:
    """Pages whose left or right page margin has ink: text that ran off the content area.

    Clipped text is still in the file, so reading the text back cannot see this; the pages are
    drawn instead. The top and bottom margins carry the running header and the page numbers.
    """
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing: CI must install poppler-utils.")
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils)")
    source = directory / "report.pdf"
    source.write_bytes(pdf)
    dpi = 50
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", str(source), str(directory / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # Inside the margin by a pixel, so that anti-aliasing at the content edge does not count.
    strip = int(margin_mm / 25.4 * dpi) - 1
    problems = []
    pages = sorted(directory.glob("page-*.pgm"))
    assert pages
    for page in pages:
        width, height, pixels = _pgm(page)
        for y in range(height):
            row = pixels[y * width : (y + 1) * width]
            for side, cells in (("left", row[:strip]), ("right", row[width - strip :])):
                if min(cells) < 200:
                    problems.append(f"{page.name}: ink in the {side} margin at y={y}")
                    break
            if problems and problems[-1].startswith(page.name):
                break
    return problems


def test_pdf_wraps_long_words_urls_and_japanese_inside_every_column(world, tmp_path):
    # At the length limits of the fields, in every column a long text can reach.
    division = DivisionFactory(code="coordination", name="Division of " + LONG_WORD)
    owner = UserFactory(username="o" * 30, first_name=LONG_WORD[:30], last_name=JAPANESE_LONG[:30])
    origin = MeetingFactory(
        title=f"Meeting on {LONG_WORD} {JAPANESE_LONG}", starts_at=aware("2025-10-01 10:00")
    )
    held = MeetingFactory(title=f"Talk on {LONG_WORD} {JAPANESE_LONG}", starts_at=START)
    long_theme = ThemeFactory(code="coordination", name=f"Theme {LONG_WORD}"[:100])
    for index, theme in enumerate((world.security, world.russia, long_theme)):
        commitment = CommitmentFactory(
            title=f"{index} {LONG_WORD} {JAPANESE_LONG}"[:200],
            origin_meeting=origin,
            author=world.author,
            created_at=aware("2025-11-25 10:00"),
            lead_division=division,
            owner=owner,
            themes=[theme],
            next_step=NEXT_STEP,
            target_date=datetime.date(2025, 11, 1),
            confidence=Confidence.RED,
        )
        move(
            commitment,
            Status.STALLED,
            aware("2025-11-26 11:00"),
            user=world.author,
            note=f"{LONG_URL} {LONG_WORD} {JAPANESE_LONG}",
        )
        FollowUpFactory(
            commitment=commitment,
            meeting=held,
            note=f"{LONG_WORD} {LONG_URL}",
            recorded_by=owner,
            recorded_at=aware("2025-11-28 19:00"),
        )
    for index, report in enumerate((build(), build(division=division))):
        pdf = reports.render_pdf(report)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        # The text is all there (cut or not): only the drawn pages show whether it fits.
        assert "Circulate the interministerial coordination" in text
        directory = tmp_path / str(index)
        directory.mkdir()
        assert ink_in_side_margins(pdf, directory) == []


def test_every_format_names_the_origin_meeting_by_title_and_local_date(world, client, manager):
    # Meetings of a series share one title; only the date tells them apart.
    title = "Japan-U.S. Economic Policy Consultative Committee (Economic 2+2)"
    dates = {}
    for day, zone in (("2025-07-10 09:00", "Asia/Tokyo"), ("2025-09-30 20:30", "America/New_York")):
        meeting = MeetingFactory(title=title, starts_at=aware(day, zone), time_zone=zone)
        world.make(f"Item of {day}", origin_meeting=meeting, themes=[world.economy])
        # The date of the place: 30 September in Washington is 1 October in Japan.
        dates[day] = meeting.local_date.isoformat()
    assert sorted(dates.values()) == ["2025-07-10", "2025-09-30"]
    expected = {f"{title} ({date})" for date in dates.values()}
    report = build()

    csv_origins = {row[3] for row in csv_rows(report)[1:]}
    assert expected <= csv_origins
    assert title not in csv_origins
    sheet = load_workbook(io.BytesIO(reports.render_xlsx(report)))["Open commitments"]
    assert expected <= {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    html = reports.render_html(report)
    pdf = reports.render_pdf(report)
    pdf_text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    client.force_login(manager)
    page = client.get(reverse("report"), {"week": WEEK}).text
    for name in expected:
        assert name.replace("'", "&#x27;") in html
        assert name.replace("'", "&#x27;") in page
        assert name in pdf_text


def test_the_command_names_a_revisions_files_with_its_number(world, tmp_path):
    for _ in range(2):
        call_command(
            "weekly_report",
            "--week",
            WEEK,
            "--format",
            "csv",
            "--output",
            str(tmp_path),
            stdout=io.StringIO(),
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "weekly-report-2025-W48-r2.csv",
        "weekly-report-2025-W48.csv",
    ]


def test_count_changes_are_coloured_by_meaning_not_by_sign():
    def meaning(key, count, previous):
        return reports.CountRow(key, key, count, previous).change_meaning

    assert meaning(Confidence.RED, 3, 1) == "worse"  # more red is bad news
    assert meaning(Confidence.RED, 1, 3) == "better"
    assert meaning(Confidence.GREEN, 3, 1) == "better"
    assert meaning(Status.COMPLETED, 5, 4) == "better"
    assert meaning(Status.STALLED, 2, 1) == "worse"
    assert meaning(Status.IN_PROGRESS, 2, 1) == ""  # neither good nor bad by itself
    assert meaning(Confidence.RED, 2, 2) == ""


def test_the_report_page_colours_more_red_as_worse(world, client):
    client.force_login(world.officer)
    response = client.get(reverse("report"), {"week": WEEK})
    report = response.context["report"]
    coloured = [
        row for row in report.status_counts + report.confidence_counts if row.change_meaning
    ]
    assert coloured  # the week has moves that mean something
    html = response.text
    for row in coloured:
        assert f"change-{row.change_meaning}" in html
    assert "change-up" not in html and "change-down" not in html
