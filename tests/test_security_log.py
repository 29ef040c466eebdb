"""The security log: written by the doors users use (log-in form, refusals, downloads, imports,
exports), read and exported by administrators only, pruned after its retention."""

import csv
import datetime
import io
import logging

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.test_access import CLIENT_A, _via_proxy, proxies  # noqa: F401 - fixture
from tests.test_import import MEETINGS_CSV, _confirm, _export, _import
from tests.test_readout_import import reference, review, review_data, save  # noqa: F401
from tracker import services
from tracker.models import Meeting, SecurityEvent, SecurityEventKind
from tracker.services.security_log import record_security_event, security_log_prune

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
HOSTILE = "=cmd|' /C calc'!A0\x00\x07\x1b[31m\u202e" + "x" * 10_000
BROWSER = "Mozilla/5.0 \x07\x1b[2J" + "y" * 10_000  # (a NUL: gunicorn refuses the request)


def _login(client, username, password=PASSWORD, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def _logged_in(client, user):
    """Log in without the log-in's own event, so that a list shows the fixture's events only."""
    client.force_login(user)
    SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN, user=user).delete()


def _events(kind=None):
    # (force_login in a test logs in as the form does, so a test's own log-in is an event too.)
    events = SecurityEvent.objects.order_by("pk")
    return list(events.filter(kind=kind) if kind else events)


# Written through the doors -----------------------------------------------------------------------


def test_log_in_and_log_out_through_the_form_are_recorded(client):
    user = UserFactory(username="tanaka")
    assert _login(client, "tanaka", HTTP_USER_AGENT=BROWSER).status_code == 302
    client.post(reverse("logout"), HTTP_USER_AGENT=BROWSER)
    login, logout = _events()
    assert (login.kind, login.user, login.username) == (SecurityEventKind.LOGIN, user, "tanaka")
    assert login.ip_address == "127.0.0.1"
    # The browser string is cleaned of controls and cut to its column.
    assert login.user_agent.startswith("Mozilla/5.0")
    assert "\x00" not in login.user_agent and "\x1b" not in login.user_agent
    assert len(login.user_agent) == 300
    assert (logout.kind, logout.user) == (SecurityEventKind.LOGOUT, user)


def test_a_failed_log_in_records_the_name_typed_cleaned(client):
    UserFactory(username="tanaka")
    typed = "=cmd|' /C calc'!A0\x07\x1b[31m"
    assert _login(client, typed, "wrong").status_code == 200
    (failed,) = _events()
    assert failed.kind == SecurityEventKind.LOGIN_FAILED
    assert failed.user is None
    assert failed.username == "=cmd|' /C calc'!A0  [31m"
    assert failed.ip_address == "127.0.0.1"


