"""Tests of the readout parser (tracker.readout_parser).

The parser is plain Python, so these tests import no Django.  The seed readout is the ground
truth from the product owner; the short readouts below are written in the MOFA, State Department
and White House styles to cover the phrasing variants the parser has to read.
"""

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.readout_parser import (
    COUNTRY_CODES,
    DATE_PRECISIONS,
    FORMATS,
    KINDS,
    STRENGTH_PHRASES,
    STRENGTHS,
    THEME_KEYWORDS,
    CommitmentDraft,
    ReadoutDraft,
    html_to_text,
    parse_readout,
)
from tracker.readout_parser import parse as parse_module

# The seed readout is the demo fixture itself, kept once.
SEED = (
    Path(__file__).parent.parent
    / "fixtures"
    / "readouts"
    / "2022-07-29-japan-us-foreign-ministers-meeting.txt"
)
TOKYO = ZoneInfo("Asia/Tokyo")


def tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def one(draft: ReadoutDraft, words: str) -> CommitmentDraft:
    """The single commitment whose quote contains ``words``."""
    found = [c for c in draft.commitments if words in c.quote]
    assert len(found) == 1, (words, [c.quote for c in draft.commitments])
    return found[0]


def assert_quotes_exact(draft: ReadoutDraft) -> None:
    for c in draft.commitments:
        assert draft.text[c.position : c.position + len(c.quote)] == c.quote


def assert_codes_valid(draft: ReadoutDraft) -> None:
    assert draft.meeting.kind in KINDS
    assert draft.meeting.format in FORMATS
    assert set(draft.meeting.countries) <= set(COUNTRY_CODES)
    for c in draft.commitments:
        assert c.strength in STRENGTHS
        assert set(c.themes) <= set(THEME_KEYWORDS)
        assert set(c.parties) <= set(COUNTRY_CODES)
        assert c.selected == (c.strength != "none")
        assert len(c.title) <= 80
    for m in draft.mentions:
        assert m.kind in KINDS
        assert m.date_precision in DATE_PRECISIONS
    for p in draft.participants:
        assert p.country in (*COUNTRY_CODES, "")


def mofa(
    intro: str,
    *items: str,
    title: str = "Japan-U.S. Foreign Ministers’ Meeting",
    dateline: str = "March 3, 2023",
) -> str:
    body = "\n".join(f"- {item}" for item in items)
    return f"{title}\n{dateline}\n\n{intro} The overview of the meeting is as follows.\n{body}\n"


HAYASHI_MEETS_BLINKEN = (
    "Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, held a meeting with "
    "the Honorable Antony Blinken, Secretary of State of the United States of America"
)


# --------------------------------------------------------------------------------------------
# The seed readout, field by field
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ReadoutDraft:
    return parse_readout(SEED.read_text(encoding="utf-8"))


def test_seed_meeting(seed):
    m = seed.meeting
    assert m.title == "Japan-U.S. Foreign Ministers’ Meeting"
    assert m.kind == "foreign_ministers"
    assert m.date == date(2022, 7, 29)
    assert m.start_local == datetime(2022, 7, 29, 13, 43, tzinfo=tz(-4))
    assert m.start_local.utcoffset() == timedelta(hours=-4)
    assert m.start_japan == datetime(2022, 7, 30, 2, 43, tzinfo=TOKYO)
    assert m.start_japan.tzinfo == TOKYO
    assert (m.start_japan.date(), m.start_japan.hour, m.start_japan.minute) == (
        date(2022, 7, 30),
        2,
        43,
    )
    assert m.utc_offset == "-04:00"
    assert m.time_zone == "America/New_York"
    assert m.duration_minutes == 55
    assert m.place == "Washington D.C."
    assert m.format == "in_person"
    assert m.countries == ["JP", "US"]
    assert set(m.confidence) == {"time_zone"}
    assert "America/New_York" in m.confidence["time_zone"]


def test_seed_participants(seed):
    hayashi, blinken = seed.participants
    assert (hayashi.name, hayashi.family_name, hayashi.given_name) == (
        "HAYASHI Yoshimasa",
        "HAYASHI",
        "Yoshimasa",
    )
    assert hayashi.title == "Minister for Foreign Affairs of Japan"
    assert (hayashi.country, hayashi.honorific) == ("JP", "Mr.")
    assert (blinken.name, blinken.family_name, blinken.given_name) == (
        "Antony Blinken",
        "Blinken",
        "Antony",
    )
    assert blinken.title == "Secretary of State of the United States of America"
    assert (blinken.country, blinken.honorific) == ("US", "the Honorable")


@pytest.mark.parametrize(
    ("words", "strength", "themes", "parties"),
    [
        ("follow-up on the outcomes of President Biden", "joint", {"consultation"}, ["JP", "US"]),
        ("expand and deepen security and defense cooperation", "joint", {"security"}, ["JP", "US"]),
        ("continue close communication", "joint", {"extended_deterrence"}, ["JP", "US"]),
        ("realignment plan", "joint", {"realignment"}, ["JP", "US"]),
        ("strong sanction measures", "joint", {"russia_ukraine"}, ["JP", "US", "G7"]),
        ("coordination among allies", "joint", {"indo_pacific"}, ["JP", "US"]),
        ("issues related to China", "joint", {"china_taiwan"}, ["JP", "US"]),
        ("denuclearization of North Korea", "joint", {"north_korea"}, ["JP", "US", "KR"]),
        ("abductions issue", "request", {"abductions"}, ["JP", "US"]),
        ("return to the TPP", "request", {"economic_order"}, ["JP", "US"]),
        ("exchange their views periodically", "joint", {"consultation"}, ["JP", "US"]),
    ],
)
def test_seed_commitments(seed, words, strength, themes, parties):
    c = one(seed, words)
    assert c.strength == strength
    assert c.selected is True
    assert themes <= set(c.themes)
    assert c.parties == parties


