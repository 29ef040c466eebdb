"""The weekly report at scale: the page shows the first rows of each long table and more on
demand, in a fixed number of queries; the downloads keep every row; the XLSX bytes depend on the
report only. (A NUL in a parameter is refused before the view: tracker/middleware.py.)
"""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import CommitmentFactory, MeetingFactory, ThemeFactory
from tracker import report as reports
from tracker.report import html as report_html

PAGE = 5


def _this_week() -> str:
    return reports.week_label(timezone.localdate())


@pytest.fixture
def long_table(db, monkeypatch):
    """Twelve open commitments of one theme, created this week, without an owner: long enough for
    the open table, the new commitments and "No owner" to be cut at five rows."""
    monkeypatch.setattr(report_html, "PAGE_ROWS", PAGE)
    theme = ThemeFactory(code="security", name="Security and defence")
    origin = MeetingFactory(title="Japan-U.S. Foreign Ministers' Meeting")
    return [
        CommitmentFactory(title=f"Agreed action {n:02d}", themes=[theme], origin_meeting=origin)
        for n in range(12)
    ]


def _open_section(html: str) -> str:
    return html[html.index('id="open-commitments"') :]


def test_the_page_shows_the_first_rows_of_each_long_table_and_a_link_for_more(
    client, manager, long_table
):
    client.force_login(manager)
    response = client.get(reverse("report"), {"week": _this_week()})
    html = response.content.decode()
    section = _open_section(html)
    assert sum(f"Agreed action {n:02d}" in section for n in range(12)) == PAGE
    assert "Showing 5 of 12." in section
    week = _this_week()
    assert f'href="?week={week}&amp;open=10#open-commitments"' in section
    assert f'hx-get="?week={week}&amp;open=10&amp;part=open"' in section
    # Every long table says how much it shows: moves none, new commitments, no owner, open.
    assert html.count("Showing 5 of 12.") == 3


def test_show_more_returns_the_section_alone_with_more_rows(client, manager, long_table):
    client.force_login(manager)
    params = {"week": _this_week(), "open": "10", "part": "open"}
    response = client.get(reverse("report"), params, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="open-commitments"')
    assert "<html" not in html and "Needs attention" not in html
    assert sum(f"Agreed action {n:02d}" in html for n in range(12)) == 10
    assert "Showing 10 of 12." in html
    # Without htmx the same address is the whole page with more rows of that table.
    page = client.get(reverse("report"), {"week": _this_week(), "open": "15"}).content.decode()
    assert "<html" in page
    assert sum(f"Agreed action {n:02d}" in _open_section(page) for n in range(12)) == 12
    assert "Showing" not in _open_section(page)


@pytest.mark.parametrize("rows", ["abc", "-5", "99999999999999", "１０", "7", "", "10" * 2000])
def test_hostile_row_counts_show_a_page_in_steps_and_within_the_cap(
    client, manager, long_table, rows
):
    client.force_login(manager)
    response = client.get(reverse("report"), {"week": _this_week(), "open": rows, "part": "x"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    shown = report_html.shown_rows({"open": rows})["open"]
    assert shown % PAGE == 0 and PAGE <= shown <= report_html.MAX_PAGE_ROWS


def test_an_unknown_part_gets_the_whole_page(client, manager, long_table):
    client.force_login(manager)
    for part in ("../base", "report", "summary", "<script>"):
        response = client.get(
            reverse("report"), {"week": _this_week(), "part": part}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert "<html" in response.content.decode()


def test_page_query_count_does_not_grow_with_commitments(
    client, manager, long_table, django_assert_num_queries
):
    client.force_login(manager)
    client.get(reverse("report"))
    params = {"week": _this_week()}
    fragment = {**params, "open": "10", "part": "open"}
    # The header's unread-notification count among them. The fragment reads only what its
    # table needs: none of the week's start, its changes or the meetings.
    with django_assert_num_queries(19):
        client.get(reverse("report"), params)
    with django_assert_num_queries(9):
        client.get(reverse("report"), fragment, headers={"HX-Request": "true"})
    theme = long_table[0].themes.get()
    for n in range(20):
        CommitmentFactory(title=f"Further action {n}", themes=[theme])
    # The header's unread-notification count among them.
    with django_assert_num_queries(19):
        html = client.get(reverse("report"), params).content.decode()
    assert "Showing 5 of 32." in html
    with django_assert_num_queries(9):
        client.get(reverse("report"), fragment, headers={"HX-Request": "true"})


def test_the_csv_download_reads_only_what_its_table_needs(
    client, manager, long_table, django_assert_num_queries
):
    client.force_login(manager)
    client.get(reverse("report"))
    params = {"week": _this_week()}

    def download() -> list[str]:
        response = client.get(reverse("report-download", args=["csv"]), params)
        return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    # Session, user and roles, the build's 6, the security log's record of the download (in a
    # savepoint): not the week's start, its changes or the meetings, which the CSV does not hold.
    with django_assert_num_queries(12):
        lines = download()
    theme = long_table[0].themes.get()
    for n in range(20):
        CommitmentFactory(title=f"Further action {n}", themes=[theme])
    with django_assert_num_queries(12):
        more = download()
    assert len(more) == len(lines) + 20 == 1 + 32


def test_the_downloads_keep_every_row_the_page_cuts(client, manager, long_table):
    client.force_login(manager)
    params = {"week": _this_week()}
    csv = b"".join(client.get(reverse("report-download", args=["csv"]), params).streaming_content)
    assert all(f"Agreed action {n:02d}".encode() in csv for n in range(12))
    xlsx = client.get(reverse("report-download", args=["xlsx"]), params).content
    sheet = load_workbook(io.BytesIO(xlsx))["Open commitments"]
    assert sheet.max_row == 13


def test_the_xlsx_bytes_depend_on_the_report_only(long_table):
    report = reports.build_report(week=_this_week())
    first = reports.render_xlsx(report)
    second = reports.render_xlsx(report)
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 31, 0, 0, 0)}
    created = report.generated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert f">{created}</dcterms:created>" in core
