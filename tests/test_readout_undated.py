"""Readouts that give no date ("met today"): the review screen and import_readout ask for it.

The date a readout is imported on is not the date of the meeting, so neither door guesses it:
the review screen leaves the start empty with a note, and the command takes ``--date``.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import CountryFactory, ThemeFactory
from tracker.models import Commitment, Meeting
from tracker.readout_parser import THEME_KEYWORDS

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "data" / "readouts"
UNDATED = CORPUS / "whitehouse_2023_11_16_biden_kishida_undated.txt"
MISSING = "The text gives no date for the meeting; enter it before saving"


@pytest.fixture
def reference(db):
    for code in THEME_KEYWORDS:
        ThemeFactory(code=code)
    for code, name in (("JP", "Japan"), ("US", "United States"), ("KR", "Republic of Korea")):
        CountryFactory(code=code, name=name)


@pytest.fixture
def undated_file(tmp_path) -> Path:
    # Without the "# source:" comment lines: the text as a person would save it from the page.
    lines = UNDATED.read_text(encoding="utf-8").split("\n")
    path = tmp_path / "readout.txt"
    path.write_text("\n".join(line for line in lines if not line.startswith("# ")), "utf-8")
    return path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_readout", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_review_screen_asks_for_the_date_of_an_undated_readout(client, editor, reference):
    client.force_login(editor)
    url = reverse("readout-import")
    text = UNDATED.read_text(encoding="utf-8")
    response = client.post(url, {"action": "review", "text": text})
    assert response.status_code == 200
    assert MISSING in response.text
    (field,) = re.findall(r'<input[^>]*name="meeting-starts_at"[^>]*>', response.text)
    assert "required" in field
    assert "value=" not in field  # asked for, not filled with the day of the import


def test_the_review_screen_says_so_in_japanese(client, editor, reference):
    client.force_login(editor)
    text = UNDATED.read_text(encoding="utf-8")
    response = client.post(
        reverse("readout-import"),
        {"action": "review", "text": text},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert "テキストに会談の日付がありません" in response.text


def test_the_command_prints_no_date_without_date(undated_file):
    out, _ = run(str(undated_file), "--json")
    draft = json.loads(out)
    assert draft["meeting"]["date"] is None
    assert MISSING in draft["notes"]


def test_the_command_takes_the_date_from_date(undated_file):
    out, _ = run(str(undated_file), "--json", "--date", "2023-11-16")
    draft = json.loads(out)
    assert draft["meeting"]["date"] == "2023-11-16"
    assert "supplied" in draft["meeting"]["confidence"]["date"]


def test_a_date_in_the_text_wins_over_date(tmp_path):
    path = tmp_path / "dated.txt"
    text = (CORPUS / "mofa_ja_2024_11_14_foreign_ministers.txt").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    out, _ = run(str(path), "--json", "--date", "2000-01-01")
    assert json.loads(out)["meeting"]["date"] == "2024-11-14"


def test_the_command_refuses_to_save_an_undated_readout_and_names_date(
    editor, reference, undated_file
):
    with pytest.raises(CommandError, match="--date YYYY-MM-DD"):
        run(str(undated_file), "--save", "--user", "editor")
    assert not Meeting.objects.exists()


def test_the_command_saves_an_undated_readout_on_the_given_date(editor, reference, undated_file):
    _, err = run(str(undated_file), "--save", "--user", "editor", "--date", "2023-11-16")
    meeting = Meeting.objects.get()
    assert meeting.local_date == datetime.date(2023, 11, 16)
    assert meeting.time_zone == "America/Los_Angeles"
    assert Commitment.objects.filter(origin_meeting=meeting).count() == 8
    assert "saved" in err


@pytest.mark.parametrize(
    "bad", ["2023-02-30", "16/11/2023", "=1+1", "2023-11-16\x00", "9" * 5000, "today"]
)
def test_a_bad_date_is_refused_with_a_clear_message(undated_file, bad):
    with pytest.raises(CommandError, match="is not a date such as 2022-07-29"):
        run(str(undated_file), "--json", "--date", bad)
