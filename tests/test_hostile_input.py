"""Hostile input at every door: no address, parameter or stored text gives a server error.

The walk sends hostile values in every path parameter of every URL pattern of tracker.urls (the
admin site has its own tests), in every query parameter the views read, and in every field of the
forms that are posted, as a manager and anonymously. Then text holding every control character
goes through every writer of the weekly report, as a user gets the files: the download, the
"Issue" button and the cron command with its e-mail.
"""

import csv
import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    IssuedReportFactory,
    IssuedReportFileFactory,
    MeetingFactory,
    PasskeyFactory,
    ThemeFactory,
)
from tracker import report as reports
from tracker import services
from tracker import urls as tracker_urls
from tracker.cells import safe_cell, safe_text
from tracker.models import IssuedReport, ReportFormat, Status

pytestmark = pytest.mark.django_db

# Values as they stand in a URL: already percent-encoded where the raw character could not be
# written, so that the test sends exactly these bytes.
HOSTILE_VALUES = {
    "nul": "%00",
    # Without NUL, which the walk would see refused at once: Word's line break (U+000B) and the
    # other C0 controls must reach the views.
    "every-other-c0": "".join(f"%{code:02X}" for code in range(1, 32)),
    # Decoded as U+FFFD in a query string, like any byte sequence that is not UTF-8.
    "lone-surrogate": "%ED%A0%80",
    "10kb": "x" * 10_240,
    "minus-one": "-1",
    "zero": "0",
    "huge": str(2**70),
    "int64-overflow": str(2**63),
    "last-week-of-9999": "9999-W52",
    "first-week-of-year-1": "0001-W01",
    "superscript-two": quote("²"),
    "dot-dot": quote("../../"),
    "unicode": quote("日本語テキスト"),
}
HOSTILE_PATH_VALUES = {
    **{k: HOSTILE_VALUES[k] for k in ("nul", "every-other-c0", "lone-surrogate")},
    "vertical-tab": "%0B",
    "broken-utf8": "%FF%FE",
    **{k: HOSTILE_VALUES[k] for k in ("zero", "huge", "int64-overflow", "superscript-two")},
    "int32-overflow": str(2**31),
    "5kb": "x" * 5_000,
    "dot-dot": "..",
    "encoded-dot-dot": "%2E%2E",
    "unicode": quote("日本語"),
    "format-then-nul": "pdf%00",
}
# Every query parameter the workspace knows. Each request of the walk sends all of them with the
# same hostile value; the parameters a view reads (READS) are then sent one at a time as well, so
# that a refusal of one does not shield another.
QUERY_PARAMETERS = (
    "q",
    "page",
    "sort",
    "status",
    "confidence",
    "theme",
    "division",
    "owner",
    "meeting",
    "meeting_q",
    "party",
    "overdue",
    "week",
    "commitment",
    "fmt",
    "format",
    "next",
    "language",
    "action",
    "cols",
    "group",
    "kind",
    "view",
)
READS = {
    "dashboard": (),
    "commitment-list": (
        "q",
        "page",
        "sort",
        "status",
        "confidence",
        "theme",
        "division",
        "owner",
        "meeting",
        "meeting_q",
        "party",
        "overdue",
        "cols",
        "group",
        "view",
    ),
    "commitment-meeting-options": ("meeting", "meeting_q"),
    "commitment-export": ("q", "sort", "status", "owner", "meeting", "cols", "group"),
    "commitment-bulk-edit": (),
    "commitment-wording": (),
    "search": ("q", "kind", "page"),
    "search-suggest": ("q",),
    "agreed-language": ("q", "page"),
    "saved-view-list": (),
    "saved-view-create": ("q", "status", "cols"),
    "saved-view-open": (),
    "saved-view-update": (),
    "saved-view-delete": (),
    "builtin-view-open": (),
    "api-token-list": (),
    "api-token-revoke": (),
    "passkey-rename": (),
    "passkey-remove": (),
    "two-factor-verify": ("next",),
    "two-factor-setup": ("next",),
    "security-settings": (),
    "security-authenticator-remove": (),
    "security-recovery-codes": (),
    "commitment-detail": (),
    "commitment-update": (),
    "commitment-reassign": (),
    "followup-create": ("q",),
    "meeting-list": ("q", "page"),
    "meeting-search": ("q", "commitment"),
    "meeting-detail": (),
    "report": ("week", "division", "theme"),
    "report-download": ("week", "division", "theme"),
    "report-issue": (),
    "issued-report-list": ("page",),
    "issued-report-download": (),
    "readout-import": (),
    "login": ("next",),
    "logout": (),
    "password_change": (),
    "password_change_done": (),
    "set_language": ("next",),
    "calendar-feeds": (),
    "calendar-feed-regenerate": (),
    "calendar-feed-revoke": (),
    "calendar-feed": (),
    "commitment-watch": (),
    "notification-list": ("page",),
    "notification-read": (),
    "notification-read-all": (),
    "notification-settings": (),
    "notification-unsubscribe": (),
    "report-schedule-list": (),
    "report-schedule-create": (),
    "report-schedule-update": (),
    "report-schedule-delete": (),
    "health-jobs": (),
}
# Every field of the forms that are posted to tracker.urls.
POST_FIELDS = {
    "commitment-update": (
        "status",
        "confidence",
        "next_step",
        "target_date",
        "target_date_reason",
        "next_review_date",
        "note",
        "evidence_url",
        "loaded_version",
    ),
    "commitment-reassign": ("owner", "lead_division", "note"),
    "commitment-bulk-edit": (
        "ids",
        "scope",
        "query",
        "selected_at",
        "confirmed_count",
        "status",
        "confidence",
        "owner",
        "target_date",
        "note",
    ),
    "saved-view-create": ("name", "division", "query"),
    "saved-view-update": ("name", "division", "query", "filters"),
    "api-token-list": ("name", "scope", "lifetime"),
    "passkey-rename": ("name",),
    "two-factor-verify": ("code", "recovery_code", "next"),
    "two-factor-setup": ("code", "next"),
    "security-authenticator-remove": ("password", "code"),
    "followup-create": ("meeting", "outcome", "note", "quote"),
    "report-issue": ("week", "division", "theme"),
    "readout-import": ("action", "text"),
    "login": ("username", "password"),
    "logout": ("next",),
    "password_change": ("old_password", "new_password1", "new_password2"),
    "set_language": ("language", "next"),
    "calendar-feed-regenerate": ("kind", "division"),
    "calendar-feed-revoke": ("kind", "division"),
    "commitment-watch": ("watch",),
    "notification-settings": ("status", "language"),
    "report-schedule-create": services.REPORT_SCHEDULE_FIELDS,
    "report-schedule-update": services.REPORT_SCHEDULE_FIELDS,
}
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _patterns() -> list[URLPattern]:
    patterns = []
    for entry in tracker_urls.urlpatterns:
        if isinstance(entry, URLResolver):
            # Only the admin site, the JSON API and the passkey ceremonies are included from
            # elsewhere; each is tested on its own (the API's hostile bodies in
            # tests/test_api_hostile.py, the ceremonies' in tests/test_passkeys.py).
            assert entry.pattern.describe().startswith(
                ("'admin/'", "'api/v1/'", "'accounts/webauthn/'")
            ), entry
            continue
        patterns.append(entry)
    return patterns


