"""The parser against real published readouts (tests/data/readouts/), with hand-written answers.

Each ``<name>.txt`` is a readout as published (MOFA in Japanese and English, the State
Department, the White House, a joint statement, a fact sheet); its first lines are ``# `` comments
giving the source. ``<name>.expected.json`` says what a careful reader takes from it: every meeting
field, the participants, and every agreed action (a distinctive piece of its sentence, how binding
it is and, where one side owns it, its party). ``supplied_date`` is the date a person gives for a
text that names none (``import_readout --date``).

The test prints field accuracy and action recall and precision over the whole corpus and fails
below 95 % fields, 90 % recall, 85 % precision. Run it alone to see the figures:
``pytest -s --noconftest tests/test_readout_corpus.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from tracker.readout_parser import ReadoutDraft, parse_readout

CORPUS = Path(__file__).parent / "data" / "readouts"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in CORPUS.glob("*.expected.json"))
MEETING_FIELDS = (
    "title",
    "kind",
    "date",
    "start_local",
    "start_japan",
    "utc_offset",
    "time_zone",
    "duration_minutes",
    "place",
    "format",
    "countries",
)
MIN_FIELDS, MIN_RECALL, MIN_PRECISION = 0.95, 0.90, 0.85


def readout_text(name: str) -> str:
    """The text as published: the file without its leading ``# `` source comments."""
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    while lines and lines[0].startswith("# "):
        lines.pop(0)
    return "\n".join(lines)


def expected(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))


def parse(name: str) -> ReadoutDraft:
    supplied = expected(name)["supplied_date"]
    return parse_readout(
        readout_text(name), date=date.fromisoformat(supplied) if supplied else None
    )


@dataclass
class Score:
    fields: int = 0
    fields_right: int = 0
    expected_actions: int = 0
    found_actions: int = 0
    drafted_actions: int = 0
    misses: list[str] = field(default_factory=list)

    def field(self, name: str, what: str, want: object, got: object) -> None:
        self.fields += 1
        if want == got:
            self.fields_right += 1
        else:
            self.misses.append(f"{name}: {what}: expected {want!r}, got {got!r}")


def score(name: str, total: Score) -> None:
    want = expected(name)
    draft = parse(name)
    got = draft.to_dict()["meeting"]
    for key in MEETING_FIELDS:
        total.field(name, key, want["meeting"][key], got[key])
    people = {p.name.casefold(): p for p in draft.participants}
    for person in want["participants"]:
        found = people.get(person["name"].casefold())
        total.field(
            name,
            f"participant {person['name']}",
            (person["title"], person["country"]),
            (found.title, found.country) if found else None,
        )
    ticked = [c for c in draft.commitments if c.selected]
    total.drafted_actions += len(ticked)
    matched: set[int] = set()
    for action in want["actions"]:
        total.expected_actions += 1
        hit = next((c for c in ticked if action["quote"] in c.quote), None)
        if hit is None:
            total.misses.append(f"{name}: action not found: {action['quote']!r}")
            continue
        total.found_actions += 1
        matched.add(id(hit))
        total.field(name, f"strength of {action['quote']!r}", action["strength"], hit.strength)
        if "parties" in action:
            total.field(name, f"parties of {action['quote']!r}", action["parties"], hit.parties)
    for c in ticked:
        if id(c) not in matched:
            total.misses.append(f"{name}: not an agreed action: {c.quote[:90]!r}")


def test_the_corpus_has_every_shape():
    assert len(NAMES) >= 12
    prefixes = {name.split("_")[0] + "_" + name.split("_")[1] for name in NAMES}
    assert {"mofa_en", "mofa_ja", "state_2021", "joint_2023"} <= prefixes
    assert any(name.startswith("whitehouse") for name in NAMES)
    assert any(expected(name)["supplied_date"] for name in NAMES)
    for name in NAMES:
        source = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").split("\n", 1)[0]
        assert source.startswith("# source: "), name
        assert "http" in source, name


def test_corpus_accuracy():
    total = Score()
    for name in NAMES:
        score(name, total)
    accuracy = total.fields_right / total.fields
    recall = total.found_actions / total.expected_actions
    precision = total.found_actions / max(total.drafted_actions, 1)
    print(
        f"\nreadout corpus: {len(NAMES)} readouts; fields {total.fields_right}/{total.fields} "
        f"= {accuracy:.1%}; actions recall {total.found_actions}/{total.expected_actions} = "
        f"{recall:.1%}, precision {total.found_actions}/{total.drafted_actions} = {precision:.1%}"
    )
    for miss in total.misses:
        print("  -", miss)
    assert accuracy >= MIN_FIELDS, total.misses
    assert recall >= MIN_RECALL, total.misses
    assert precision >= MIN_PRECISION, total.misses


@pytest.mark.parametrize("name", [n for n in NAMES if expected(n)["supplied_date"]])
def test_an_undated_readout_says_the_date_is_missing_and_takes_the_supplied_one(name):
    bare = parse_readout(readout_text(name))
    assert bare.meeting.date is None
    assert "date" in bare.meeting.confidence
    assert any("no date" in note for note in bare.notes)
    supplied = date.fromisoformat(expected(name)["supplied_date"])
    draft = parse_readout(readout_text(name), date=supplied)
    assert draft.meeting.date == supplied
    assert "supplied" in draft.meeting.confidence["date"]


def test_a_supplied_date_never_overrides_the_date_in_the_text():
    draft = parse_readout(
        readout_text("mofa_ja_2024_11_14_foreign_ministers"), date=date(2000, 1, 1)
    )
    assert draft.meeting.date == date(2024, 11, 14)


@pytest.mark.parametrize("name", NAMES)
def test_quotes_are_exact_slices_of_the_cleaned_text(name):
    draft = parse(name)
    for c in draft.commitments:
        assert draft.text[c.position : c.position + len(c.quote)] == c.quote
