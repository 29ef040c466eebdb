"""The rows kept as rendered (tracker/templatetags/row_cache.py) are keyed by their content: a
page rendered again after any change shows the change, never the row as it was."""

import datetime
import re
from html import escape

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import CommitmentFactory, FollowUpFactory, ThemeFactory, UserFactory
from tracker import services
from tracker.models import Commitment, Status
from tracker.templatetags import row_cache
from tracker.templatetags.row_cache import row_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(division):
    """An overdue item of the editor's division: on the dashboard twice (mine, overdue)."""
    return CommitmentFactory(
        title="Launch the working group",
        lead_division=division,
        owner=UserFactory(first_name="Hanako", last_name="Sato"),
        target_date=timezone.localdate() - datetime.timedelta(days=3),
    )


def _talks_began(commitment, user) -> None:
    services.commitment_set_status(
        commitment=commitment,
        user=user,
        status=Status.IN_PROGRESS,
        expected_version=commitment.version,
        note="Talks began.",
    )


def test_a_saved_status_shows_on_the_next_page(editor_client, editor, overdue):
    assert "Not started" in editor_client.get(reverse("dashboard")).text
    _talks_began(overdue, editor)
    page = editor_client.get(reverse("dashboard")).text
    assert "In progress" in page
    assert "Not started" not in page.split("<main")[1].split("bar-chart")[0]


def test_a_renamed_owner_shows_without_any_change_to_the_commitment(editor_client, overdue):
    assert "Hanako Sato" in editor_client.get(reverse("dashboard")).text
    owner = overdue.owner
    owner.first_name = "Yuko"
    owner.save(update_fields=["first_name"])
    page = editor_client.get(reverse("dashboard")).text
    assert "Yuko Sato" in page and "Hanako" not in page


def test_the_rows_follow_the_language(editor_client, overdue):
    assert "Not started" in editor_client.get(reverse("dashboard")).text
    japanese = editor_client.get(reverse("dashboard"), headers={"accept-language": "ja"}).text
    assert "未着手" in japanese and 'data-label="Status"' not in japanese