def _url(pattern: URLPattern, values: dict[str, str]) -> str:
    route = _PARAMETER.sub(lambda m: values[m["name"]], str(pattern.pattern))
    return "/" + route


@pytest.fixture
def world(db, manager):
    commitment = CommitmentFactory(themes=[ThemeFactory(code="security")])
    FollowUpFactory(commitment=commitment)
    issued = IssuedReportFactory(issued_by=manager)
    for fmt in ReportFormat.values:
        IssuedReportFileFactory(report=issued, format=fmt)
    schedule = services.report_schedule_create(user=manager, data={"recipients": "a@example.org"})
    view = services.saved_view_create(user=manager, name="Overdue", query="status=open")
    token, _ = services.api_token_create(
        user=manager,
        name="walk",
        scope="read",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    passkey = PasskeyFactory(user=manager)
    # A valid value for each path parameter of each URL name; a new URL with a parameter fails
    # the walk until it is added here.
    return {
        "commitment-detail": {"pk": str(commitment.pk)},
        "commitment-update": {"pk": str(commitment.pk)},
        "commitment-reassign": {"pk": str(commitment.pk)},
        "followup-create": {"pk": str(commitment.pk)},
        "meeting-detail": {"pk": str(commitment.origin_meeting_id)},
        "report-download": {"fmt": "csv"},
        "issued-report-download": {"pk": str(issued.pk), "fmt": "csv"},
        "calendar-feed": {"token": services.calendar_token_issue(user=manager, kind="personal")[1]},
        "commitment-watch": {"pk": str(commitment.pk)},
        "notification-read": {"pk": "1"},
        "notification-unsubscribe": {"token": "not-a-token"},
        "report-schedule-update": {"pk": str(schedule.pk)},
        "report-schedule-delete": {"pk": str(schedule.pk)},
        "commitment-export": {"fmt": "csv"},
        "commitment-wording": {"pk": str(commitment.pk)},
        "saved-view-open": {"pk": str(view.pk)},
        "saved-view-update": {"pk": str(view.pk)},
        "saved-view-delete": {"pk": str(view.pk)},
        "builtin-view-open": {"slug": "overdue"},
        "api-token-revoke": {"pk": str(token.pk)},
        "passkey-rename": {"pk": str(passkey.pk)},
        "passkey-remove": {"pk": str(passkey.pk)},
    }


def _send(client, method: str, url: str, body: str = "") -> tuple[int, str]:
    # In a savepoint, so that a database error on PostgreSQL does not abort the test's transaction
    # and hide the requests after it.
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    except Exception as error:  # noqa: BLE001 - every server error is what the walk reports
        return 500, f"{type(error).__name__}: {error}"[:200]
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code, ""


def _walk(client, world, user=None) -> list[str]:
    failures = []

    def check(method, url, body=""):
        status, error = _send(client, method, url, body)
        if status >= 500:
            failures.append(f"{method} {url[:120]} {body[:120]} → {status} {error}")
        if user is not None and url == reverse("logout"):
            client.force_login(user)

    patterns = _patterns()
    assert {p.name for p in patterns if p.pattern.converters} == set(world)
    assert {p.name for p in patterns} == set(READS)
    assert {name for names in READS.values() for name in names} <= set(QUERY_PARAMETERS)
    for pattern in patterns:
        valid = world.get(pattern.name, {})
        for name in pattern.pattern.converters:
            for value in HOSTILE_PATH_VALUES.values():
                check("GET", _url(pattern, {**valid, name: value}))
        url = _url(pattern, valid)
        check("GET", url)
        for value in HOSTILE_VALUES.values():
            check("GET", f"{url}?" + "&".join(f"{name}={value}" for name in QUERY_PARAMETERS))
            for name in READS[pattern.name]:
                check("GET", f"{url}?{name}={value}")
        for field in POST_FIELDS.get(pattern.name, ()):
            for value in HOSTILE_VALUES.values():
                check("POST", url, f"{field}={value}")
    return failures


def test_no_url_of_the_workspace_gives_a_server_error_to_a_manager(client, manager, world):
    client.force_login(manager)
    failures = _walk(client, world, manager)
    assert failures == []
    # Nothing hostile was issued: every week, division and theme above was refused.
    assert IssuedReport.objects.count() == 1


def test_no_url_of_the_workspace_gives_a_server_error_to_an_anonymous_visitor(client, world):
    assert _walk(client, world) == []


# The cases found by the walk, one by one --------------------------------------------------------


def test_meeting_search_refuses_a_commitment_that_is_not_a_number(client, manager):
    client.force_login(manager)
    for value in ("²", "١٢", "1x", "-1"):
        response = client.get(reverse("meeting-search"), {"commitment": value})
        assert response.status_code == 400, value
        assert "must be the number of a commitment" in response.text
    assert client.get(reverse("meeting-search"), {"commitment": str(2**70)}).status_code == 200


@pytest.mark.parametrize("name", ["commitment-list", "meeting-list", "meeting-search"])
def test_a_nul_byte_in_the_search_is_refused_with_400(client, manager, name):
    MeetingFactory()
    client.force_login(manager)
    response = client.get(reverse(name) + "?q=Tokyo%00")
    assert response.status_code == 400
    assert "null character" in response.text
    assert client.get(reverse(name), {"q": "Tokyo"}).status_code == 200


def test_a_long_meeting_search_is_cut_with_a_message(client, manager):
    MeetingFactory(title="Japan-U.S. Summit")
    client.force_login(manager)
    response = client.get(reverse("meeting-list"), {"q": "Summit" + "x" * 10_000})
    assert response.status_code == 200
    assert "first 200 characters" in response.text
    assert len(response.context["q"]) == 200


def test_issued_report_download_refuses_odd_formats_and_huge_numbers(client, manager):
    stored = IssuedReportFileFactory()
    client.force_login(manager)
    ok = reverse("issued-report-download", args=[stored.report_id, "csv"])
    assert client.get(ok).content == bytes(stored.content)
    assert client.get(ok.replace("csv", "docx")).status_code == 404
    assert client.get(ok.replace("csv", "csv%00")).status_code == 400
    huge = reverse("issued-report-download", args=[2**70, "csv"])
    assert client.get(huge).status_code == 404


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52", "1899-W52"])
def test_weeks_outside_the_calendar_are_refused_at_every_door(client, manager, tmp_path, week):
    client.force_login(manager)
    page = client.get(reverse("report"), {"week": week})
    assert page.status_code == 200
    assert "is out of range" in str(page.context["form"].errors["week"])
    for fmt in ("pdf", "xlsx", "csv"):
        download = client.get(reverse("report-download", args=[fmt]), {"week": week})
        assert download.status_code == 302
        assert download["Location"] == f"{reverse('report')}?week={week}"
    issue = client.post(reverse("report-issue"), {"week": week})
    assert issue.status_code == 302
    with pytest.raises(CommandError, match="is out of range"):
        call_command("weekly_report", "--week", week, "--output", str(tmp_path))
    assert not IssuedReport.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_refused_download_goes_back_to_the_report_page_with_its_own_parameters(client, manager):
    client.force_login(manager)
    junk = "x" * 10_000
    response = client.get(
        reverse("report-download", args=["pdf"]),
        {"week": junk, "division": junk, "theme": junk, "q": junk, "page": "2"},
    )
    assert response.status_code == 302
    # Only the report's parameters, cut: a redirect may not be longer than 16 KB.
    cut = "x" * 100
    assert response["Location"] == f"{reverse('report')}?week={cut}&division={cut}&theme={cut}"
    page = client.get(response["Location"])
    assert "Ensure this value has at most 10 characters" in page.text


@pytest.mark.parametrize("option", ["--week", "--format", "--division", "--theme", "--user"])
@pytest.mark.parametrize(
    "value",
    ["\x00", "\udcff", "²", "x" * 10_000, "../../etc", "-1", str(2**70), "9999-W52"],
    ids=["nul", "undecodable-byte", "superscript", "10kb", "dot-dot", "minus", "huge", "far"],
)
def test_the_command_explains_every_hostile_argument(db, tmp_path, option, value):
    with pytest.raises(CommandError) as refusal:
        call_command("weekly_report", option, value, "--output", str(tmp_path))
    assert str(refusal.value)
    assert not IssuedReport.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_nul_in_the_output_path(db, tmp_path):
    with pytest.raises(CommandError, match="null character"):
        call_command("weekly_report", "--format", "csv", "--output", f"{tmp_path}/a\x00.csv")
    assert not IssuedReport.objects.exists()


def test_the_edges_of_the_allowed_years_build_a_report(db):
    first = reports.build_report(week=f"{reports.FIRST_YEAR}-W01")
    assert first.first_day == datetime.date(1900, 1, 1)
    reports.render_xlsx(first)
    with pytest.raises(ValueError, match="not begun"):
        reports.build_report(week=f"{reports.LAST_YEAR}-W52")


# Every control character through every writer --------------------------------------------------


def _controls(*, nul: bool) -> str:
    return "".join(chr(code) for code in range(0 if nul else 1, 32))


# Word's line break, a form feed, a tab and every other C0 control, inside the text: the form
# strips only the ends.
PASTED = "Ask Tokyo" + _controls(nul=False) + "then Washington"
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _this_week() -> str:
    return reports.week_label(timezone.localdate())


def _check_xlsx(content: bytes, expected: str) -> None:
    book = load_workbook(io.BytesIO(content))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    ]
    # XML reads a carriage return in text as a line feed.
    assert expected.replace("\r", "\n") in cells
    assert not any(XML_ILLEGAL.search(cell) for cell in cells)


