"""Saved views: saved from the list, opened from the menu, renamed, updated, shared, deleted."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tracker import services
from tracker.models import SavedView
from tracker.views import saved_views as saved_view_module
from tracker.views import workspace

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client: Client, url: str, data: dict):
    """A POST as the browser sends it: with the CSRF token of a page it loaded."""
    page = client.get(reverse("saved-view-list"))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
    return client.post(url, data, HTTP_X_CSRFTOKEN=token)


@pytest.fixture
def colleague(division):
    return UserFactory(username="colleague", roles=["Editor"], divisions=[division])


def _save(user, name="Overdue in my division", query="status=open&overdue=on", division=None):
    return services.saved_view_create(user=user, name=name, query=query, division=division)


# Saving ---------------------------------------------------------------------------------------


def test_save_the_list_as_it_is(editor, division):
    client = _client(editor)
    form = client.get(
        reverse("saved-view-create"), {"status": "open", "page": "3", "cols": "owner"}
    )
    assert 'name="query" value="status=open&amp;cols=owner"' in form.text  # no page
    response = _post(
        client,
        reverse("saved-view-create"),
        {"name": "Open, by owner", "query": "status=open&cols=owner", "division": division.pk},
    )
    view = SavedView.objects.get()
    assert (view.name, view.query, view.owner, view.division) == (
        "Open, by owner",
        "status=open&cols=owner",
        editor,
        division,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/commitments/?status=open&cols=owner&view={view.pk}"


def test_a_post_without_the_csrf_token_is_refused(editor):
    client = _client(editor)
    response = client.post(reverse("saved-view-create"), {"name": "x", "query": ""})
    assert response.status_code == 403
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("=1+1", "=1+1"),
        ("Word\x0bline  break\x07", "Word line break"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("日米の延長抑止", "日米の延長抑止"),
    ],
)
def test_hostile_names_are_kept_as_plain_text(editor, name, stored):
    client = _client(editor)
    _post(client, reverse("saved-view-create"), {"name": name, "query": "status=open"})
    assert SavedView.objects.get().name == stored
    menu = client.get(reverse("saved-view-list"), **HTMX).text
    assert "<script>alert" not in menu
    listed = client.get(reverse("saved-view-list")).text
    assert "<script>alert" not in listed


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad\x00name", "Null characters are not allowed."),
        ("x" * 101, "at most 100 characters"),
        ("   ", "This field is required."),
        ("\x0b\x0c", "This field"),
    ],
)
def test_a_name_that_cannot_be_saved_says_why(editor, name, message):
    response = _post(
        _client(editor), reverse("saved-view-create"), {"name": name, "query": "status=open"}
    )
    assert response.status_code == 200
    assert message in response.text
    assert not SavedView.objects.exists()


def test_the_same_name_twice_is_refused_with_a_message(editor):
    _save(editor, name="Red items")
    response = _post(
        _client(editor), reverse("saved-view-create"), {"name": "Red items", "query": ""}
    )
    assert "already" in response.text
    assert SavedView.objects.count() == 1


def test_a_query_too_long_to_keep_says_so(editor):
    response = _post(
        _client(editor), reverse("saved-view-create"), {"name": "Long", "query": "q=" + "x" * 2100}
    )
    assert "too long to save" in response.text
    assert not SavedView.objects.exists()


# Sharing --------------------------------------------------------------------------------------


def test_an_editor_shares_only_with_their_own_divisions(editor, other_division):
    response = _post(
        _client(editor),
        reverse("saved-view-create"),
        {"name": "Theirs", "query": "", "division": other_division.pk},
    )
    assert "Select a valid choice" in response.text
    assert not SavedView.objects.exists()
    # The service refuses it too, whichever door asks.
    with pytest.raises(PermissionDenied):
        _save(editor, division=other_division)


def test_a_manager_shares_with_any_division(manager, other_division):
    view = _save(manager, division=other_division)
    assert view.division == other_division


def test_a_shared_view_is_in_its_division_members_menu_only(
    editor, colleague, other_editor, division
):
    shared = _save(editor, name="Shared one", division=division)
    _save(editor, name="Personal one")
    colleague_menu = _client(colleague).get(reverse("saved-view-list"), **HTMX).text
    assert "Shared one" in colleague_menu and "Personal one" not in colleague_menu
    assert "<html" not in colleague_menu
    other_menu = _client(other_editor).get(reverse("saved-view-list"), **HTMX).text
    assert "Shared one" not in other_menu
    # Nor can they open it by its number.
    assert _client(other_editor).get(shared.get_absolute_url()).status_code == 404
    assert _client(colleague).get(shared.get_absolute_url()).status_code == 302


# Opening --------------------------------------------------------------------------------------


def test_opening_a_view_shows_the_list_with_its_filters_and_name(editor, division):
    CommitmentFactory(lead_division=division, title="Visible item", status="in_progress")
    CommitmentFactory(lead_division=division, title="Closed item", status="completed")
    view = _save(editor, name="Open <items>", query="status=open&cols=owner&group=status")
    client = _client(editor)
    response = client.get(view.get_absolute_url(), follow=True)
    assert (
        response.redirect_chain[0][0]
        == f"/commitments/?status=open&cols=owner&group=status&view={view.pk}"
    )
    assert "Visible item" in response.text and "Closed item" not in response.text
    assert "Open &lt;items&gt;" in response.text
    assert 'id="update-view"' in response.text
    assert response.context["group"] == "status"
    # The view stays named while the filters change in place.
    assert f'name="view" value="{view.pk}"' in response.text


def test_a_view_whose_meeting_was_deleted_opens_with_a_message(editor, division):
    meeting = MeetingFactory()
    CommitmentFactory(lead_division=division, title="Another item")
    view = _save(editor, query=f"meeting={meeting.pk}&status=open")
    meeting.delete()  # as a clerk may in the admin: no commitment was made at it
    response = _client(editor).get(view.get_absolute_url(), follow=True)
    assert response.status_code == 200
    assert "no longer apply" in response.text and "Origin meeting" in response.text
    assert response.redirect_chain[0][0] == f"/commitments/?status=open&view={view.pk}"
    assert "Another item" in response.text


def test_someone_elses_personal_view_is_not_found(editor, colleague):
    view = _save(editor)
    client = _client(colleague)
    assert client.get(view.get_absolute_url()).status_code == 404
    assert client.get(reverse("saved-view-update", args=[view.pk])).status_code == 404
    assert _post(client, reverse("saved-view-delete", args=[view.pk]), {}).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_a_stranger_view_number_in_the_list_address_is_ignored(editor, colleague):
    view = _save(editor, name="Private name")
    response = _client(colleague).get(reverse("commitment-list"), {"view": view.pk})
    assert response.status_code == 200 and "Private name" not in response.text
    bad = _client(colleague).get(reverse("commitment-list"), {"view": "١٢"})
    assert bad.status_code == 200


# Changing -------------------------------------------------------------------------------------


def test_update_a_view_with_the_current_list(editor):
    view = _save(editor, query="status=open")
    response = _post(
        _client(editor),
        reverse("saved-view-update", args=[view.pk]),
        {"filters": "1", "query": f"status=stalled&page=4&view={view.pk}&cols=owner"},
    )
    view.refresh_from_db()
    assert view.query == "status=stalled&cols=owner"
    assert response["Location"] == f"/commitments/?status=stalled&cols=owner&view={view.pk}"


def test_rename_and_share_a_view(editor, division):
    view = _save(editor, name="Old")
    client = _client(editor)
    form = client.get(reverse("saved-view-update", args=[view.pk]))
    assert 'value="Old"' in form.text
    _post(
        client,
        reverse("saved-view-update", args=[view.pk]),
        {"name": "New name", "division": division.pk, "query": "ignored=1"},
    )
    view.refresh_from_db()
    assert (view.name, view.division, view.query) == (
        "New name",
        division,
        "status=open&overdue=on",
    )


def test_a_division_member_may_open_but_not_change_a_shared_view(editor, colleague, division):
    view = _save(editor, division=division)
    client = _client(colleague)
    assert client.get(reverse("saved-view-update", args=[view.pk])).status_code == 403
    response = _post(client, reverse("saved-view-delete", args=[view.pk]), {})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.saved_view_update(view=view, user=colleague, name="Mine now")


def test_a_manager_in_the_division_may_delete_a_shared_view(editor, division):
    manager = UserFactory(username="director", roles=["Manager"], divisions=[division])
    shared = _save(editor, name="Shared", division=division)
    personal = _save(editor, name="Personal")
    client = _client(manager)
    assert _post(client, reverse("saved-view-delete", args=[shared.pk]), {}).status_code == 302
    assert not SavedView.objects.filter(pk=shared.pk).exists()
    assert _post(client, reverse("saved-view-delete", args=[personal.pk]), {}).status_code == 404


def test_the_owner_deletes_their_view(editor):
    view = _save(editor)
    response = _post(_client(editor), reverse("saved-view-delete", args=[view.pk]), {})
    assert response["Location"] == reverse("saved-view-list")
    assert not SavedView.objects.exists()


def test_the_service_validates_what_it_saves(editor):
    with pytest.raises(ValidationError):
        _save(editor, name="x" * 101)
    with pytest.raises(ValidationError):
        _save(editor, query="q=" + "x" * 2001)


# Built-in views -------------------------------------------------------------------------------


def test_builtin_views_are_the_dashboards_boxes(editor, division):
    assert saved_view_module.DUE_SOON_DAYS == workspace.DUE_SOON_DAYS
    client = _client(editor)
    dashboard = client.get(reverse("dashboard")).text
    for slug in ("overdue", "due-soon", "stale", "red"):
        location = client.get(reverse("builtin-view-open", args=[slug]))["Location"]
        # The dashboard's box links to the very same list.
        assert location.replace("&", "&amp;") in dashboard, slug
    assert client.get(reverse("builtin-view-open", args=["nope"])).status_code == 404


def test_my_builtin_view_lists_my_open_items_and_can_be_saved(editor, division):
    CommitmentFactory(lead_division=division, owner=editor, title="Mine to do")
    CommitmentFactory(lead_division=division, title="Someone else's")
    client = _client(editor)
    response = client.get(reverse("builtin-view-open", args=["mine"]), follow=True)
    assert "Mine to do" in response.text and "Someone else's" not in response.text
    # Save a copy: the list's "Save as a view" carries its parameters.
    assert f"/views/new/?status=open&amp;owner={editor.pk}&amp;sort=target" in response.text


def test_my_builtin_view_says_so_when_nothing_is_mine_yet(editor, division):
    CommitmentFactory(lead_division=division, title="Someone else's")
    response = _client(editor).get(reverse("builtin-view-open", args=["mine"]), follow=True)
    assert response.status_code == 200
    assert "do not apply to you yet" in response.text and "Owner" in response.text


def test_the_views_page_lists_builtin_and_saved_views(editor, division):
    _save(editor, name="My saved one")
    page = _client(editor).get(reverse("saved-view-list")).text
    assert "My saved one" in page and "Stale (no update for 14 days)" in page
    assert reverse("builtin-view-open", args=["overdue"]) in page


@pytest.mark.parametrize("views", [1, 12])
def test_the_views_menu_query_count_is_pinned(editor, division, views, django_assert_num_queries):
    for n in range(views):
        _save(editor, name=f"View {n}", division=division if n % 2 else None)
    client = _client(editor)
    client.get(reverse("saved-view-list"), **HTMX)
    with django_assert_num_queries(MENU_QUERIES):
        client.get(reverse("saved-view-list"), **HTMX)


# Session, user, the views with their owners and divisions (the rules read roles and divisions
# only for views the user does not own, once per request).
MENU_QUERIES = 3