def test_seed_commitment_details(seed):
    russia = one(seed, "strong sanction measures")
    assert (
        russia.title == "Implement strong sanction measures against Russia and support for Ukraine"
    )
    assert russia.verb == "confirmed their commitment"
    assert russia.item_index == 3
    assert russia.quote.startswith("The two ministers, regarding Russia’s aggression")
    deterrence = one(seed, "continue close communication")
    assert deterrence.verb == "concurred"  # beats "welcomed" in the same sentence
    assert one(seed, "return to the TPP").verb == "urged"  # beats "expressing support"
    assert one(seed, "abductions issue").title == (
        "Continued understanding and cooperation for the abductions issue"
    )
    # The second item holds three agreed actions in three sentences.
    assert [c.strength for c in seed.commitments if c.item_index == 1] == ["joint"] * 3


def test_seed_unticked(seed):
    condolences = one(seed, "condolences")
    views = one(seed, "exchanged their views on regional issues")
    for c in (condolences, views):
        assert (c.strength, c.selected) == ("none", False)
    # The gratitude sentence holds no phrase and is not the item's only sentence.
    assert not [c for c in seed.commitments if "gratitude" in c.quote]


def test_seed_quotes_are_exact_and_titles_short(seed):
    assert_quotes_exact(seed)
    assert_codes_valid(seed)
    assert "Japan-United States of America Relations" not in seed.text
    assert all(c.title and c.title[0].isupper() for c in seed.commitments)


def test_seed_mentions(seed):
    by_text = {m.text: m for m in seed.mentions}
    visit = by_text["President Biden’s visit to Japan in May"]
    assert (visit.date, visit.date_precision) == (date(2022, 5, 1), "month")
    assert "month" in visit.note
    summit = by_text["Japan-U.S.-ROK Summit Meeting on June 29"]
    assert (summit.name, summit.kind, summit.date, summit.date_precision) == (
        "Japan-U.S.-ROK Summit Meeting",
        "trilateral",
        date(2022, 6, 29),
        "day",
    )
    fmm = by_text["Japan-U.S.-ROK Foreign Ministers’ Meeting on July 8"]
    assert (fmm.kind, fmm.date) == ("trilateral", date(2022, 7, 8))
    edd = by_text["Japan-U.S. Extended Deterrence Dialogue"]
    assert (edd.kind, edd.series, edd.date, edd.date_precision) == (
        "dialogue",
        "Japan-U.S. Extended Deterrence Dialogue",
        None,
        "none",
    )
    scc = by_text["Japan-U.S. Security Consultative Committee"]
    assert (scc.kind, scc.series) == (
        "security_2plus2",
        "Japan-U.S. Security Consultative Committee",
    )
    epcc = by_text["Japan-U.S. Economic Policy Consultative Committee"]
    assert (epcc.kind, epcc.series) == (
        "economic_2plus2",
        "Japan-U.S. Economic Policy Consultative Committee",
    )
    assert len(seed.mentions) == 6


def test_seed_to_dict_is_json(seed):
    data = json.loads(json.dumps(seed.to_dict()))
    assert data["meeting"]["start_local"] == "2022-07-29T13:43-04:00"
    assert data["meeting"]["start_japan"] == "2022-07-30T02:43+09:00"
    assert data["meeting"]["date"] == "2022-07-29"
    assert data["mentions"][0]["date"] == "2022-05-01"
    assert set(data) == {"meeting", "participants", "commitments", "mentions", "notes", "text"}
    assert datetime.fromisoformat(data["meeting"]["start_local"]) == seed.meeting.start_local


def test_seed_with_windows_line_endings_reads_the_same(seed):
    crlf = parse_readout(SEED.read_text(encoding="utf-8").replace("\n", "\r\n"))
    assert crlf.meeting == seed.meeting
    assert [c.quote for c in crlf.commitments] == [c.quote for c in seed.commitments]


# --------------------------------------------------------------------------------------------
# Times, dates and zones
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "hour", "minute"),
    [
        ("9:30 a.m.", 9, 30),
        ("9:30 am", 9, 30),
        ("9:30 AM", 9, 30),
        ("9:30 p.m.", 21, 30),
        ("9:30 pm", 21, 30),
        ("9:30 PM", 21, 30),
        ("12:05 a.m.", 0, 5),
        ("12:05 p.m.", 12, 5),
        ("3.20 p.m.", 15, 20),
    ],
)
def test_clock_spellings_in_tokyo(written, hour, minute):
    draft = parse_readout(
        mofa(
            f"On March 3, commencing at {written} for approximately 40 minutes, "
            f"{HAYASHI_MEETS_BLINKEN}, who is visiting Tokyo.",
            "The two ministers concurred to further strengthen the Japan-U.S. Alliance.",
        )
    )
    m = draft.meeting
    assert m.start_japan == datetime(2023, 3, 3, hour, minute, tzinfo=TOKYO)
    assert m.start_local == m.start_japan
    assert (m.utc_offset, m.time_zone, m.place) == ("+09:00", "Asia/Tokyo", "Tokyo")