def test_user_text_stays_escaped_when_served_again(editor_client, division):
    CommitmentFactory(
        title="<script>alert(1)</script>\x0b",
        lead_division=division,
        target_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    for _ in range(2):
        page = editor_client.get(reverse("dashboard")).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_the_key_follows_every_loaded_value(overdue):
    theme = ThemeFactory(name="Economic security")
    overdue.themes.add(theme)

    def key(today):
        row = Commitment.objects.for_list().get(pk=overdue.pk)
        return row_key("list", row, [today])

    today = timezone.localdate()
    before = key(today)
    assert key(today) == before
    assert key(today + datetime.timedelta(days=1)) != before
    theme.name = "Economic security and supply chains"
    theme.save()
    assert key(today) != before
    with translation.override("ja"):
        assert key(today) != before


def test_two_tags_never_share_rows(overdue):
    rows = Template(
        "{% load row_cache %}{% cachedrow c %}A{{ c.title }}{% endcachedrow %}"
        "{% cachedrow c %}B{{ c.title }}{% endcachedrow %}"
    )
    assert rows.render(Context({"c": overdue})) == f"A{overdue.title}B{overdue.title}"


def test_a_value_that_cannot_be_a_key_is_rendered_each_time_and_the_store_stays_bounded(
    overdue, monkeypatch
):
    rows = Template("{% load row_cache %}{% cachedrow c d %}{{ d.a }}{% endcachedrow %}")
    # A dict cannot be a key: rendered anew, never served from another row's content.
    assert rows.render(Context({"c": overdue, "d": {"a": 1}})) == "1"
    assert rows.render(Context({"c": overdue, "d": {"a": 2}})) == "2"
    monkeypatch.setattr(row_cache, "MAX_ROWS", 2)
    monkeypatch.setattr(row_cache, "_ROWS", {})
    for value in range(5):
        assert rows.render(Context({"c": overdue, "d": value})) == ""
        assert len(row_cache._ROWS) <= 2


def test_the_list_page_serves_its_rows_from_the_store(editor_client, overdue, monkeypatch):
    # Every value the list's rows are keyed by can be a key (the chosen columns are a dict):
    # otherwise each row would be rendered on every request.
    monkeypatch.setattr(row_cache, "_ROWS", {})
    url = reverse("commitment-list")
    for columns in ({}, {"cols": "status,next_step"}):
        editor_client.get(url, columns)
    assert len(row_cache._ROWS) == 2


def test_the_list_shows_a_saved_change_and_the_chosen_columns(editor_client, editor, overdue):
    url = reverse("commitment-list")
    assert "Not started" in editor_client.get(url).text
    _talks_began(overdue, editor)
    page = editor_client.get(url).text
    version = Commitment.objects.get(pk=overdue.pk).version
    assert "In progress" in page and f'value="{overdue.pk}:{version}"' in page
    with_next_step = editor_client.get(url, {"cols": "status,next_step"}).text
    assert 'data-label="Next step"' in with_next_step
    assert 'data-label="Next step"' not in editor_client.get(url).text


# The list page reads its rows' themes itself (attach_theme_lists) and renders its filters'
# options once per content (tracker/widgets.py): both must follow a change at once.


def test_a_renamed_theme_shows_in_the_list_rows_at_once(editor_client, overdue):
    theme = ThemeFactory(name="Economic security")
    overdue.themes.add(theme)
    url = reverse("commitment-list")
    for columns in ({}, {"cols": "themes"}):
        assert "Economic security" in _rows(editor_client.get(url, columns).text)
    theme.name = "Supply chains"
    theme.save()
    for columns in ({}, {"cols": "themes"}):
        rows = _rows(editor_client.get(url, columns).text)
        assert "Supply chains" in rows and "Economic security" not in rows


def test_the_page_rows_key_follows_their_themes(overdue):
    from tracker.models.querysets import attach_theme_lists

    theme = ThemeFactory(name="Economic security")
    overdue.themes.add(theme)

    def key():
        rows = attach_theme_lists(list(Commitment.objects.for_list_page().filter(pk=overdue.pk)))
        assert [t.name for t in rows[0].theme_list] == [theme.name]
        return row_key("list", rows[0], [])

    before = key()
    assert key() == before
    theme.name_ja = "経済安全保障"
    theme.save()
    assert key() != before


def test_the_filters_options_follow_a_renamed_meeting_and_keep_the_choice(editor_client, overdue):
    meeting = overdue.origin_meeting
    url = reverse("commitment-list")
    page = editor_client.get(url, {"meeting": meeting.pk}).text
    assert f'<option value="{meeting.pk}" selected>{escape(meeting.title)} (' in page
    meeting.title = "Renamed <b>talks</b> & more"
    meeting.save()
    page = editor_client.get(url, {"meeting": meeting.pk}).text
    escaped = "Renamed &lt;b&gt;talks&lt;/b&gt; &amp; more ("
    assert f'<option value="{meeting.pk}" selected>{escaped}' in page
    # The same options without a choice: the first ("Any") is the one selected.
    page = editor_client.get(url).text
    assert f'<option value="{meeting.pk}">Renamed' in page
    assert '<select name="meeting" id="id_meeting"><option value="" selected>' in page


def test_a_renamed_owner_shows_in_both_owner_selects_at_once(client, manager, overdue):
    client.force_login(manager)
    owner = overdue.owner
    url = reverse("commitment-list")
    page = client.get(url).text
    # The filter's "Owner" and the bulk bar's "New owner" (a manager may reassign).
    assert page.count(">Hanako Sato</option>") == 2
    owner.first_name = "Yuko"
    owner.save(update_fields=["first_name"])
    page = client.get(url).text
    assert page.count(">Yuko Sato</option>") == 2 and "Hanako" not in page


@pytest.mark.parametrize("value", ['"><script>alert(1)</script>', "\x7f", "9" * 40])
def test_a_hostile_choice_selects_nothing_and_injects_nothing(editor_client, overdue, value):
    response = editor_client.get(reverse("commitment-list"), {"meeting": value, "theme": value})
    assert response.status_code == 200
    page = response.text
    assert "<script>alert(1)" not in page
    # Only the lists' own "Any" (and the header's language) may be marked, never an option
    # made of the request's value.
    selected = re.findall(r'<option value="([^"]*)" selected>', page)
    assert set(selected) <= {"", "en"}


def _rows(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_commitment_page_serves_its_timeline_lines_from_the_store(
    editor_client, editor, overdue, monkeypatch
):
    _talks_began(overdue, editor)
    monkeypatch.setattr(row_cache, "_ROWS", {})
    url = reverse("commitment-detail", args=[overdue.pk])
    editor_client.get(url)
    lines = len(row_cache._ROWS)
    assert lines == len(editor_client.get(url).context["timeline"]) == 2
    assert len(row_cache._ROWS) == lines  # the second page added nothing


def test_the_timeline_shows_an_edited_follow_up_and_a_renamed_author_at_once(
    editor_client, editor, overdue
):
    follow_up = FollowUpFactory(commitment=overdue, note="Raised by the minister.")
    _talks_began(overdue, editor)
    url = reverse("commitment-detail", args=[overdue.pk])
    page = editor_client.get(url).text
    assert "Raised by the minister." in page and editor.get_full_name() in page
    services.followup_edit(follow_up=follow_up, user=editor, data={"note": "Raised by the PM."})
    follow_up.meeting.title = "Summit <renamed>"
    follow_up.meeting.save(update_fields=["title"])
    editor.first_name = "Renamed"
    editor.save(update_fields=["first_name"])
    timeline = editor_client.get(url).text.split('id="timeline"')[1]
    assert "Raised by the PM." in timeline and "Raised by the minister." not in timeline
    assert "Summit &lt;renamed&gt;" in timeline
    assert '<span class="who">Renamed' in timeline