def _check_csv(content: bytes, expected: str) -> None:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert expected in [cell for row in rows for cell in row]


def _check_pdf(content: bytes) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Ask Tokyo" in text and "then Washington" in text


def _check_html(content: bytes) -> None:
    html = content.decode("utf-8")
    assert "Ask Tokyo" in html and "then Washington" in html
    assert not XML_ILLEGAL.search(html)


@pytest.fixture
def pasted(client, manager):
    """A commitment whose next step and note were pasted with every control character."""
    commitment = CommitmentFactory(title="Hold a 2+2 early next year")
    client.force_login(manager)
    response = client.post(
        reverse("commitment-update", args=[commitment.pk]),
        {
            "status": Status.IN_PROGRESS,
            "confidence": commitment.confidence,
            "next_step": PASTED,
            "note": PASTED,
            "loaded_version": commitment.version,
        },
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    # What the user pasted is kept as it was: the files clean it, the database does not.
    assert commitment.next_step == PASTED
    assert commitment.status_updates.latest().note == PASTED
    return commitment


def test_pasted_control_characters_download_as_valid_files(client, pasted):
    expected = safe_cell(PASTED)
    assert expected == "Ask Tokyo\t\n\n\n\rthen Washington"
    week = {"week": _this_week()}
    xlsx = client.get(reverse("report-download", args=["xlsx"]), week)
    assert xlsx.status_code == 200
    _check_xlsx(xlsx.content, expected)
    response = client.get(reverse("report-download", args=["csv"]), week)
    _check_csv(b"".join(response.streaming_content), expected)
    pdf = client.get(reverse("report-download", args=["pdf"]), week)
    _check_pdf(pdf.content)
    page = client.get(reverse("report"), week)
    assert page.status_code == 200


def test_pasted_control_characters_issue_as_valid_files(client, pasted):
    response = client.post(reverse("report-issue"), {"week": _this_week()})
    assert response.status_code == 302
    assert response["Location"] == reverse("issued-report-list")
    files = {f.format: bytes(f.content) for f in IssuedReport.objects.get().files.all()}
    assert sorted(files) == ["csv", "html", "pdf", "xlsx"]
    _check_xlsx(files["xlsx"], safe_cell(PASTED))
    _check_csv(files["csv"], safe_cell(PASTED))
    _check_pdf(files["pdf"])
    _check_html(files["html"])


def test_pasted_control_characters_go_out_with_the_command_and_its_email(
    pasted, tmp_path, settings
):
    settings.REPORT_RECIPIENTS = ["directors@example.org"]
    out = io.StringIO()
    call_command(
        "weekly_report", "--week", _this_week(), "--output", str(tmp_path), "--email", stdout=out
    )
    assert "Issued report" in out.getvalue()
    written = {path.suffix: path.read_bytes() for path in tmp_path.iterdir()}
    assert sorted(written) == [".csv", ".html", ".pdf", ".xlsx"]
    _check_xlsx(written[".xlsx"], safe_cell(PASTED))
    _check_csv(written[".csv"], safe_cell(PASTED))
    _check_pdf(written[".pdf"])
    _check_html(written[".html"])
    [message] = mail.outbox
    # The whole message encodes, as the mail server will receive it.
    assert b"Weekly status report" in message.message().as_bytes()
    attachments = {name: content for name, content, _mimetype in message.attachments}
    [xlsx] = [content for name, content in attachments.items() if name.endswith(".xlsx")]
    _check_xlsx(xlsx, safe_cell(PASTED))
    [pdf] = [content for name, content in attachments.items() if name.endswith(".pdf")]
    _check_pdf(pdf)


def test_nul_and_lone_surrogates_reach_no_file(db):
    """What no database stores (NUL on PostgreSQL, a lone surrogate anywhere) reaching the
    writers directly: each still writes a valid file."""
    CommitmentFactory(next_step="placeholder")
    report = reports.build_report(week=_this_week())
    hostile = "Ask Tokyo" + _controls(nul=True) + "\ud800\udfff\ufffe" + "then Washington"
    [row] = report.open_rows
    row = row._replace(title=hostile, next_step=hostile, owner=hostile)
    report.open_rows = [row]
    report.open_by_theme = [reports.ThemeGroup(hostile, [row])]
    report.new_commitments = [row]
    report.attention = [reports.AttentionGroup("red", hostile, [row])]
    expected = safe_cell(hostile)
    assert expected == "Ask Tokyo\t\n\n\n\rthen Washington"
    _check_xlsx(reports.render_xlsx(report), expected)
    _check_csv(b"".join(reports.iter_csv(report)), expected)
    _check_pdf(reports.render_pdf(report))
    _check_html(reports.render_html(report).encode("utf-8"))
    assert safe_text(hostile) == "Ask Tokyo\t\n\n\n\rthen Washington"


def test_a_formula_behind_a_control_character_stays_text(client, manager):
    commitment = CommitmentFactory(title='=HYPERLINK("http://evil.example","x")')
    client.force_login(manager)
    client.post(
        reverse("commitment-update", args=[commitment.pk]),
        {
            "status": commitment.status,
            "confidence": commitment.confidence,
            # Not whitespace, so the form keeps it; the writers drop it, then see the "=".
            "next_step": "\x01=1+1",
            "loaded_version": commitment.version,
        },
    )
    commitment.refresh_from_db()
    assert commitment.next_step == "\x01=1+1"
    week = {"week": _this_week()}
    xlsx = client.get(reverse("report-download", args=["xlsx"]), week)
    row = next(load_workbook(io.BytesIO(xlsx.content))["Open commitments"].iter_rows(min_row=2))
    assert (row[1].value, row[10].value) == ('\'=HYPERLINK("http://evil.example","x")', "'=1+1")
    assert all(cell.data_type == "s" for cell in (row[1], row[10]))
    response = client.get(reverse("report-download", args=["csv"]), week)
    [_header, line] = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert (line[1], line[10]) == ('\'=HYPERLINK("http://evil.example","x")', "'=1+1")