def test_dotted_time_pair_in_phnom_penh():
    draft = parse_readout(
        mofa(
            "On August 4, commencing at 3.20 p.m. (local time; 5.20 p.m. Japan time) for "
            "approximately 30 minutes, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of "
            "Japan, who is visiting Phnom Penh, Cambodia, held a meeting with the Honorable Antony "
            "Blinken, Secretary of State of the United States of America.",
            "The two ministers concurred to coordinate closely on regional issues.",
            dateline="August 4, 2022",
        )
    )
    m = draft.meeting
    assert m.start_local == datetime(2022, 8, 4, 15, 20, tzinfo=tz(7))
    assert m.start_japan == datetime(2022, 8, 4, 17, 20, tzinfo=TOKYO)
    assert (m.utc_offset, m.time_zone, m.place) == ("+07:00", "Asia/Phnom_Penh", "Phnom Penh")


def test_24_hour_pair_with_japan_date_and_zone_from_offset_alone():
    draft = parse_readout(
        mofa(
            "On December 11, commencing at 12:20 (local time; 21:20 on December 11, Japan time) "
            "for approximately 40 minutes, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of "
            "Japan, who is visiting Liverpool, held a meeting with the Honorable Antony Blinken, "
            "Secretary of State of the United States of America.",
            "The two ministers concurred to continue close coordination toward the G7 Summit.",
            dateline="December 11, 2021",
        )
    )
    m = draft.meeting
    assert m.start_local == datetime(2021, 12, 11, 12, 20, tzinfo=tz(0))
    assert m.start_japan == datetime(2021, 12, 11, 21, 20, tzinfo=TOKYO)
    assert (m.utc_offset, m.time_zone) == ("+00:00", "Europe/London")
    assert "offset" in m.confidence["time_zone"]


def test_est_label_on_a_summer_date_trusts_the_japan_time():
    draft = parse_readout(
        "Secretary Blinken’s Meeting with Japanese Foreign Minister Kamikawa\n"
        "September 21, 2024\n\n"
        "Secretary of State Antony J. Blinken met with Japanese Foreign Minister Kamikawa Yoko in "
        "New York from 11:05 a.m. EST (0:05 a.m. Sept 22 JST) for about 45 minutes. The "
        "Secretary and the Foreign Minister reaffirmed the strength of the U.S.-Japan Alliance.\n"
    )
    m = draft.meeting
    assert m.date == date(2024, 9, 21)
    assert m.start_local == datetime(2024, 9, 21, 11, 5, tzinfo=tz(-4))
    assert m.start_japan == datetime(2024, 9, 22, 0, 5, tzinfo=TOKYO)
    assert (m.utc_offset, m.time_zone, m.duration_minutes) == ("-04:00", "America/New_York", 45)
    assert "EST" in m.confidence["utc_offset"]
    assert m.kind == "foreign_ministers"
    assert m.place == "New York"


def test_est_label_alone_uses_the_real_offset_of_new_york():
    draft = parse_readout(
        mofa(
            "On July 10, commencing at 10:00 a.m. EST for about 30 minutes, "
            f"{HAYASHI_MEETS_BLINKEN}, in Washington.",
            "The two ministers concurred to work together.",
            dateline="July 10, 2024",
        )
    )
    m = draft.meeting
    assert m.start_local == datetime(2024, 7, 10, 10, 0, tzinfo=tz(-4))
    assert m.start_japan == datetime(2024, 7, 10, 23, 0, tzinfo=TOKYO)
    assert (m.utc_offset, m.time_zone) == ("-04:00", "America/New_York")
    assert "EST" in m.confidence["utc_offset"]


def test_summit_in_tokyo_with_one_time_and_no_zone():
    draft = parse_readout(
        "Japan-U.S. Summit Meeting\nMay 23, 2022\n\n"
        "On May 23, commencing at 11:10 a.m. for about 2 hours and 15 minutes in total, "
        "Mr. KISHIDA Fumio, Prime Minister of Japan, held a Japan-U.S. Summit Meeting with the "
        "Honorable Joseph R. Biden, Jr., President of the United States of America, who is "
        "visiting Japan, at the Akasaka Palace. The overview is as follows.\n\n"
        "1. The two leaders concurred to further strengthen the deterrence and response "
        "capabilities of the Japan-U.S. Alliance.\n"
        "2. The two leaders confirmed that they will work together toward a free and open "
        "Indo-Pacific.\n"
    )
    m = draft.meeting
    assert (m.kind, m.date, m.duration_minutes) == ("summit", date(2022, 5, 23), 135)
    assert m.start_japan == datetime(2022, 5, 23, 11, 10, tzinfo=TOKYO)
    assert m.start_local == m.start_japan
    assert (m.utc_offset, m.time_zone, m.place) == ("+09:00", "Asia/Tokyo", "Japan")
    assert [p.name for p in draft.participants] == ["KISHIDA Fumio", "Joseph R. Biden"]
    biden = draft.participants[1]
    assert (biden.family_name, biden.country) == ("Biden", "US")
    assert biden.title == "President of the United States of America"
    assert [c.item_index for c in draft.commitments] == [0, 1]
    assert [c.strength for c in draft.commitments] == ["joint", "joint"]
    assert "indo_pacific" in draft.commitments[1].themes
    # The meeting itself is not a mention of another meeting.
    assert draft.mentions == []


def test_no_time_at_all():
    draft = parse_readout(
        mofa(
            f"On March 3, {HAYASHI_MEETS_BLINKEN}, who is visiting New Delhi.",
            "The two ministers concurred to cooperate closely.",
        )
    )
    m = draft.meeting
    assert m.date == date(2023, 3, 3)
    assert (m.start_local, m.start_japan, m.utc_offset) == (None, None, None)
    assert m.time_zone == "Asia/Kolkata"
    assert "start_local" in m.confidence
    assert m.duration_minutes is None and "duration_minutes" in m.confidence


