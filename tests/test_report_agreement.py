"""The report page, which shows the first rows of each long table, and the downloads, which hold
every row, agree with the full build: the same counts, the same rows, in the same order. Also the
as-of fallbacks the faster lookups must keep, and the cell filters the tables use."""

from __future__ import annotations

import csv
import datetime
import gc
import io
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import aware
from tests.test_reports import END, NOW, WEEK, World, build, move, read_in_full
from tracker import report as reports
from tracker.models import Commitment, Confidence, Status, Theme
from tracker.report import building
from tracker.report import csv as report_csv
from tracker.report import html as report_html
from tracker.report.rows import LazyRows, row_keys
from tracker.templatetags.report_tags import commitment_url, ymd

PAGE = 2


@pytest.fixture
def crowded(db, monkeypatch):
    """The hand-worked world plus enough items that every long table is cut at PAGE rows."""
    monkeypatch.setattr(report_html, "PAGE_ROWS", PAGE)
    world = World()
    for n in range(5):
        item = world.make(
            f"Crowded item {n}",
            themes=[world.security, world.economy] if n % 2 else [world.security],
            owner=None,
            target_date=datetime.date(2025, 10, 1 + n),
            created=f"2025-11-2{5 + n % 2} 0{n}:00",
        )
        move(
            item,
            Status.IN_PROGRESS,
            aware(f"2025-11-27 1{n}:00"),
            user=world.author,
            confidence=Confidence.RED,
            note=f"Move {n}.",
        )
    return world


def _sections(html: str) -> dict[str, str]:
    """Each table's heading (h3) with the HTML under it, within the report's sections."""
    parts = re.split(r"<h3>", html[html.index('id="changes"') :])
    tables = {}
    for part in parts[1:]:
        name = part.split("<", 1)[0].strip()
        tables[name] = part
    return tables