def test_a_lock_out_is_recorded_once_the_limit_is_reached(client):
    UserFactory(username="tanaka")
    statuses = [_login(client, "tanaka", "wrong").status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert _login(client, "tanaka").status_code == 429
    assert len(_events(SecurityEventKind.LOGIN_FAILED)) == 6
    locked = _events(SecurityEventKind.LOCKED_OUT)
    assert locked and all(event.username == "tanaka" for event in locked)
    assert not _events(SecurityEventKind.LOGIN)
    # A lock-out is not also a permission refusal (axes answers 429).
    assert not _events(SecurityEventKind.PERMISSION_DENIED)


def test_behind_the_proxy_the_log_names_the_client_the_lock_out_counts(client, proxies):  # noqa: F811
    proxies(1)
    UserFactory(username="tanaka")
    _login(client, "tanaka", "wrong", **_via_proxy(f"192.0.2.99, {CLIENT_A}"))
    assert _events()[0].ip_address == CLIENT_A


def test_a_refusal_is_recorded_with_the_address_asked(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("report") + "?week=2026-W10").status_code == 403
    (refused,) = _events(SecurityEventKind.PERMISSION_DENIED)
    assert refused.kind == SecurityEventKind.PERMISSION_DENIED
    assert refused.user == viewer
    assert refused.path == "/reports/weekly/?week=2026-W10"
    assert refused.detail == {"method": "GET"}


def test_a_refusal_in_the_admin_and_a_csrf_failure_are_recorded(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:tracker_securityevent_changelist")).status_code == 403
    assert client.post(reverse("logout")).status_code == 403  # no CSRF token
    assert [e.path for e in _events(SecurityEventKind.PERMISSION_DENIED)] == [
        reverse("admin:tracker_securityevent_changelist"),
        reverse("logout"),
    ]


def test_report_downloads_and_issues_are_recorded(client, manager):
    client.force_login(manager)
    url = reverse("report-download", args=["csv"]) + "?week=2026-W10"
    response = client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert client.post(reverse("report-issue"), {"week": "2026-W10"}).status_code == 302
    issued = services.AlreadyIssued  # noqa: F841 - the service's name, for the reader
    from tracker.models import IssuedReport

    report = IssuedReport.objects.get()
    assert client.get(reverse("issued-report-download", args=[report.pk, "csv"])).status_code == 200
    download, issue, again = [e for e in _events() if e.kind != SecurityEventKind.LOGIN]
    assert download.kind == SecurityEventKind.REPORT_DOWNLOAD
    assert download.detail == {"format": "csv", "week": "2026-W10", "issued": False}
    assert (issue.kind, issue.target_type, issue.target_id) == (
        SecurityEventKind.REPORT_ISSUE,
        "tracker.IssuedReport",
        str(report.pk),
    )
    assert again.kind == SecurityEventKind.REPORT_DOWNLOAD
    assert again.detail["issued"] is True and len(again.detail["sha256"]) == 64


def test_a_readout_import_saved_through_the_page_is_recorded(client, editor, reference):  # noqa: F811
    client.force_login(editor)
    url = reverse("readout-import")
    response = save(client, url, review_data(review(client, url)))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    (event,) = _events(SecurityEventKind.IMPORT)
    assert (event.user, event.target_id) == (editor, str(meeting.pk))
    assert event.detail["source"] == "readout"
    assert event.detail["commitments"] == meeting.commitments.count()


def test_admin_export_and_import_are_recorded(client, admin_user):
    client.force_login(admin_user)
    content = _export(client, "meeting", "csv")
    (export,) = _events(SecurityEventKind.EXPORT)
    assert export.detail == {"source": "admin", "model": "tracker.Meeting", "format": "csv"}
    del content
    preview = _import(client, "meeting", MEETINGS_CSV.encode(), "meetings.csv")
    done = _confirm(client, "meeting", preview)
    assert done.status_code == 200
    (imported,) = _events(SecurityEventKind.IMPORT)
    assert imported.detail["model"] == "tracker.Meeting"
    assert imported.detail.get("new") == 2
    assert imported.user == admin_user


def test_the_writer_never_raises_into_the_request(monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SecurityEvent, "save", broken)
    with caplog.at_level(logging.ERROR):
        record_security_event(kind=SecurityEventKind.LOGIN, username="tanaka")
    assert "could not be recorded" in caplog.text
    record_security_event(kind="not-a-kind")  # an unknown kind is a bug, logged, never a 500


def test_hostile_values_are_cleaned_and_cut(admin_user):
    record_security_event(
        kind=SecurityEventKind.EXPORT,
        username=HOSTILE,
        detail={HOSTILE: HOSTILE, "n": 3, **{f"k{i}": i for i in range(40)}},
        target=admin_user,
    )
    (event,) = _events()
    assert len(event.username) == 150 and "\x00" not in event.username
    assert len(event.detail) == 20
    assert all(len(str(value)) <= 500 for value in event.detail.values())
    assert event.target_type == "tracker.User" or event.target_type.endswith(".User")


# Read by administrators ---------------------------------------------------------------------------


@pytest.fixture
def auditor(db):
    """Staff with only the security log's view permission, given by a superuser."""
    user = UserFactory(username="auditor", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    return user


@pytest.fixture
def hostile_events(admin_user):
    now = timezone.now() - datetime.timedelta(hours=1)
    for days, kind, ip in (
        (1, SecurityEventKind.LOGIN_FAILED, "203.0.113.7"),
        (10, SecurityEventKind.LOGIN, "198.51.100.23"),
        (40, SecurityEventKind.EXPORT, "203.0.113.7"),
    ):
        SecurityEvent.objects.create(
            at=now - datetime.timedelta(days=days),
            kind=kind,
            username=HOSTILE[:150].replace("\x00", ""),
            ip_address=ip,
            user_agent="<script>alert(1)</script>",
            detail={"note": "=1+1"},
            user=admin_user if kind == SecurityEventKind.LOGIN else None,
        )


LIST = "admin:tracker_securityevent_changelist"
EXPORT = "admin:tracker_securityevent_export"
ROLES = ("anonymous", "viewer", "editor", "manager", "clerk", "auditor", "superuser")
# Who may open the security log's pages: "login" is a redirect to the admin's log-in page.
MATRIX = {
    LIST: dict.fromkeys(ROLES[:4], "login") | {"clerk": 403, "auditor": 200, "superuser": 200},
    EXPORT: dict.fromkeys(ROLES[:4], "login") | {"clerk": 403, "auditor": 200, "superuser": 200},
    "admin:tracker_securityevent_add": dict.fromkeys(ROLES[:4], "login")
    | {"clerk": 403, "auditor": 403, "superuser": 403},
}


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_security_log(role, name, request, division):
    users = {
        "viewer": lambda: UserFactory(username="viewer", roles=["Viewer"]),
        "editor": lambda: UserFactory(username="editor", roles=["Editor"], divisions=[division]),
        "manager": lambda: UserFactory(username="manager", roles=["Manager"]),
        "clerk": lambda: request.getfixturevalue("clerk"),
        "auditor": lambda: request.getfixturevalue("auditor"),
        "superuser": lambda: request.getfixturevalue("admin_user"),
    }
    client = Client()
    if role != "anonymous":
        client.force_login(users[role]())
    response = client.get(reverse(name))
    expected = MATRIX[name][role]
    if expected == "login":
        assert response.status_code == 302
        # The site's log-in page for the anonymous, the admin's for those not staff.
        login = reverse("login") if role == "anonymous" else reverse("admin:login")
        assert response["Location"].startswith(login)
    else:
        assert response.status_code == expected


def test_an_event_cannot_be_changed_or_deleted_in_the_admin(client, admin_user, hostile_events):
    event = SecurityEvent.objects.first()
    client.force_login(admin_user)
    page = client.get(reverse("admin:tracker_securityevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert 'name="username"' not in page.text
    delete = reverse("admin:tracker_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_the_list_shows_hostile_values_escaped_and_filters(client, auditor, hostile_events):
    _logged_in(client, auditor)
    page = client.get(reverse(LIST))
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "=cmd|" in page.text
    assert "Export as CSV" in page.text
    by_kind = client.get(reverse(LIST), {"kind__exact": "login_failed"})
    assert len(by_kind.context["cl"].result_list) == 1
    by_address = client.get(reverse(LIST), {"ip": "203.0.113.7"})
    assert len(by_address.context["cl"].result_list) == 2
    since = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    by_dates = client.get(reverse(LIST), {"at_from": since})
    assert len(by_dates.context["cl"].result_list) == 2
    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    between = client.get(reverse(LIST), {"at_from": since, "at_to": until})
    assert [e.kind for e in between.context["cl"].result_list] == ["login"]
    by_user = client.get(reverse(LIST), {"user__id__exact": str(hostile_events_user(auditor))})
    assert by_user.status_code == 200


def hostile_events_user(auditor) -> int:
    return SecurityEvent.objects.exclude(user=None).values_list("user_id", flat=True).first()


def test_a_date_that_is_not_a_date_is_explained_not_a_500(client, auditor, hostile_events):
    _logged_in(client, auditor)
    page = client.get(reverse(LIST), {"at_from": "2026-13-45\x01'"}, follow=True)
    assert page.status_code == 200
    assert "is not a date" in page.text
    assert len(page.context["cl"].result_list) == 3


def test_the_list_reads_a_fixed_number_of_queries(
    client, auditor, hostile_events, django_assert_num_queries
):
    _logged_in(client, auditor)
    client.get(reverse(LIST))
    for _ in range(30):
        SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, user=auditor)
    # The same queries for 3 events or 33: the rows join their users, the filters read once.
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse(LIST))


LIST_QUERIES = 9


def test_the_csv_export_has_the_filtered_events_with_safe_cells(client, auditor, hostile_events):
    _logged_in(client, auditor)
    response = client.get(reverse(EXPORT), {"ip": "203.0.113.7"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:], newline="")))
    header, *events = rows
    assert header[:3] == ["time", "event", "user name typed"]
    assert len(events) == 2
    for row in events:
        for cell in row:
            assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in cell)
            assert not cell.startswith(("=", "+", "-", "@"))
        assert row[2].startswith("'=cmd|")
        assert row[-1] == "note==1+1"
    # The export is itself recorded.
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.EXPORT, user=auditor).exists()


