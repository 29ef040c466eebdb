"""Layout at the widths people use: nothing cut off on a desktop, nothing to scroll sideways on a
phone (tables become stacked rows there), and chart links large enough to tap.

Each test saves screenshots to test-results/screenshots/<test>-<page>.png (the phone test adds
the width to the name).
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import log_in
from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParticipationFactory,
    PersonFactory,
    ThemeFactory,
    UserFactory,
)
from tracker import report as reports
from tracker import services
from tracker.models import Confidence, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results/screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOPS = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]
# The commitment list's cells do not name their columns (data-label) yet, so its table keeps its
# columns on a phone and scrolls inside its own box; the page itself must still fit the window.
SCROLLS_INSIDE_ITS_BOX: set[str] = set()
# WCAG 2.2, 2.5.8 Target Size (Minimum).
TARGET_MIN_PX = 24

# What a page's reader could miss: how far the page scrolls sideways, and every table cell whose
# content overflows it or that lies outside the visible part of its table's box or the window.
MEASURE = """() => {
  const clipped = [];
  const name = (cell) => (cell.innerText || "").trim().slice(0, 40);
  // Column headings hidden for screen readers only (stacked rows) are not for the eye.
  const hidden = (cell) => {
    const head = cell.closest("thead");
    return head !== null && head.getBoundingClientRect().width <= 1;
  };
  for (const cell of document.querySelectorAll("main td, main th, .report-document td")) {
    const box = cell.getBoundingClientRect();
    if (!box.width || !box.height || hidden(cell)) continue;
    if (cell.scrollWidth > cell.clientWidth + 1) {
      clipped.push(`overflows its cell: ${name(cell)}`);
      continue;
    }
    for (let parent = cell.parentElement; parent; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX === "visible") continue;
      const edge = parent.getBoundingClientRect();
      if (box.right > edge.right + 1 || box.left < edge.left - 1) {
        clipped.push(`outside ${parent.className || parent.tagName}: ${name(cell)}`);
        break;
      }
    }
    if (box.right > window.innerWidth + 1) clipped.push(`outside the window: ${name(cell)}`);
  }
  // What sticks out of the window, innermost first: the culprit when the page scrolls sideways.
  const outside = [...document.body.querySelectorAll("*")]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1)
    .filter((element) => ![...element.children].some(
      (child) => child.getBoundingClientRect().right > window.innerWidth + 1))
    .slice(0, 5)
    .map((element) => `${element.tagName}.${element.className}: ${
      (element.innerText || "").trim().slice(0, 30)}`);
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    clipped,
    outside,
  };
}"""


# On a phone every row of a data table is a stack of cells, each labelled with its column.
STACKED = """() => {
  const problems = [];
  // Short tables marked keep-columns (the report's summary) fit a phone as they are.
  for (const row of document.querySelectorAll("tbody tr")) {
    if (row.closest("table.keep-columns")) continue;
    const cells = [...row.children].filter((cell) => cell.getBoundingClientRect().height);
    for (let i = 1; i < cells.length; i++) {
      const above = cells[i - 1].getBoundingClientRect();
      if (cells[i].getBoundingClientRect().top < above.bottom - 1) {
        problems.push(`side by side: ${(row.innerText || "").trim().slice(0, 40)}`);
        break;
      }
    }
    // A row heading (th) names the row itself; the data cells name their column.
    for (const cell of cells.filter((cell) => cell.tagName === "TD")) {
      const label = getComputedStyle(cell, "::before").content;
      if (cells.length > 1 && ["none", "normal", '""'].includes(label)) {
        problems.push(`no column name: ${(cell.innerText || "").trim().slice(0, 40)}`);
      }
    }
  }
  return problems.slice(0, 10);
}"""


@pytest.fixture
def desk(division):
    """A manager's view of a busy fortnight: long titles, Japanese text, every kind of row."""
    manager = UserFactory(
        username="director",
        first_name="Hanako",
        last_name="Yamamoto-Fitzgerald",
        roles=["Manager"],
        divisions=[division],
    )
    today = timezone.localdate()
    themes = [
        ThemeFactory(name="Extended deterrence and the U.S.-Japan Alliance"),
        ThemeFactory(name="Russia / Ukraine"),
        ThemeFactory(name="日本人拉致問題"),
    ]
    series = MeetingSeriesFactory(name="Japan-U.S. Security Consultative Committee")
    origin = MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Meeting and Economic Policy Consultative Committee",
        starts_at=timezone.now() - datetime.timedelta(days=40),
        place="Washington, D.C.",
        series=series,
        readout_text="The two ministers confirmed their commitment to implement strong "
        "sanction measures against Russia. " * 20,
        source_url="https://www.mofa.go.jp/na/st/page4e_001234567890123456789012345678.html",
    )
    for index in range(3):
        ParticipationFactory(
            meeting=origin,
            person=PersonFactory(family_name=f"Hayashi-Blinken{index}", given_name="Yoshimasa"),
            title="Minister for Foreign Affairs of Japan and Chair of the Committee",
        )
    commitments = []
    for index in range(12):
        commitments.append(
            CommitmentFactory(
                title=(
                    f"{index}: Continue close coordination on the implementation of strong "
                    "sanction measures and on support for Ukraine (ウクライナ支援の継続)"
                ),
                origin_meeting=origin,
                lead_division=division,
                owner=manager if index % 2 else None,
                themes=themes[: 1 + index % 3],
                status=Status.IN_PROGRESS if index % 3 else Status.NOT_STARTED,
                confidence=Confidence.RED if index % 4 == 0 else Confidence.AMBER,
                target_date=today + datetime.timedelta(days=index * 3 - 10),
                next_step="Circulate the interministerial coordination paper "
                "https://www.mofa.go.jp/files/100000001234567890.pdf to every division",
                created_at=timezone.now() - datetime.timedelta(days=30),
            )
        )
    held = MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Telephone Talk on the Indo-Pacific",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        series=series,
    )
    for commitment in commitments[:4]:
        FollowUpFactory(
            commitment=commitment,
            meeting=held,
            note="Both sides reaffirmed the commitment and agreed to report progress at the "
            "next Security Consultative Committee.",
            recorded_by=manager,
        )
    MeetingFactory(
        title="Security Consultative Committee (2+2)",
        series=series,
        starts_at=timezone.now() + datetime.timedelta(days=5),
    )
    week = reports.week_label(timezone.localdate())
    for theme in (None, themes[0]):
        services.report_issue(
            week=week, division=division, theme=theme, user=manager, formats=["csv"]
        )
    return {"manager": manager, "origin": origin, "themes": themes, "week": week}


