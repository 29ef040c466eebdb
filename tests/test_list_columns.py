"""The commitment list's columns (`?cols=`) and grouping (`?group=`), through the list's URL."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    MeetingFactory,
    ThemeFactory,
    UserFactory,
)
from tracker.list_columns import DEFAULT_COLUMNS, chosen_columns, layout_query
from tracker.models import Status

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _headings(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    # The selection box's cell (bulk edit) is not one of the columns to choose.
    return [
        re.sub(r"<[^>]+>|[▲▼↕]", "", cell).strip()
        for attributes, cell in re.findall(r"<th([^>]*)>(.*?)</th>", head, re.S)
        if "select-cell" not in attributes
    ]


def _group_headings(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r'<tr class="group-heading">(.*?)</tr>', html, re.S)
    ]


def test_the_list_shows_the_default_columns_without_cols(editor_client, division):
    CommitmentFactory(lead_division=division)
    response = editor_client.get(reverse("commitment-list"))
    assert _headings(response.text) == [
        "Commitment",
        "Origin meeting",
        "Status",
        "Owner",
        "Division",
        "Target date",
        "Last update",
    ]
    # The menu links each column to the list with it shown or hidden, the filters kept.
    choices = {key: (shown, url) for key, _label, shown, url in response.context["column_choices"]}
    assert choices["owner"] == (
        True,
        "/commitments/?cols=meeting%2Cstatus%2Cdivision%2Ctarget%2Cupdated",
    )
    assert choices["next_step"][0] is False
    assert '<input type="hidden" name="cols" value="">' in response.text


def test_chosen_columns_are_the_only_ones_shown(editor_client, division):
    CommitmentFactory(lead_division=division, next_step="Call the embassy about =1+1")
    response = editor_client.get(reverse("commitment-list"), {"cols": ["next_step", "confidence"]})
    assert _headings(response.text) == ["Commitment", "Confidence", "Next step"]
    assert "Call the embassy about =1+1" in response.text
    assert 'data-label="Owner"' not in response.text
    # Comma-separated, as a hand-typed address may have it, reads the same.
    same = editor_client.get(reverse("commitment-list"), {"cols": "confidence,next_step"})
    assert _headings(same.text) == ["Commitment", "Confidence", "Next step"]


@pytest.mark.parametrize(
    "value", ["nonsense", "own\x0ber", "=1+1", "x" * 5000, "<script>alert(1)</script>", "担当"]
)
def test_unknown_columns_fall_back_to_the_default_never_an_error(editor_client, value):
    response = editor_client.get(reverse("commitment-list"), {"cols": value, "group": value})
    assert response.status_code == 200
    assert response.context["columns"] == dict.fromkeys(DEFAULT_COLUMNS, True)
    assert response.context["group"] == ""
    assert "<script>alert(1)</script>" not in response.text


def test_the_address_keeps_only_columns_that_differ_from_the_default():
    assert "cols" not in layout_query(QueryDict("cols=" + "&cols=".join(DEFAULT_COLUMNS)))
    assert layout_query(QueryDict("cols=owner,bogus&cols=target&group=owner")).urlencode() == (
        "cols=owner%2Ctarget&group=owner"
    )
    assert chosen_columns(QueryDict("cols=next_step&cols=meeting")) == ("meeting", "next_step")


def test_htmx_answer_pushes_the_short_address(editor_client, division):
    CommitmentFactory(lead_division=division)
    toggled = editor_client.get(
        reverse("commitment-list"), {"cols": "owner,next_step", "status": "open"}, **HTMX
    )
    assert toggled["HX-Push-Url"] == "/commitments/?status=open&cols=owner%2Cnext_step"
    assert 'name="cols" value="owner,next_step"' not in toggled.text  # the form is not swapped
    choices = {key: url for key, _label, _shown, url in toggled.context["column_choices"]}
    # Hiding the last chosen columns but one, and then that one, falls back to the default.
    assert choices["next_step"] == "/commitments/?status=open&cols=owner"
    params = {"cols": [*DEFAULT_COLUMNS], "group": "status", "status": "open"}
    response = editor_client.get(reverse("commitment-list"), params, **HTMX)
    assert "<html" not in response.text
    assert response["HX-Push-Url"] == "/commitments/?status=open&group=status"


def test_group_by_status_counts_the_whole_filtered_list_not_the_page(editor_client, division):
    for _ in range(55):
        CommitmentFactory(lead_division=division, status=Status.IN_PROGRESS)
    for _ in range(3):
        CommitmentFactory(lead_division=division, status=Status.NOT_STARTED)
    CommitmentFactory(lead_division=division, status=Status.COMPLETED)
    url = reverse("commitment-list")
    first = editor_client.get(url, {"group": "status", "status": "open"})
    # Grouped in the lifecycle's order; the page holds 50 rows, the headings count all.
    assert _group_headings(first.text) == [
        "Not started 3 commitments",
        "In progress 55 commitments",
    ]
    second = editor_client.get(url, {"group": "status", "status": "open", "page": 2})
    assert _group_headings(second.text) == ["In progress 55 commitments"]
    assert len(second.context["page"].object_list) == 8


def test_group_by_owner_division_and_theme(editor_client, division):
    owner = UserFactory(first_name="Haruka", last_name="Tanaka")
    other = DivisionFactory(name="<b>Treaties</b> Division")
    japanese = ThemeFactory(name="Abductions", name_ja="拉致問題")
    security = ThemeFactory(name="Security")
    CommitmentFactory(lead_division=division, owner=owner, themes=[security, japanese])
    CommitmentFactory(lead_division=other, owner=owner, themes=[security])
    CommitmentFactory(lead_division=division)
    url = reverse("commitment-list")
    by_owner = _group_headings(editor_client.get(url, {"group": "owner"}).text)
    assert sorted(by_owner) == ["Haruka Tanaka 2 commitments", "No owner 1 commitment"]
    by_division = editor_client.get(url, {"group": "division"}).text
    assert "&lt;b&gt;Treaties&lt;/b&gt; Division 1 commitment" in _group_headings(by_division)
    # A commitment with two themes is listed once, under the first by name: the counts add up.
    by_theme = _group_headings(editor_client.get(url, {"group": "theme"}).text)
    assert by_theme == [
        "Abductions 1 commitment",
        "Security 1 commitment",
        "No theme 1 commitment",
    ]
    editor_client.cookies["django_language"] = "ja"
    japanese_page = editor_client.get(url, {"group": "theme"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "拉致問題" in _group_headings(japanese_page.text)[0]


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("group", ["status", "division", "owner", "theme"])
def test_grouping_adds_two_queries_whatever_the_number_of_rows(editor_client, group):
    url = reverse("commitment-list")

    def add(n):
        for _ in range(n):
            CommitmentFactory(
                owner=UserFactory(),
                lead_division=DivisionFactory(),
                themes=[ThemeFactory()],
                origin_meeting=MeetingFactory(),
            )

    add(3)
    editor_client.get(url)
    plain = _queries(editor_client, url, {})
    few = _queries(editor_client, url, {"group": group})
    add(27)
    many = _queries(editor_client, url, {"group": group})
    # The groups' counts, and the names of the divisions/owners/themes heading them (none for
    # status, whose names are the choices').
    assert few == many == plain + (1 if group == "status" else 2)


def test_choosing_columns_adds_no_query(editor_client, division, django_assert_num_queries):
    CommitmentFactory(lead_division=division)
    url = reverse("commitment-list")
    editor_client.get(url)
    plain = _queries(editor_client, url, {})
    with django_assert_num_queries(plain):
        editor_client.get(url, {"cols": ["themes", "next_step", "confidence"]})