def _linked_pks(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/commitments/(\d+)/"', html)]


def _shown(html: str) -> tuple[int, int] | None:
    match = re.search(r"Showing (\d+) of (\d+)\.", html)
    return (int(match[1]), int(match[2])) if match else None


def test_the_page_shows_the_first_rows_of_each_table_of_the_full_build_in_its_order(
    client, manager, crowded
):
    full = build()
    client.force_login(manager)
    html = client.get(reverse("report"), {"week": WEEK}).content.decode()
    tables = _sections(html)

    moves = tables["Status and confidence moves"]
    assert _linked_pks(moves) == [c.commitment.pk for c in full.changes[:PAGE]]
    assert _shown(moves) == (PAGE, len(full.changes))
    new = tables["New commitments"]
    assert _linked_pks(new) == [r.pk for r in full.new_commitments[:PAGE]]
    assert _shown(new) == (PAGE, len(full.new_commitments))
    for group in full.attention:
        table = tables[group.label]
        assert _linked_pks(table) == [r.pk for r in group.rows[:PAGE]]
        assert f"({len(group.rows)})" in table
        assert _shown(table) == ((PAGE, len(group.rows)) if len(group.rows) > PAGE else None)
    for group in full.open_by_theme:
        table = tables[group.name]
        assert _linked_pks(table) == [r.pk for r in group.rows[:PAGE]]
        assert f"({len(group.rows)})" in table
        assert _shown(table) == ((PAGE, len(group.rows)) if len(group.rows) > PAGE else None)
    # The summary counts every commitment, not the rows shown.
    assert f"({len(full.open_rows)})" in html
    for row in full.status_counts:
        assert f'<th scope="row">{row.label}</th><td class="num">{row.count}</td>' in html
    # Something was cut, or this test would prove nothing.
    assert len(full.open_rows) > PAGE and len(full.changes) > PAGE


def test_show_more_continues_the_same_order(client, manager, crowded):
    full = build()
    client.force_login(manager)
    params = {"week": WEEK, "open": str(2 * PAGE), "part": "open"}
    html = client.get(reverse("report"), params, headers={"HX-Request": "true"}).content.decode()
    security = next(g for g in full.open_by_theme if g.name == "Security and defence")
    table = html[html.index("Security and defence") :]
    table = table[: table.index("</table>")]
    assert _linked_pks(table) == [r.pk for r in security.rows[: 2 * PAGE]]


def test_the_csv_download_holds_every_open_row_in_the_order_of_the_full_build(
    client, manager, crowded
):
    full = build()
    client.force_login(manager)
    response = client.get(reverse("report-download", args=["csv"]), {"week": WEEK})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert [int(row[0]) for row in rows] == [r.pk for r in full.open_rows]
    assert len(rows) == len(full.open_rows) > PAGE
    # The full build by the view and by the function are the same bytes.
    assert body.encode("utf-8-sig") == b"".join(reports.iter_csv(full))


def test_a_commitment_whose_history_begins_after_the_week_is_read_from_its_earliest_row(
    crowded,
):
    """Rows written before history was kept: the oldest state known, not the current row."""
    item = crowded.realignment
    history = Commitment.history.model.objects.filter(id=item.pk)
    earliest = history.order_by("history_date", "history_id").first()
    history.exclude(pk=earliest.pk).delete()
    history.filter(pk=earliest.pk).update(history_date=END + datetime.timedelta(days=3))
    Commitment.objects.filter(pk=item.pk).update(title="Renamed after the week")
    row = next(r for r in build().open_rows if r.pk == item.pk)
    assert row.title == earliest.title == "Implement the realignment plan"


def test_a_commitment_without_any_history_is_read_from_its_own_row(crowded):
    item = crowded.deterrence
    Commitment.history.model.objects.filter(id=item.pk).delete()
    Commitment.objects.filter(pk=item.pk).update(title="Loaded around the services")
    rows = {r.pk: r for r in build().open_rows}
    assert rows[item.pk].title == "Loaded around the services"


def test_the_build_reads_a_fixed_number_of_queries_at_any_size(
    crowded, django_assert_max_num_queries, django_assert_num_queries
):
    # The build's 6 queries (the journal's head among them) and its parts' 6.
    with django_assert_max_num_queries(12) as few:
        read_in_full(build())
    for n in range(15):
        crowded.make(f"More {n}", themes=[crowded.russia])
    with django_assert_num_queries(len(few.captured_queries)):
        read_in_full(build())


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        datetime.date(2025, 11, 30),
        datetime.date(999, 1, 2),
        aware("2025-11-30 23:30", "America/New_York"),
        datetime.datetime(2025, 11, 30, 23, 30, tzinfo=datetime.UTC),
    ],
)
@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_ymd_prints_what_the_date_filter_prints(value, zone):
    with timezone.override(zone), translation.override("ja"):
        context = Context({"value": value})
        builtin = Template('{{ value|date:"Y-m-d"|default:"—" }}').render(context)
        ours = Template('{% load report_tags %}{{ value|ymd|default:"—" }}').render(context)
    assert ours == builtin


def test_commitment_url_is_the_commitment_pages_address(db):
    for pk in (1, 42, 2_147_483_647):
        assert commitment_url(pk) == reverse("commitment-detail", args=[pk])
    assert ymd(NOW) == "2026-01-15"