WHITE_HOUSE_CALL = (
    "Readout of President Biden’s Call with Prime Minister Kishida of Japan\n\n"
    "Today, President Joseph R. Biden, Jr. spoke with Prime Minister Kishida Fumio of Japan. "
    "The leaders reaffirmed the strength of the U.S.-Japan Alliance and resolved to deepen "
    "cooperation on economic security. The call lasted about 20 minutes.\n"
)


def test_only_today_uses_the_today_argument():
    draft = parse_readout(WHITE_HOUSE_CALL, today=date(2023, 1, 5))
    m = draft.meeting
    assert m.date == date(2023, 1, 5)
    assert "today" in m.confidence["date"]
    assert (m.kind, m.format, m.duration_minutes) == ("telephone", "telephone", 20)
    assert m.countries == ["JP", "US"]
    names = {p.name: p for p in draft.participants}
    assert set(names) == {"Joseph R. Biden", "KISHIDA Fumio"}
    assert names["KISHIDA Fumio"].family_name == "Kishida"
    assert names["KISHIDA Fumio"].country == "JP"
    (c,) = draft.commitments
    assert c.quote.startswith("The leaders reaffirmed")
    assert c.strength == "joint"
    assert "economic_order" in c.themes


def test_only_today_without_today_argument_leaves_the_date_empty():
    m = parse_readout(WHITE_HOUSE_CALL).meeting
    assert m.date is None
    assert "today" in m.confidence["date"]


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("July 29, 2022", date(2022, 7, 29)),
        ("29 July 2022", date(2022, 7, 29)),
        ("2022-07-29", date(2022, 7, 29)),
        ("JULY 29, 2022", date(2022, 7, 29)),
    ],
)
def test_datelines(dateline, expected):
    draft = parse_readout(
        mofa(
            f"On July 29, {HAYASHI_MEETS_BLINKEN}.",
            "The two ministers concurred to work together.",
            dateline=dateline,
        )
    )
    assert draft.meeting.date == expected


def test_on_date_in_december_with_january_dateline_is_last_year():
    draft = parse_readout(
        mofa(
            f"On December 30, {HAYASHI_MEETS_BLINKEN}.",
            "The two ministers concurred to work together.",
            dateline="January 2, 2023",
        )
    )
    assert draft.meeting.date == date(2022, 12, 30)


# --------------------------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "minutes"),
    [
        ("for approximately 55 minutes", 55),
        ("for about 2 hours and 15 minutes in total", 135),
        ("for about 20 minutes", 20),
        ("for about one hour", 60),
        ("for approximately 1 hour and 10 minutes", 70),
        ("for about an hour and a half", 90),
    ],
)
def test_durations(written, minutes):
    draft = parse_readout(
        mofa(
            f"On March 3, commencing at 9:30 a.m. {written}, {HAYASHI_MEETS_BLINKEN}.",
            "The two ministers concurred to work together.",
        )
    )
    assert draft.meeting.duration_minutes == minutes


def test_duration_stated_after_the_intro():
    draft = parse_readout(
        "Japan-U.S. Foreign Ministers’ Telephone Talk\nMarch 3, 2023\n\n"
        f"On March 3, {HAYASHI_MEETS_BLINKEN}.\n"
        "- The two ministers concurred to work together.\n"
        "- The talk lasted about 20 minutes.\n"
    )
    assert draft.meeting.duration_minutes == 20


def test_duration_from_a_time_range():
    draft = parse_readout(
        mofa(
            f"On March 3, from 10:05 to 10:40, {HAYASHI_MEETS_BLINKEN}, who is visiting Tokyo.",
            "The two ministers concurred to work together.",
        )
    )
    assert draft.meeting.duration_minutes == 35
    assert draft.meeting.start_japan == datetime(2023, 3, 3, 10, 5, tzinfo=TOKYO)


# --------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------


def test_his_and_her_excellency():
    draft = parse_readout(
        "Japan-Australia-India Foreign Ministers’ Meeting\nMarch 3, 2023\n\n"
        "On March 3, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, held a meeting "
        "with H.E. Ms. Penny Wong, Minister for Foreign Affairs of Australia, and His Excellency "
        "Dr. S. Jaishankar, Minister of External Affairs of India, in New Delhi.\n"
        "- The three ministers concurred to strengthen cooperation toward a free and open "
        "Indo-Pacific.\n"
    )
    by_family = {p.family_name: p for p in draft.participants}
    assert set(by_family) == {"HAYASHI", "Wong", "Jaishankar"}
    wong, jaishankar = by_family["Wong"], by_family["Jaishankar"]
    assert (wong.name, wong.honorific, wong.country) == ("Penny Wong", "H.E.", "AU")
    assert wong.title == "Minister for Foreign Affairs of Australia"
    assert (jaishankar.honorific, jaishankar.country) == ("H.E. Dr.", "IN")
    assert jaishankar.title == "Minister of External Affairs of India"
    assert draft.meeting.countries == ["JP", "AU", "IN"]
    assert draft.meeting.kind == "trilateral"
    assert draft.commitments[0].parties == ["JP", "AU", "IN"]


def test_title_first_names():
    draft = parse_readout(
        "Japan-U.S. Foreign Ministers’ Telephone Talk\nMarch 3, 2023\n\n"
        "On March 3, commencing at 8:00 a.m. for approximately 25 minutes, Foreign Minister "
        "Hayashi held a telephone talk with Secretary of State Antony J. Blinken.\n"
        "- Foreign Minister Hayashi and Secretary Blinken concurred to work closely together.\n"
    )
    by_family = {p.family_name: p for p in draft.participants}
    assert set(by_family) == {"Hayashi", "Blinken"}
    assert (by_family["Hayashi"].name, by_family["Hayashi"].country) == ("HAYASHI", "JP")
    assert by_family["Hayashi"].title == "Foreign Minister"
    blinken = by_family["Blinken"]
    assert (blinken.name, blinken.given_name, blinken.country) == (
        "Antony J. Blinken",
        "Antony J.",
        "US",
    )
    assert blinken.title == "Secretary of State"
    assert draft.meeting.kind == "telephone"
    assert draft.meeting.format == "telephone"