def pages(desk) -> dict[str, str]:
    return {
        "dashboard": "/",
        "list": "/commitments/",
        "meetings": "/meetings/",
        "meeting": f"/meetings/{desk['origin'].pk}/",
        "report": f"/reports/weekly/?week={desk['week']}",
        "issued": "/reports/issued/",
    }


def summary(problems: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{name}: {len(found)} problems, first: {found[:3]}" for name, found in problems.items()
    )


def shoot(page, request, label: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{label}.png", full_page=True)


def test_on_a_phone_no_page_scrolls_sideways_and_tables_stack(open_page, desk, request):
    page = open_page()
    page.set_viewport_size(PHONE)
    log_in(page, "director")
    problems = {}
    for name, url in pages(desk).items():
        page.goto(url)
        shoot(page, request, f"{name}-{PHONE['width']}")
        measured = page.evaluate(MEASURE)
        found = []
        if measured["scrollWidth"] > measured["innerWidth"]:
            found.append(f"scrolls sideways: {measured['scrollWidth']} px; {measured['outside']}")
        if name not in SCROLLS_INSIDE_ITS_BOX:
            # Stacked: a row's cells one under the other, each headed by its column's name.
            found += measured["clipped"] + page.evaluate(STACKED)
        if found:
            problems[name] = found
    # The HTML file of the report, as mailed: read on a phone too. In a page of its own, as from
    # a disk: the app's Content-Security-Policy does not apply to it.
    page = open_page()
    page.set_viewport_size(PHONE)
    page.set_content(reports.render_html(reports.build_report(week=desk["week"])))
    shoot(page, request, f"report-file-{PHONE['width']}")
    measured = page.evaluate(MEASURE)
    found = measured["clipped"] + page.evaluate(STACKED)
    if measured["scrollWidth"] > measured["innerWidth"]:
        found.append(f"scrolls sideways: {measured['scrollWidth']} px; {measured['outside']}")
    if found:
        problems["report file"] = found
    assert problems == {}, summary(problems)


@pytest.mark.parametrize("viewport", DESKTOPS, ids=lambda v: str(v["width"]))
def test_on_a_desktop_no_table_cell_is_cut_off(page, desk, request, viewport):
    page.set_viewport_size(viewport)
    log_in(page, "director")
    problems = {}
    for name, url in pages(desk).items():
        page.goto(url)
        shoot(page, request, name)
        measured = page.evaluate(MEASURE)
        found = list(measured["clipped"])
        if measured["scrollWidth"] > measured["innerWidth"]:
            found.append(f"scrolls sideways: {measured['scrollWidth']} px; {measured['outside']}")
        if found:
            problems[name] = found
    assert problems == {}, summary(problems)


def test_dashboard_chart_links_are_large_enough_to_tap(page, desk, request):
    page.set_viewport_size(PHONE)
    log_in(page, "director")
    page.goto("/")
    links = page.locator(".bar-chart a")
    assert links.count() >= len(desk["themes"])
    shoot(page, request, "dashboard")
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box["width"] >= TARGET_MIN_PX and box["height"] >= TARGET_MIN_PX, (
            links.nth(index).inner_text(),
            box,
        )
