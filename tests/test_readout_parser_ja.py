"""Japanese readouts: era dates, times, places, participants and verbs; properties that hold for
any text. The readouts here are made up for the tests (the real ones are in test_readout_corpus).

No Django: ``pytest --noconftest tests/test_readout_parser_ja.py``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.readout_parser import parse_readout
from tracker.readout_parser import words as readout_words
from tracker.readout_parser.dates import full_date
from tracker.readout_parser.japanese import clock_text, find_place, participants

ERAS = {"令和": (2019, 5, 1), "平成": (1989, 1, 8)}
SYNTHETIC = (
    "アメリカ合衆国\n日米外相会談\n令和5年1月11日\n\n"
    " 現地時間1月11日午後2時10分(日本時間12日午前4時10分)から約1時間30分間、"
    "米国・ワシントンDCを訪問中の林芳正外務大臣は、アントニー・ブリンケン米国国務長官と会談を行ったところ、"
    "概要は以下のとおりです。\n"
    "1 両外相は、日米同盟の抑止力・対処力を一層強化していくことで一致しました。\n"
    "2 林大臣から、拉致問題の即時解決に向けた理解と協力を要請しました。\n"
    "3 両外相は、地域情勢について意見交換を行いました。\n"
    "4 両外相は、北朝鮮による弾道ミサイル発射を厳しく非難しました。\n"
)


def test_a_synthetic_japanese_readout_yields_a_complete_draft():
    draft = parse_readout(SYNTHETIC)
    m = draft.meeting
    assert (m.title, m.kind, m.date) == ("日米外相会談", "foreign_ministers", date(2023, 1, 11))
    assert m.start_local == datetime(2023, 1, 11, 14, 10, tzinfo=timezone(timedelta(hours=-5)))
    assert m.start_japan.isoformat() == "2023-01-12T04:10:00+09:00"
    assert (m.utc_offset, m.time_zone, m.duration_minutes) == ("-05:00", "America/New_York", 90)
    assert (m.place, m.countries) == ("米国・ワシントンDC", ["JP", "US"])
    people = {p.name: p for p in draft.participants}
    assert people["林芳正"].family_name == "林"
    assert people["林芳正"].given_name == "芳正"
    assert people["林芳正"].country == "JP"
    assert people["アントニー・ブリンケン"].family_name == "ブリンケン"
    assert people["アントニー・ブリンケン"].country == "US"
    assert people["アントニー・ブリンケン"].title == "Secretary of State"
    readings = [(c.strength, c.selected) for c in draft.commitments]
    assert readings == [
        ("joint", True),
        ("request", True),
        ("none", False),
        ("acknowledgement", True),
    ]
    assert draft.commitments[0].quote.startswith("両外相は")  # the item number is not quoted
    assert "abductions" in draft.commitments[1].themes
    assert "north_korea" in draft.commitments[3].themes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和4年7月29日", date(2022, 7, 29)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("2022年7月29日", date(2022, 7, 29)),
        ("03/16/2021 07:53 AM EDT", date(2021, 3, 16)),
        ("令和4年2月30日", None),
    ],
)
def test_full_dates_in_japanese_and_numeric_forms(text, expected):
    assert full_date(text)[0] == expected


@pytest.mark.parametrize(
    ("intro", "expected"),
    [
        ("5日午後8時15分から約1時間", "8:15 p.m. ; for about 1 hours"),
        (
            "現地時間4月7日15時45分(日本時間7日22時45分)から35分間",
            "15:45 on April 7 (local time) ; 22:45 on April 7 (Japan time) ; for 35 minutes",
        ),
        ("午前9時半から", "9:30 a.m."),
        ("午後1時43分から約1時間30分", "1:43 p.m. ; for about 1 hours and 30 minutes"),
        ("現地時間6月27日昼(日本時間同日夜)", ""),
    ],
)
def test_japanese_times_become_the_english_clock_forms(intro, expected):
    assert clock_text(intro) == expected


def test_a_meeting_across_midnight_has_the_next_day_in_japan():
    draft = parse_readout(
        SYNTHETIC.replace("午後2時10分", "午前10時10分").replace("4時10分", "0時10分")
    )
    assert draft.meeting.start_japan.isoformat() == "2023-01-12T00:10:00+09:00"


@pytest.mark.parametrize(
    ("intro", "place"),
    [
        (
            "ASEAN関連外相会議に出席するためフィリピン・マニラを訪問中の河野太郎外務大臣は",
            "フィリピン・マニラ",
        ),
        ("訪日中のレックス・ティラソン米国国務長官と", "日本"),
        ("林外務大臣は、ブリンケン国務長官と会談を行った", ""),
    ],
)
def test_the_place_visited(intro, place):
    assert find_place(intro) == place


def test_a_foreign_name_with_its_english_form_is_left_to_the_english_reader():
    found = participants(
        "岩屋毅外務大臣は、アントニー・ブリンケン米国国務長官(The Honorable Antony Blinken, "
        "Secretary of State of the United States of America)と会談"
    )
    assert [p.name for p in found] == ["岩屋毅"]


def test_a_meeting_name_is_not_a_person():
    assert participants("日米外相会談を行い、ASEAN関連外相会議に出席") == []


def test_statements_and_exchanges_of_views_are_not_agreed_actions():
    draft = parse_readout(
        "日米外相会談\n令和6年1月1日\n\n1月1日、林外務大臣はブリンケン国務長官と会談を行った。\n"
        "1 林大臣から、日米で連携していきたい旨を述べました。\n"
        "2 両外相は、地域情勢について意見交換を行いました。\n"
        "3 冒頭、林大臣から、ブリンケン長官の訪日を歓迎しました。\n"
    )
    assert not [c for c in draft.commitments if c.selected]


def test_the_japanese_word_lists_are_editable(monkeypatch):
    text = (
        "日米外相会談\n令和6年1月1日\n\n1月1日、会談を行った。\n1 両外相は、協力を申し合わせた。\n"
    )
    assert parse_readout(text).commitments[0].strength == "joint"
    joint = tuple(p for p in readout_words.STRENGTH_PHRASES["joint"] if "申し合わせ" not in p)
    monkeypatch.setitem(readout_words.STRENGTH_PHRASES, "joint", joint)
    assert parse_readout(text).commitments[0].strength != "joint"


# Properties ---------------------------------------------------------------------------------------

JAPANESE_CHARS = st.characters(
    codec="utf-8",
    categories=("Lo", "Nd", "Po", "Ps", "Pe", "Zs", "Cc"),
)
PIECES = st.sampled_from(
    [
        "令和",
        "平成",
        "元年",
        "年",
        "月",
        "日",
        "現地時間",
        "日本時間",
        "午前",
        "午後",
        "時",
        "分",
        "約",
        "間",
        "から",
        "を訪問中の",
        "外務大臣",
        "国務長官",
        "・",
        "(",
        ")",
        "、",
        "。",
        "\n",
        "1 ",
        "・",
        "一致しました",
        "要請し",
        "述べた",
        "意見交換",
        "日米",
    ]
)
TEXTS = st.lists(
    st.one_of(PIECES, st.integers(0, 99).map(str), st.text(JAPANESE_CHARS, max_size=8)),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_no_japanese_text_crashes_the_parser(text):
    draft = parse_readout(text)
    assert not [n for n in draft.notes if n.startswith("The text could not be read")]
    for c in draft.commitments:
        assert draft.text[c.position : c.position + len(c.quote)] == c.quote


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(ERAS)), st.dates(date(1989, 1, 8), date(2099, 12, 31)))
def test_era_dates_round_trip(era, day):
    start_year, start_month, start_day = ERAS[era]
    start = date(start_year, start_month, start_day)
    if day < start or (era == "平成" and day >= date(2019, 5, 1)):
        return
    year = day.year - start_year + 1
    written = f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    assert full_date(written)[0] == day
    draft = parse_readout(f"日米外相会談\n{written}\n\n{day.month}月{day.day}日、会談を行った。\n")
    assert draft.meeting.date == day


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 23), st.integers(0, 59), st.integers(1, 180))
def test_japanese_clock_times_round_trip(hour, minute, minutes):
    ampm = "午前" if hour < 12 else "午後"
    shown = hour if hour < 12 else hour - 12
    text = (
        f"日米外相会談\n令和5年3月1日\n\n3月1日{ampm}{shown}時{minute}分から約{minutes}分間、"
        "林芳正外務大臣は、ブリンケン国務長官と会談を行った。\n"
    )
    m = parse_readout(text).meeting
    assert m.start_japan.hour == hour and m.start_japan.minute == minute
    assert m.duration_minutes == minutes