def test_us_style_family_first_japanese_name():
    draft = parse_readout(
        "Secretary Blinken’s Meeting with Japanese Foreign Minister Hayashi\nJuly 29, 2022\n\n"
        "Secretary of State Antony J. Blinken met with Japanese Foreign Minister Hayashi "
        "Yoshimasa in Washington today. The Secretary and Foreign Minister reaffirmed their "
        "commitment to the U.S.-Japan Alliance.\n"
    )
    hayashi = next(p for p in draft.participants if p.country == "JP")
    assert (hayashi.name, hayashi.family_name, hayashi.given_name) == (
        "HAYASHI Yoshimasa",
        "Hayashi",
        "Yoshimasa",
    )
    assert hayashi.title == "Foreign Minister"
    assert draft.meeting.date == date(2022, 7, 29)
    assert draft.meeting.place == "Washington"
    assert draft.meeting.countries == ["JP", "US"]


# --------------------------------------------------------------------------------------------
# Body items
# --------------------------------------------------------------------------------------------

INTRO = f"On March 3, {HAYASHI_MEETS_BLINKEN}, who is visiting Tokyo."
ITEM_A = "The two ministers concurred to strengthen the deterrence of the Alliance."
ITEM_B = "The two ministers welcomed the progress of the realignment plan in Okinawa."
ITEM_C = "Minister Hayashi asked for cooperation toward the resolution of the abductions issue."


@pytest.mark.parametrize(
    "body",
    [
        f"(1) {ITEM_A}\n(2) {ITEM_B}\n(3) {ITEM_C}",
        f"1. {ITEM_A}\n2. {ITEM_B}\n3. {ITEM_C}",
        f"• {ITEM_A}\n• {ITEM_B}\n• {ITEM_C}",
        f"- {ITEM_A}\n- {ITEM_B}\n- {ITEM_C}",
        f"{ITEM_A}\n\n{ITEM_B}\n\n{ITEM_C}",
        f"(1) {ITEM_A} (2) {ITEM_B} (3) {ITEM_C}",
        f"1. Bilateral relations\n(1) {ITEM_A}\n(2) {ITEM_B}\n2. Regional affairs\n(1) {ITEM_C}",
    ],
    ids=["parens", "numbers", "bullets", "dashes", "paragraphs", "inline", "headings"],
)
def test_item_styles(body):
    text = f"Japan-U.S. Foreign Ministers’ Meeting\nMarch 3, 2023\n\n{INTRO}\n\n{body}\n"
    draft = parse_readout(text)
    assert_quotes_exact(draft)
    assert [c.quote for c in draft.commitments] == [ITEM_A, ITEM_B, ITEM_C]
    assert [c.item_index for c in draft.commitments] == [0, 1, 2]
    assert [c.strength for c in draft.commitments] == ["joint", "acknowledgement", "request"]
    assert [c.themes for c in draft.commitments] == [["security"], ["realignment"], ["abductions"]]
    assert draft.commitments[0].title == "Strengthen the deterrence of the Alliance"


def test_inline_items_after_a_colon_take_the_verb_of_the_lead():
    draft = parse_readout(
        mofa(
            INTRO,
            "The two ministers concurred on the following: (1) to strengthen the deterrence of "
            "the Alliance; (2) to cooperate on economic security.",
        )
    )
    assert [c.quote for c in draft.commitments] == [
        "to strengthen the deterrence of the Alliance;",
        "to cooperate on economic security.",
    ]
    assert {(c.strength, c.verb) for c in draft.commitments} == {("joint", "concurred")}
    assert draft.commitments[1].title == "Cooperate on economic security"


def test_text_with_no_list_at_all():
    draft = parse_readout(
        "Japan-U.S. Foreign Ministers’ Meeting\nMarch 3, 2023\n\n"
        f"On March 3, {HAYASHI_MEETS_BLINKEN}, who is visiting Tokyo. The two ministers "
        "reaffirmed their commitment to the Alliance. They also exchanged views on the situation "
        "in the Middle East.\n"
    )
    assert [(c.strength, c.selected) for c in draft.commitments] == [
        ("joint", True),
        ("none", False),
    ]
    assert len(draft.participants) == 2
    assert_quotes_exact(draft)


def test_single_sentence_without_phrase_is_shown_unticked():
    draft = parse_readout(mofa(INTRO, "The two ministers talked about the weather in Tokyo."))
    (c,) = draft.commitments
    assert (c.strength, c.selected, c.verb) == ("none", False, "")
    assert c.title == "Talked about the weather in Tokyo"


def test_long_title_is_cut_at_a_word_boundary():
    draft = parse_readout(
        mofa(
            INTRO,
            "The two ministers concurred to promote cooperation in space exploration including the "
            "lunar exploration program and satellite navigation for the benefit of both nations.",
        )
    )
    title = draft.commitments[0].title
    assert len(title) <= 80
    assert title.startswith("Promote cooperation in space exploration")
    assert title.endswith("…")


def test_negated_agreement_is_not_joint():
    draft = parse_readout(mofa(INTRO, "The two ministers did not agree on the details."))
    assert draft.commitments[0].strength == "none"