def test_the_csv_export_speaks_japanese_to_a_japanese_reader(client, auditor, hostile_events):
    client.force_login(auditor)
    client.cookies["django_language"] = "ja"
    content = b"".join(client.get(reverse(EXPORT)).streaming_content).decode("utf-8")
    assert "日時" in content.splitlines()[0]


# Retention ----------------------------------------------------------------------------------------


@override_settings(SECURITY_LOG_RETENTION_DAYS=30)
def test_events_older_than_the_retention_are_pruned(hostile_events):
    assert security_log_prune() == 1
    assert SecurityEvent.objects.count() == 2


def test_the_prune_job_is_scheduled_daily():
    from tracker.scheduling import find_job

    job = find_job("prune-security-log")
    assert job is not None
    assert job.function == "tracker.services.security_log.security_log_prune_job"


def test_a_list_export_is_recorded_with_its_filters(client, editor):
    _logged_in(client, editor)
    response = client.get(
        reverse("commitment-export", args=["csv"]), {"q": "=cmd|' /C calc'!A0", "status": "open"}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (event,) = _events(SecurityEventKind.EXPORT)
    assert event.user == editor and event.detail["format"] == "csv"
    assert "status=open" in event.detail["query"]


def test_api_tokens_made_used_refused_and_revoked_are_recorded(client, editor):
    _logged_in(client, editor)
    page = client.post(
        reverse("api-token-list"), {"name": "Dashboard feed", "scope": "read", "lifetime": "30"}
    )
    secret = page.context["new_secret"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("api-theme-list")).status_code == 200
    assert api.get(reverse("api-theme-list")).status_code == 200  # the same minute: no event
    token = page.context["new_token"]
    client.post(reverse("api-token-revoke", args=[token.pk]))
    assert api.get(reverse("api-theme-list")).status_code == 401
    actions = [(e.detail["action"], e.user) for e in _events(SecurityEventKind.TOKEN)]
    assert actions == [
        ("created", editor),
        ("used", editor),
        ("revoked", editor),
        ("refused", None),  # a revoked token is not looked up: whose it was is not known
    ]
    refused = _events(SecurityEventKind.TOKEN)[-1]
    assert refused.detail["prefix"] == token.shown_prefix
    assert secret not in str([e.detail for e in _events()])