def test_the_build_pauses_the_cycle_collector_and_always_resumes_it(crowded, monkeypatch):
    seen = []
    real = reports.building.Meeting.objects.order_by

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(reports.building.Meeting.objects, "order_by", spy)
    assert gc.isenabled()
    build()
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        reports.build_report(week="2999-W01", now=NOW)
    assert gc.isenabled()
    gc.disable()
    try:
        build()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_pdf_is_laid_out_with_the_cycle_collector_paused_and_resumes_it(crowded, monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        seen.append(gc.isenabled())
        if getattr(self, "fail", False):
            raise ValueError("layout failed")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    assert reports.render_pdf(build()).startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()
    monkeypatch.setattr(weasyprint.HTML, "fail", True, raising=False)
    with pytest.raises(ValueError):
        reports.render_pdf(build())
    assert gc.isenabled()


# The page builds only the rows it shows ---------------------------------------------------------


@pytest.fixture
def many(crowded):
    """The crowded world and forty more open items of one theme: far more rows than the page
    shows, in one table that the page cuts at PAGE."""
    for n in range(40):
        crowded.make(f"Routine item {n:02d}", themes=[crowded.russia])
    return crowded


def _count_rows_built(monkeypatch) -> list[int]:
    built: list[int] = []
    real = reports.building.CommitmentRow

    def counting(**fields):
        built.append(fields["pk"])
        return real(**fields)

    monkeypatch.setattr(reports.building, "CommitmentRow", counting)
    return built


def test_the_page_builds_only_the_rows_it_shows_and_the_downloads_every_row(
    client, manager, many, monkeypatch
):
    full = build()
    # At most PAGE rows of each table the page prints (and the meetings' follow-ups).
    tables = (
        2  # moves (their commitments), new commitments
        + len(full.attention)
        + len(full.upcoming)
        + len(full.open_by_theme)
    )
    follow_ups = sum(len(meeting.follow_ups) for meeting in full.meetings_held)
    built = _count_rows_built(monkeypatch)
    client.force_login(manager)
    html = client.get(reverse("report"), {"week": WEEK}).content.decode()
    assert 0 < len(set(built)) <= PAGE * tables + follow_ups < len(full.open_rows)
    assert len(built) == len(set(built)), "a row is built once, however many tables show it"
    assert _shown(_sections(html)["Russia/Ukraine"]) == (PAGE, 41)

    built.clear()
    response = client.get(reverse("report-download", args=["csv"]), {"week": WEEK})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row[0]) for row in rows[1:]] == [r.pk for r in full.open_rows]
    assert set(built) == {r.pk for r in full.open_rows}


def test_the_page_shows_the_summary_of_the_full_build(client, manager, many):
    full = build()
    client.force_login(manager)
    html = client.get(reverse("report"), {"week": WEEK}).content.decode()
    summary = html[html.index('id="summary"') : html.index('id="changes"')]
    for row in [*full.status_counts, full.open_total, full.total, *full.confidence_counts]:
        assert (
            f'<th scope="row">{row.label}</th><td class="num">{row.count}</td>'
            f'<td class="num">{row.previous}</td>'
        ) in summary
    # The counts are of every commitment, not of the rows built for the page.
    assert full.total.count == Commitment.objects.count()
    assert full.open_total.count == len(full.open_rows) > 40
    assert f"({len(full.open_rows)})" in html
    assert f"({full.attention_count})" in html


def test_more_rows_on_the_page_read_the_same_queries(
    client, manager, many, django_assert_num_queries
):
    client.force_login(manager)
    client.get(reverse("report"))
    counts = []
    for shown in (PAGE, 4 * PAGE, 20 * PAGE):
        for headers, part in (({}, ""), ({"HX-Request": "true"}, "open")):
            params = {"week": WEEK, "open": str(shown), "part": part}
            # As pinned in test_report_scale: the page 19, the fragment 9.
            with django_assert_num_queries(9 if part else 19) as queries:
                response = client.get(reverse("report"), params, headers=headers)
            counts.append(len(queries.captured_queries))
            html = response.content.decode()
            table = html if part else _sections(html)["Russia/Ukraine"]
            assert _shown(table) == ((shown, 41) if shown < 41 else None)
    # The same queries for the page and for the fragment, however many rows they show.
    assert len(set(counts[::2])) == 1 and len(set(counts[1::2])) == 1