# --------------------------------------------------------------------------------------------
# Kinds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind", "fmt"),
    [
        ("Japan-U.S. Foreign Ministers’ Telephone Talk", "telephone", "telephone"),
        ("Japan-U.S. Summit Telephone Talk", "telephone", "telephone"),
        # A video call is a format; the kind is what was held.
        ("Japan-U.S. Summit Video Conference Meeting", "summit", "video"),
        ("Japan-U.S. Summit Meeting", "summit", "in_person"),
        ("Japan-U.S. Security Consultative Committee (“2+2”)", "security_2plus2", "in_person"),
        (
            "Japan-U.S. Economic Policy Consultative Committee (Economic “2+2”)",
            "economic_2plus2",
            "in_person",
        ),
        ("Japan-U.S. Extended Deterrence Dialogue", "dialogue", "in_person"),
        ("Japan-U.S.-ROK Summit Meeting", "trilateral", "in_person"),
        ("Japan-U.S. Working Lunch", "working", "in_person"),
        ("G7 Foreign Ministers’ Meeting", "multilateral", "in_person"),
        ("G7 Leaders’ Video Conference", "multilateral", "video"),
        (
            "Japan-Australia-India-U.S. (Quad) Foreign Ministers’ Meeting",
            "multilateral",
            "in_person",
        ),
        ("Japan-U.S. Summit Meeting on the Margins of the G7 Summit", "summit", "in_person"),
    ],
)
def test_kinds_from_titles(title, kind, fmt):
    draft = parse_readout(mofa(INTRO, ITEM_A, title=title))
    assert (draft.meeting.kind, draft.meeting.format) == (kind, fmt)


def test_kind_from_the_first_sentence_when_the_title_says_nothing():
    draft = parse_readout(mofa(INTRO, ITEM_A, title="Visit of Mr. Smith"))
    assert draft.meeting.kind == "foreign_ministers"  # "Secretary of State" in the intro
    assert "kind" in draft.meeting.confidence
    draft = parse_readout(mofa("On March 3, Mr. A met Mr. B.", ITEM_A, title="Notice"))
    assert draft.meeting.kind == "other"
    assert "kind" in draft.meeting.confidence


G7_READOUT = """G7 Foreign Ministers’ Meeting
April 18, 2023
On April 18, commencing at 9:00 a.m. for about two hours, Mr. HAYASHI Yoshimasa, Minister for \
Foreign Affairs of Japan, chaired the G7 Foreign Ministers’ Meeting in Karuizawa, Nagano.
- The G7 ministers reaffirmed their commitment to impose severe sanctions on Russia.
"""


def test_g7_readout_is_proposed_as_multilateral():
    draft = read(G7_READOUT)
    assert draft.meeting.kind == "multilateral"
    assert (draft.meeting.format, draft.meeting.place) == ("in_person", "Karuizawa")
    assert draft.meeting.countries == ["JP", "G7"]
    assert "kind" not in draft.meeting.confidence


def test_kinds_formats_and_strengths_are_the_database_choices():
    models = django_models()
    assert tuple(models.MeetingKind.values) == KINDS
    assert "video" not in KINDS  # a format, not a kind
    assert tuple(models.MeetingFormat.values) == FORMATS
    assert (*models.Strength.values, "none") == STRENGTHS


def django_models():
    """tracker.models, with Django set up when this file runs without pytest-django."""
    django = pytest.importorskip("django")
    from django.conf import settings as django_settings

    if not django_settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
        django.setup()
    from tracker import models

    return models


# The parser must import and run where Django is not installed.
NO_DJANGO = """
import sys
from importlib.abc import MetaPathFinder


class NoDjango(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError(f"{name} imported by the parser")


sys.meta_path.insert(0, NoDjango())
from tracker.readout_parser import parse_readout

draft = parse_readout(open(sys.argv[1], encoding="utf-8").read())
print(draft.meeting.kind, len(draft.commitments))
print(sorted(name for name in sys.modules if name.startswith("django")))
"""


def test_the_parser_imports_no_django():
    root = Path(__file__).parent.parent
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", NO_DJANGO, str(SEED)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["foreign_ministers 16", "[]"]


def test_trilateral_meeting_binds_korea():
    draft = parse_readout(
        "Japan-U.S.-ROK Foreign Ministers’ Meeting\nJuly 8, 2022\n\n"
        "On July 8, commencing at 10:35 a.m. (local time; 11:35 a.m. Japan time) for "
        "approximately 30 minutes, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, "
        "who is visiting Bali, Indonesia, held a Japan-U.S.-ROK Foreign Ministers’ Meeting with "
        "the Honorable Antony Blinken, Secretary of State of the United States of America, and "
        "H.E. Mr. PARK Jin, Minister of Foreign Affairs of the Republic of Korea.\n"
        "- The three ministers concurred to further strengthen trilateral cooperation toward the "
        "complete denuclearization of North Korea.\n"
    )
    m = draft.meeting
    assert (m.kind, m.countries) == ("trilateral", ["JP", "US", "KR"])
    assert m.utc_offset == "+08:00"
    assert m.time_zone == "Asia/Singapore"  # Bali is not in the place table: offset alone
    park = next(p for p in draft.participants if p.country == "KR")
    assert (park.name, park.family_name, park.honorific) == ("PARK Jin", "PARK", "H.E.")
    (c,) = draft.commitments
    assert c.parties == ["JP", "US", "KR"]
    assert "north_korea" in c.themes


