"""Error pages: styled, in the reader's language, saying what happened and where to go next."""

import datetime
from html import unescape

import pytest
from django.core.exceptions import SuspiciousOperation
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import UserFactory
from tracker.templatetags.durations import duration_words

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def boom(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


# The app's addresses plus two that fail, for the 500 and 400 pages (@pytest.mark.urls).
urlpatterns = [
    path("boom/", boom),
    path("suspicious/", suspicious),
    path("", include("tracker.urls")),
]


def text(response) -> str:
    # The English durations come with no-break spaces ("30\xa0minutes").
    return unescape(response.content.decode()).replace("\xa0", " ")


def assert_styled(page: str) -> None:
    """The site's own page: its style sheet and header, and a way back."""
    assert "tracker/app.css" in page
    assert 'class="site-header"' in page
    assert f'href="{reverse("dashboard")}"' in page
    assert "Forbidden</h1>" not in page


@pytest.mark.parametrize(
    ("language", "heading", "advice"),
    [
        ("en", "You do not have access to this page", "ask them to send you the file itself"),
        ("ja", "このページを見る権限がありません", "ファイルそのものを送ってもらう"),
    ],
)
def test_a_shared_report_link_refused_says_why_and_links_back(
    client, viewer, language, heading, advice
):
    client.force_login(viewer)
    client.cookies["django_language"] = language
    response = client.get(reverse("report"), {"week": "2025-W48"})
    assert response.status_code == 403
    page = text(response)
    assert_styled(page)
    assert heading in page and advice in page
    assert "viewer" in page  # who is logged in: perhaps the wrong account
    # The header still works: the nav of a logged-in user.
    assert f'href="{reverse("commitment-list")}"' in page


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("ja", "ページが見つかりません")]
)
@pytest.mark.parametrize("logged_in", [True, False])
def test_a_missing_page_is_styled_for_everyone(client, editor, language, heading, logged_in):
    if logged_in:
        client.force_login(editor)
    client.cookies["django_language"] = language
    for url in ("/no/such/page/", "/meetings/%E2%80%AE/"):
        response = client.get(url)
        assert response.status_code == 404
        page = text(response)
        assert_styled(page)
        assert heading in page
    if logged_in:
        response = client.get(reverse("commitment-detail", args=[2**62]))
        assert response.status_code == 404
        assert heading in text(response)


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Something went wrong on our side"), ("ja", "サーバーでエラーが発生しました")],
)
def test_a_server_error_is_styled_in_the_readers_language(editor, language, heading):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    client.cookies["django_language"] = language
    response = client.get("/boom/")
    assert response.status_code == 500
    page = text(response)
    assert_styled(page)
    assert heading in page
    assert "a bug" not in page and "Traceback" not in page


def test_the_500_page_needs_no_request_context():
    # Django's server_error renders the template with no context at all: a template that
    # needed one would fail in the middle of handling an error.
    with translation.override("en"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = text(response)
    assert "Something went wrong on our side" in page
    assert_styled(page)


@pytest.mark.urls("tests.test_error_pages")
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "This request could not be read"), ("ja", "このリクエストは読み取れませんでした")],
)
def test_a_bad_request_is_styled(editor, language, heading):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    client.cookies["django_language"] = language
    response = client.get("/suspicious/")
    assert response.status_code == 400
    page = text(response)
    assert_styled(page)
    assert heading in page
    assert "tampered" not in page


def test_a_form_sent_from_an_old_page_says_what_to_do(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    page = text(response)
    assert_styled(page)
    assert "The form could not be sent" in page
    assert "reload the page" in page
    assert "CSRF verification failed" not in page


@pytest.mark.parametrize(
    ("language", "wait", "limit"),
    [
        ("en", "You can try again in 30 minutes.", "After 5 failed attempts"),
        ("ja", "30分後にもう一度お試しください。", "5 回失敗したため"),
    ],
)
def test_the_lock_out_page_gives_the_wait_in_words(client, language, wait, limit):
    UserFactory(username="tanaka")
    client.cookies["django_language"] = language
    for _ in range(6):
        response = client.post(reverse("login"), {"username": "tanaka", "password": "wrong"})
    assert response.status_code == 429
    page = text(response)
    assert_styled(page)
    assert wait in page
    assert limit in page
    assert "PT30M" not in page
    assert f'href="{reverse("login")}"' in page


@pytest.mark.parametrize(
    ("value", "english", "japanese"),
    [
        (datetime.timedelta(minutes=30), "30 minutes", "30分"),
        (datetime.timedelta(hours=2), "2 hours", "2時間"),
        (datetime.timedelta(hours=1, minutes=30), "1 hour, 30 minutes", "1時間, 30分"),
        # Never "0 minutes" while some wait is left.
        (datetime.timedelta(seconds=20), "1 minute", "1分"),
        (datetime.timedelta(days=1), "1 day", "1日"),
        (datetime.timedelta(0), "", ""),
        (datetime.timedelta(minutes=-5), "", ""),
        (None, "", ""),
        ("PT30M", "", ""),
    ],
)
def test_duration_words(value, english, japanese):
    for language, expected in (("en", english), ("ja", japanese)):
        with translation.override(language):
            assert duration_words(value).replace("\xa0", " ") == expected


def test_every_error_template_extends_the_site_layout():
    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        template = get_template(name)
        assert template.template.nodelist[0].parent_name.var == "error_base.html", name
    assert get_template("error_base.html").template.nodelist[0].parent_name.var == "base.html"