def test_lazy_rows_count_and_slice_without_building_and_iterate_in_order():
    made = []

    def make(key):
        made.append(key)
        return key * 10

    rows = LazyRows([3, 1, 2], make)
    assert len(rows) == 3 and rows and not made
    assert rows[:2] == [30, 10] and made == [3, 1]
    assert rows[-1] == 20
    assert list(rows) == [30, 10, 20]
    assert rows == [30, 10, 20] and rows != [30, 10] and rows == LazyRows([3, 1, 2], make)
    assert not LazyRows([], make) and LazyRows([], make) == []
    assert row_keys(rows) == [3, 1, 2]


def test_lazy_rows_build_with_the_cycle_collector_paused_and_resume_it():
    seen = []

    def make(key):
        seen.append(gc.isenabled())
        if key == "boom":
            raise ValueError(key)
        return key

    assert gc.isenabled()
    assert list(LazyRows(list(range(1200)), make)) == list(range(1200))
    assert seen and not any(seen) and gc.isenabled()
    with pytest.raises(ValueError):
        LazyRows(["boom"], make)[:]
    assert gc.isenabled()


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2025, 11, 30, 23, 5, tzinfo=datetime.UTC),
        datetime.datetime(1900, 1, 1, 0, 0),
        datetime.datetime(2999, 12, 31, 9, 59, 59, 999999),
    ],
)
def test_the_csv_prints_times_as_strftime_did(value):
    assert report_csv._format_datetime(value) == value.strftime("%Y-%m-%d %H:%M")
    assert report_csv._format_datetime(None) == ""


@pytest.mark.parametrize("theme", [None, "security"])
def test_the_as_of_read_takes_each_fallback_at_both_ends_of_the_week(crowded, theme):
    """The history row before the moment, else the earliest, else the commitment's own row."""
    history = Commitment.history.model.objects
    start, end = reports.parse_iso_week(WEEK)
    columns = ("lead_division_id", "is_archived", "status", "confidence")
    # No history at all: its own row, at both ends.
    own = crowded.deterrence
    history.filter(id=own.pk).delete()
    Commitment.objects.filter(pk=own.pk).update(title="Loaded around the services")
    # History only after the week: its earliest row at both ends, not the current row.
    later = history.filter(id=crowded.realignment.pk).order_by("history_date", "history_id")
    later.exclude(pk=later.first().pk).delete()
    later.update(history_date=end + datetime.timedelta(days=3))
    Commitment.objects.filter(pk=crowded.realignment.pk).update(
        title="Renamed after the week", status=Status.DROPPED
    )
    # History only from within the week: its earliest row at the start, its latest at the end.
    within = history.filter(id=crowded.sanctions.pk).order_by("history_date", "history_id")
    within.update(history_date=start + datetime.timedelta(hours=5))
    first, last = within.first(), within.last()
    history.filter(pk=first.pk).update(title="As first recorded", status=Status.STALLED)
    first.refresh_from_db()
    chosen = Theme.objects.get(code=theme) if theme else None

    snapshots = building._read_states(moment=end, theme=chosen, columns=building._SNAPSHOT_COLUMNS)
    at_start = building._read_states(moment=start, theme=chosen, columns=building._START_COLUMNS)

    kept = Commitment.objects.filter(created_at__lt=end)
    kept = kept.filter(themes=chosen) if chosen else kept
    assert set(snapshots) == set(kept.values_list("pk", flat=True))
    title = 1 + building._SNAPSHOT_COLUMNS.index("title")
    expected = {
        own.pk: ("Loaded around the services", Commitment.objects.get(pk=own.pk)),
        crowded.realignment.pk: ("Implement the realignment plan", later.get()),
        crowded.sanctions.pk: (last.title, first),
    }
    for pk, (title_at_end, row_at_start) in expected.items():
        if pk in snapshots:
            assert snapshots[pk][title] == title_at_end
            assert at_start[pk][:5] == (pk, *(getattr(row_at_start, name) for name in columns))
    assert first.title != last.title and first.status == Status.STALLED
    # Created within the week: no state at its start.
    new = kept.filter(created_at__gte=start)
    assert new.exists() and not set(at_start) & set(new.values_list("pk", flat=True))