# --------------------------------------------------------------------------------------------
# HTML and clutter
# --------------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Japan-U.S. Foreign Ministers' Meeting | MOFA</title>
<script>var tracking = "The two ministers concurred to track you.";</script>
<style>p { color: red; }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li>Concurred to navigate</li></ul></nav>
<div class="breadcrumbs">Top Page &gt; Countries &amp; Regions &gt; North America</div>
<p>Japan-United States of America Relations</p>
<h1>Japan-U.S. Foreign Ministers&rsquo; Meeting</h1>
<p class="date">July 29, 2022</p>
<p>[Provisional translation]</p>
<p>On July 29, commencing at 1:43 p.m. (local time. 2:43 a.m. on July 30, Japan time.), for
approximately 55 minutes, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, who is
visiting Washington D.C., held a meeting with the Honorable Antony Blinken, Secretary of State
of the United States of America. The overview of the meeting is as follows.</p>
<p><img src="photo.jpg" alt="photo">[Photo] Foreign Minister Hayashi and Secretary Blinken</p>
<ul>
<li>The two ministers concurred to continue to work closely together in addressing issues
related to China.</li>
<li>Minister Hayashi urged the U.S. to return to the TPP at an early time.</li>
</ul>
<p><a href="x.pdf">Joint Statement (PDF)</a></p>
<p>Japanese</p>
<p><a href="/">Back to Japan-United States of America Relations</a></p>
<p>Page Top</p>
</body></html>
"""


def test_html_input():
    draft = parse_readout(HTML_PAGE)
    m = draft.meeting
    assert m.title == "Japan-U.S. Foreign Ministers’ Meeting"
    assert m.start_local == datetime(2022, 7, 29, 13, 43, tzinfo=tz(-4))
    assert m.place == "Washington D.C."
    assert [c.strength for c in draft.commitments] == ["joint", "request"]
    assert_quotes_exact(draft)
    for clutter in ("track you", "navigate", "Top Page", "Relations", "Photo", "(PDF)", "Page Top"):
        assert clutter not in draft.text
    assert "Japanese\n" not in draft.text
    assert "Joint Statement" in draft.text
    assert any("HTML" in note for note in draft.notes)


def test_html_to_text_blocks_and_items():
    text = html_to_text(
        "<div><h2>Title</h2><p>One <b>two</b></p><ul><li>a</li><li>b</li></ul></div>"
    )
    assert text == "Title\nOne two\n\n- a\n- b"


def test_plain_text_clutter_is_dropped():
    draft = parse_readout(
        "Japan-United States of America Relations\n[Provisional translation]\n"
        + SEED.read_text(encoding="utf-8")
        + "\n[Photo] The two ministers\nJoint Statement (PDF)\nBack to Japan-United States of "
        "America Relations\nPage Top\n"
    )
    assert draft.meeting.title == "Japan-U.S. Foreign Ministers’ Meeting"
    assert "Provisional" not in draft.text
    assert "[Photo]" not in draft.text and "Page Top" not in draft.text
    assert draft.text.rstrip().endswith("Joint Statement")


def test_hard_wrapped_pdf_lines_are_joined():
    draft = parse_readout(
        mofa(
            INTRO,
            "The two ministers concurred to strengthen the deterrence and\nresponse capabilities "
            "of the Alliance.",
        )
    )
    assert draft.commitments[0].quote == (
        "The two ministers concurred to strengthen the deterrence and response capabilities of "
        "the Alliance."
    )


# --------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------


def test_mention_in_a_later_month_is_last_year():
    draft = parse_readout(
        mofa(
            INTRO,
            "The two ministers welcomed the outcomes of the Japan-U.S. Summit Meeting in November.",
            dateline="March 3, 2023",
        )
    )
    (mention,) = draft.mentions
    assert (mention.name, mention.kind) == ("Japan-U.S. Summit Meeting", "summit")
    assert (mention.date, mention.date_precision) == (date(2022, 11, 1), "month")


def test_upcoming_mention_in_an_earlier_month_is_next_year():
    draft = parse_readout(
        mofa(
            INTRO,
            "The two ministers concurred to work toward the upcoming G7 Hiroshima Summit in May.",
            dateline="December 3, 2022",
        )
    )
    (mention,) = draft.mentions
    assert mention.name == "G7 Hiroshima Summit"
    assert mention.date == date(2023, 5, 1)


def test_mention_with_full_date():
    draft = parse_readout(
        mofa(INTRO, "The two ministers welcomed the Japan-U.S. Summit Meeting on 13 January 2023.")
    )
    (mention,) = draft.mentions
    assert (mention.date, mention.date_precision) == (date(2023, 1, 13), "day")


# --------------------------------------------------------------------------------------------
# Odd input never breaks the parser
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t ", "\x00\x01"])
def test_empty_text(text):
    draft = parse_readout(text)
    assert draft.commitments == [] and draft.participants == []
    assert draft.notes
    assert "No text to read" in draft.notes or "No agreed actions found in the text" in draft.notes
    json.dumps(draft.to_dict())


def test_japanese_text():
    draft = parse_readout(
        "日米外相会談\n令和4年7月29日\n\n"
        "2022年7月29日（現地時間）、ワシントンD.C.を訪問中の林芳正外務大臣は、"
        "アントニー・ブリンケン米国国務長官と約55分間、日米外相会談を行ったところ、概要は以下のとおりです。\n"
        "・両外相は、北朝鮮の完全な非核化に向けて日米で緊密に連携していくことで一致した。\n"
        "・林大臣から、拉致問題の即時解決に向けた理解と協力を求めた。\n"
    )
    m = draft.meeting
    assert m.date == date(2022, 7, 29)
    assert (m.kind, m.countries) == ("foreign_ministers", ["JP", "US"])
    assert any("Japanese" in note for note in draft.notes)
    strengths = [c.strength for c in draft.commitments]
    assert strengths == ["joint", "request"]
    assert "north_korea" in draft.commitments[0].themes
    assert_quotes_exact(draft)


def read(text: str) -> ReadoutDraft:
    """parse_readout, failing the test where the parser raised (it then returns a bare draft)."""
    draft = parse_readout(text)
    assert not [n for n in draft.notes if n.startswith("The text could not be read")]
    return draft


def test_a_parser_error_gives_a_bare_draft_with_a_note(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(parse_module, "draft_commitments", broken)
    draft = parse_readout(SEED.read_text(encoding="utf-8"))
    assert draft.notes == ["The text could not be read (ValueError); please fill in the form"]
    assert draft.text.startswith("Japan-U.S. Foreign Ministers")
    with pytest.raises(AssertionError):
        read(SEED.read_text(encoding="utf-8"))


def test_random_text():
    text = "qwe (( [[ 12:99 p.m. On Mayday, 1 hour hours Mr. , , .. ?? \u202e"
    draft = read(text)
    assert_codes_valid(draft)
    assert draft.text == text
    # One line: the title; the impossible 12:99 is no start time, "1 hour" is a duration.
    assert draft.meeting.title == text
    assert (draft.meeting.date, draft.meeting.start_local) == (None, None)
    assert draft.meeting.duration_minutes == 60
    assert (draft.participants, draft.commitments) == ([], [])
    assert json.loads(json.dumps(draft.to_dict()))["text"] == text


def test_non_string_input_gives_a_note():
    draft = parse_readout(None)  # type: ignore[arg-type]
    assert draft.notes == ["No text to read"]


def test_one_megabyte_of_readout_text_is_parsed():
    # No timing assertion here (the project has no timed tests); docs/readouts.md has a benchmark.
    text = SEED.read_text(encoding="utf-8")
    big = (text + "\n") * (1_000_000 // len(text) + 1)
    draft = parse_readout(big)
    assert len(big) > 1_000_000
    assert draft.meeting.date == date(2022, 7, 29)
    assert any("first" in note for note in draft.notes)
    assert_quotes_exact(draft)


@pytest.mark.parametrize(
    "text",
    [
        "(" * 200_000,
        "a." * 300_000,
        "Japan-U.S. " * 60_000 + "Meeting",
        "1:1" * 100_000,
        "<p>" * 100_000,
        "On July 29, " * 50_000,
    ],
    ids=["parens", "dots", "names", "clock", "html", "dates"],
)
def test_pathological_input_is_handled(text):
    draft = read(text)
    assert_codes_valid(draft)
    if text.startswith("<p>"):
        assert draft.text == ""
        assert draft.notes[0] == "The text was pasted as HTML and reduced to plain text"
    else:
        # Read to the end, not cut short: the draft keeps the whole (cleaned) text.
        assert draft.text == text.strip()
        assert "No agreed actions found in the text" in draft.notes
    assert draft.meeting.date is None


# --------------------------------------------------------------------------------------------
# Lexicons are public and extendable
# --------------------------------------------------------------------------------------------


def test_lexicons_are_public_and_extendable(monkeypatch):
    assert set(STRENGTH_PHRASES) == set(STRENGTHS)
    assert set(THEME_KEYWORDS) == {
        "security",
        "extended_deterrence",
        "realignment",
        "russia_ukraine",
        "indo_pacific",
        "china_taiwan",
        "north_korea",
        "abductions",
        "economic_order",
        "consultation",
    }
    sentence = "The two ministers concurred to cooperate on the Moon."
    assert parse_readout(mofa(INTRO, sentence)).commitments[0].themes == []
    monkeypatch.setitem(THEME_KEYWORDS, "security", (*THEME_KEYWORDS["security"], "moon"))
    assert parse_readout(mofa(INTRO, sentence)).commitments[0].themes == ["security"]


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FRAGMENTS = [
    *SEED.read_text(encoding="utf-8").split("\n"),
    "(1)",
    "1.",
    "•",
    "",
    "<p>",
    "</li>",
    "Back to Japan-United States of America Relations",
    "[Photo] caption",
    "(PDF)",
    "12:20 (local time; 21:20 on December 11, Japan time)",
    "from 11:05 a.m. EST (0:05 a.m. Sept 22 JST)",
    "H.E. Dr. S. Jaishankar, Minister of External Affairs of India,",
    "Today, President Biden spoke with Prime Minister Kishida.",
    "日米外相会談 2022年7月29日 両外相は一致した。",
    "the Japan-U.S.-ROK Summit Meeting in May",
]


def check_properties(text: str) -> None:
    draft = parse_readout(text)
    # The parser's safety net must not be what keeps it from raising.
    assert not any("could not be read" in note for note in draft.notes)
    assert_quotes_exact(draft)
    assert_codes_valid(draft)
    data = json.loads(json.dumps(draft.to_dict()))
    assert data["meeting"]["kind"] in KINDS


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_property_any_text(text):
    check_properties(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)),
        max_size=25,
    ),
    st.sampled_from(["\n", " ", "\n\n", "\r\n", ""]),
)
def test_property_readout_fragments(parts, joiner):
    check_properties(joiner.join(parts))


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), st.integers(0, 23))
def test_property_pair_of_times_gives_a_consistent_offset(day, hour):
    draft = parse_readout(
        mofa(
            f"On {day:%B} {day.day}, commencing at {hour}:15 (local time; 23:15 Japan time), "
            f"{HAYASHI_MEETS_BLINKEN}.",
            ITEM_A,
            dateline=f"{day:%B} {day.day}, {day.year}",
        )
    )
    m = draft.meeting
    assert m.date == day
    if m.start_local is not None:
        assert m.start_local.astimezone(TOKYO) == m.start_japan
        assert m.start_japan.hour == 23
        assert m.utc_offset is not None
