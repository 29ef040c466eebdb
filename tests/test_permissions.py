"""Every URL, every role: a view that forgets its permission check makes this test fail.

New URL patterns must be added to EXPECTED, so nobody can add a page without saying who may
open it.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tests.test_api_permissions import API_ROUTE_NAMES
from tracker.permissions import Role

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "other_editor", "editor", "manager")
LOGIN = "login"  # redirected to the log-in page
# name -> (method, data, {role: expected status}); LOGIN means a redirect to the log-in page.
ALL_READ = dict.fromkeys(ROLES[1:], 200) | {"anonymous": LOGIN}
EDIT = {"anonymous": LOGIN, "viewer": 403, "other_editor": 403}
ANON = {"anonymous": LOGIN}
MANAGE = {"anonymous": LOGIN, "viewer": 403, "other_editor": 403, "editor": 403}
EXPECTED = {
    "dashboard": ("get", None, ALL_READ),
    "commitment-list": ("get", None, ALL_READ),
    "commitment-meeting-options": ("get", None, ALL_READ),
    "commitment-detail": ("get", None, ALL_READ),
    "commitment-update": (
        "post",
        {"status": "in_progress", "confidence": "green", "note": "ok", "loaded_version": 1},
        EDIT | {"editor": 302, "manager": 302},
    ),
    "followup-create": ("get", None, EDIT | {"editor": 200, "manager": 200}),
    "commitment-reassign": ("post", {"owner": ""}, MANAGE | {"manager": 302}),
    # The bulk bar, on every commitment matching no filter (the one there is): the other editor
    # may post, and is told that it is outside their divisions (409), nothing changed.
    "commitment-bulk-edit": (
        "post",
        {"confidence": "amber", "scope": "matching"},
        EDIT | {"other_editor": 409, "editor": 302, "manager": 302},
    ),
    "commitment-watch": ("post", {"watch": "1"}, dict.fromkeys(ROLES[1:], 302) | ANON),
    "notification-list": ("get", None, ALL_READ),
    # Nobody may mark another's notification: the one asked for is not the reader's (404).
    "notification-read": ("post", None, dict.fromkeys(ROLES[1:], 404) | ANON),
    "notification-read-all": ("post", None, dict.fromkeys(ROLES[1:], 302) | ANON),
    "notification-settings": ("get", None, ALL_READ),
    # No log-in: the signature is the only credential, and this one is not valid.
    "notification-unsubscribe": ("post", None, dict.fromkeys(ROLES, 400)),
    "agreed-language": ("get", {"q": "implement"}, ALL_READ),
    "commitment-wording": ("get", None, ALL_READ),
    # Saved views: the editor's view, shared with their division; nobody else there sees it (404).
    "commitment-export": ("get", None, ALL_READ),
    "saved-view-list": ("get", None, ALL_READ),
    "saved-view-create": ("get", None, ALL_READ),
    "saved-view-open": ("get", None, dict.fromkeys(ROLES[1:], 404) | ANON | {"editor": 302}),
    "saved-view-update": ("get", None, dict.fromkeys(ROLES[1:], 404) | ANON | {"editor": 200}),
    "saved-view-delete": ("post", None, dict.fromkeys(ROLES[1:], 404) | ANON | {"editor": 302}),
    "builtin-view-open": ("get", None, dict.fromkeys(ROLES[1:], 302) | ANON),
    "search": ("get", {"q": "implement"}, ALL_READ),
    "search-suggest": ("get", {"q": "implement"}, ALL_READ),
    "meeting-list": ("get", None, ALL_READ),
    "meeting-search": ("get", None, ALL_READ),
    "meeting-detail": ("get", None, ALL_READ),
    "report": ("get", None, MANAGE | {"manager": 200}),
    "report-download": ("get", None, MANAGE | {"manager": 200}),
    "report-issue": ("post", {"week": "2026-W10"}, MANAGE | {"manager": 302}),
    "issued-report-list": ("get", None, MANAGE | {"manager": 200}),
    "issued-report-download": ("get", None, MANAGE | {"manager": 200}),
    "readout-import": (
        "get",
        None,
        {"anonymous": LOGIN, "viewer": 403, "other_editor": 200, "editor": 200, "manager": 200},
    ),
    "login": ("get", None, {"anonymous": 200} | dict.fromkeys(ROLES[1:], 302)),
    "logout": ("post", None, dict.fromkeys(ROLES, 302)),
    "password_change": ("get", None, ALL_READ),
    "password_change_done": ("get", None, ALL_READ),
    "set_language": ("post", {"language": "ja"}, dict.fromkeys(ROLES, 302)),
    "admin": ("get", None, dict.fromkeys(ROLES, "admin-login")),
    "report-schedule-list": ("get", None, MANAGE | {"manager": 200}),
    "report-schedule-create": ("get", None, MANAGE | {"manager": 200}),
    "report-schedule-update": ("get", None, MANAGE | {"manager": 200}),
    "report-schedule-delete": ("post", None, MANAGE | {"manager": 302}),
    # Staff only (none of these roles is staff): monitoring reads it with a staff account.
    "health-jobs": ("get", None, dict.fromkeys(ROLES[1:], 403) | {"anonymous": LOGIN}),
    "calendar-feeds": ("get", None, ALL_READ),
    # Everyone's own feed; a division feed is refused to all but its managers (test_calendar_feeds).
    "calendar-feed-regenerate": ("post", {"kind": "personal"}, ALL_READ),
    "calendar-feed-revoke": (
        "post",
        {"kind": "personal"},
        dict.fromkeys(ROLES[1:], 302) | {"anonymous": LOGIN},
    ),
    # The secret address is the credential: the editor's feed, whoever's session asks.
    "calendar-feed": ("get", None, dict.fromkeys(ROLES, 200)),
    # Two-factor log-in. These log-ins owe no second step (conftest.py's two_factor_as_deployed):
    # the second step sends them on; nobody has a device, so no removal or recovery codes.
    "two-factor-verify": ("get", None, dict.fromkeys(ROLES[1:], 302) | ANON),
    "two-factor-setup": ("get", None, ALL_READ),
    "security-settings": ("get", None, ALL_READ),
    "security-authenticator-remove": ("post", None, dict.fromkeys(ROLES[1:], 302) | ANON),
    "security-recovery-codes": ("post", None, dict.fromkeys(ROLES[1:], 302) | ANON),
    # Passkeys: everyone manages their own; the editor's, to anyone else, does not exist.
    "passkey-rename": ("get", None, dict.fromkeys(ROLES[1:], 404) | ANON | {"editor": 200}),
    "passkey-remove": ("post", None, dict.fromkeys(ROLES[1:], 404) | ANON | {"editor": 302}),
    # django-otp-webauthn's ceremonies (namespace otp_webauthn), for any signed-in user; a
    # "complete" without its "begin" has no challenge to answer (400).
    "credential-registration-begin": ("post", None, dict.fromkeys(ROLES[1:], 200) | ANON),
    "credential-registration-complete": ("post", None, dict.fromkeys(ROLES[1:], 400) | ANON),
    "credential-authentication-begin": ("post", None, dict.fromkeys(ROLES[1:], 200) | ANON),
    "credential-authentication-complete": ("post", None, dict.fromkeys(ROLES[1:], 400) | ANON),
    "js-i18n-catalog": ("get", None, ALL_READ),
    "api-token-list": ("get", None, ALL_READ),
    # The editor's token: only its owner may revoke it; to anyone else it does not exist.
    "api-token-revoke": (
        "post",
        None,
        dict.fromkeys(ROLES[1:], 404) | {"editor": 302, "anonymous": LOGIN},
    ),
}

WEBAUTHN_NAMES = {
    "credential-registration-begin",
    "credential-registration-complete",
    "credential-authentication-begin",
    "credential-authentication-complete",
    "js-i18n-catalog",
}


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                yield "admin", prefix + str(entry.pattern)
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield entry.name, prefix + str(entry.pattern)


def test_every_url_pattern_has_an_expectation():
    names = {name for name, _ in _patterns()}
    assert None not in names, "Give every URL pattern a name."
    # The JSON API's routes have their own matrix (tests/test_api_permissions.py).
    missing = names - set(EXPECTED) - API_ROUTE_NAMES
    assert not missing, f"Say who may open these URLs in EXPECTED: {sorted(missing)}"


@pytest.fixture
def world(division, other_division):
    commitment = CommitmentFactory(lead_division=division)
    MeetingFactory()
    users = {
        "viewer": UserFactory(username="viewer", roles=[Role.VIEWER]),
        "other_editor": UserFactory(
            username="other", roles=[Role.EDITOR], divisions=[other_division]
        ),
        "editor": UserFactory(username="editor", roles=[Role.EDITOR], divisions=[division]),
        "manager": UserFactory(username="manager", roles=[Role.MANAGER]),
    }
    return commitment, users


def _url(name: str, commitment) -> str:
    if name == "admin":
        return reverse("admin:index")
    if name in {
        "commitment-detail",
        "commitment-update",
        "commitment-reassign",
        "followup-create",
        "commitment-wording",
    }:
        return reverse(name, args=[commitment.pk])
    if name == "commitment-export":
        return reverse(name, args=["csv"])
    if name == "builtin-view-open":
        return reverse(name, args=["overdue"])
    if name in {"saved-view-open", "saved-view-update", "saved-view-delete"}:
        from django.contrib.auth import get_user_model

        from tracker.services import saved_view_create

        editor = get_user_model().objects.get(username="editor")
        view = saved_view_create(
            user=editor, name="Mine", query="status=open", division=commitment.lead_division
        )
        return reverse(name, args=[view.pk])
    if name == "commitment-watch":
        return reverse(name, args=[commitment.pk])
    if name == "notification-read":
        from tracker.models import Notification

        theirs = Notification.objects.create(
            user=commitment.origin_meeting.commitments.first().status_updates.first().author,
            kind="note",
            event_key="permission-matrix",
        )
        return reverse(name, args=[theirs.pk])
    if name == "notification-unsubscribe":
        return reverse(name, args=["not-a-signed-token"])
    if name == "meeting-detail":
        return reverse(name, args=[commitment.origin_meeting_id])
    if name == "calendar-feed":
        from django.contrib.auth import get_user_model

        from tracker.services import calendar_token_issue

        editor = get_user_model().objects.get(username="editor")
        _, secret = calendar_token_issue(user=editor, kind="personal")
        return reverse(name, args=[secret])
    if name in {"report-schedule-update", "report-schedule-delete"}:
        from tracker.services import report_schedule_create

        schedule = report_schedule_create(user=None, data={"recipients": "desk@example.org"})
        return reverse(name, args=[schedule.pk])
    if name == "api-token-revoke":
        from django.contrib.auth import get_user_model

        from tests.api_helpers import token_for
        from tracker.models import ApiToken

        token_for(get_user_model().objects.get(username="editor"))
        return reverse(name, args=[ApiToken.objects.get().pk])
    if name in WEBAUTHN_NAMES:
        return reverse(f"otp_webauthn:{name}")
    if name in {"passkey-rename", "passkey-remove"}:
        from django.contrib.auth import get_user_model

        from tests.factories import PasskeyFactory

        editor = get_user_model().objects.get(username="editor")
        return reverse(name, args=[PasskeyFactory(user=editor).pk])
    if name == "report-download":
        return reverse(name, args=["csv"]) + "?week=2026-W10"
    if name == "issued-report-download":
        from tracker.services import report_issue

        issued = report_issue(
            week="2026-W10", division=None, theme=None, user=None, formats=["csv"]
        )
        return reverse(name, args=[issued.pk, "csv"])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, name, role):
    commitment, users = world
    method, data, expected_by_role = EXPECTED[name]
    expected = expected_by_role[role]
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    url = _url(name, commitment)
    response = getattr(client, method)(url, data or {})
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected, (name, role, response.status_code)
