"""The parser's notes, in the reader's language.

`tracker.readout_parser` has no Django in it and writes its notes in English, some with values in
them ("No zone found for UTC+5:45"). The review screen shows each through gettext: the note's
wording is matched here and its values carried into the translated message. A note without a
match (a new one in the parser) is shown as written rather than dropped.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy

from .readout_parser import ReadoutDraft

_V = r"(?P<{}>.+?)"  # a value inside a note


def _note(pattern: str, message) -> tuple[re.Pattern[str], object]:
    names = re.findall(r"\{(\w+)\}", pattern)
    regex = re.escape(pattern)
    for name in names:
        regex = regex.replace(re.escape("{" + name + "}"), _V.format(name))
    return re.compile(f"^{regex}$"), message


_NOTES = [
    _note("No text to read", gettext_lazy("No text to read")),
    _note("No text", gettext_lazy("No text")),
    _note(
        "The text was pasted as HTML and reduced to plain text",
        gettext_lazy("The text was pasted as HTML and reduced to plain text"),
    ),
    _note(
        "The text looks Japanese; only dates and a few keywords were read",
        gettext_lazy("The text looks Japanese; only dates and a few keywords were read"),
    ),
    _note(
        "The text is Japanese; it was read with the Japanese word lists",
        gettext_lazy("The text is Japanese; it was read with the Japanese word lists"),
    ),
    _note(
        "The text gives no date for the meeting; enter it before saving",
        gettext_lazy("The text gives no date for the meeting; enter it before saving"),
    ),
    _note(
        "The text gives no full date; used the date supplied with the readout",
        gettext_lazy("The text gives no full date; used the date supplied with the readout"),
    ),
    _note(
        "No title line; made up from the kind of meeting and the countries",
        gettext_lazy("No title line; made up from the kind of meeting and the countries"),
    ),
    _note(
        "The text could not be read ({error}); please fill in the form",
        gettext_lazy("The text could not be read (%(error)s); please fill in the form"),
    ),
    _note("No participants found", gettext_lazy("No participants found")),
    _note(
        "No agreed actions found in the text", gettext_lazy("No agreed actions found in the text")
    ),
    _note(
        "Item {item} is very long; only its start was read",
        gettext_lazy("Item %(item)s is very long; only its start was read"),
    ),
    _note(
        "The body is very long; only its first {items} items ({lines} lines) were read",
        gettext_lazy(
            "The body is very long; only its first %(items)s items (%(lines)s lines) were read"
        ),
    ),
    _note("No title line found", gettext_lazy("No title line found")),
    _note(
        "No year in the text; took the year from today's date",
        gettext_lazy("No year in the text; took the year from today’s date"),
    ),
    _note("The text gives a day but no year", gettext_lazy("The text gives a day but no year")),
    _note(
        "Taken from the dateline (the publication date)",
        gettext_lazy("Taken from the dateline (the publication date)"),
    ),
    _note("Took the first date in the text", gettext_lazy("Took the first date in the text")),
    _note(
        "The text says only 'today'; used the date the readout was parsed",
        gettext_lazy("The text says only “today”; used the date the readout was read"),
    ),
    _note(
        "The text says only 'today' and no date was supplied",
        gettext_lazy("The text says only “today” and no date was supplied"),
    ),
    _note("No date found", gettext_lazy("No date found")),
    _note(
        "Read from the first sentence, not the title",
        gettext_lazy("Read from the first sentence, not the title"),
    ),
    _note("Could not tell the kind of meeting", gettext_lazy("Could not tell the kind of meeting")),
    _note("No place found", gettext_lazy("No place found")),
    _note("Read from the first sentence", gettext_lazy("Read from the first sentence")),
    _note("No countries found", gettext_lazy("No countries found")),
    _note(
        "Computed from the start and end times",
        gettext_lazy("Computed from the start and end times"),
    ),
    _note("No duration in the text", gettext_lazy("No duration in the text")),
    _note(
        "Zone taken from the time label; UTC{offset} fits {zone} on that date",
        gettext_lazy("Zone taken from the time label; UTC%(offset)s fits %(zone)s on that date"),
    ),
    _note(
        "Offset UTC{offset} fits several zones; guessed {zone} from the place",
        gettext_lazy("Offset UTC%(offset)s fits several zones; guessed %(zone)s from the place"),
    ),
    _note(
        "Guessed {zone} from the offset UTC{offset} alone; the place ({place}) does not fit "
        "that offset",
        gettext_lazy(
            "Guessed %(zone)s from the offset UTC%(offset)s alone; the place (%(place)s) does "
            "not fit that offset"
        ),
    ),
    _note(
        "Guessed {zone} from the offset UTC{offset} alone",
        gettext_lazy("Guessed %(zone)s from the offset UTC%(offset)s alone"),
    ),
    _note("No zone found for UTC{offset}", gettext_lazy("No zone found for UTC%(offset)s")),
    _note("No start time in the text", gettext_lazy("No start time in the text")),
    _note(
        "No place or zone given; assumed Japan",
        gettext_lazy("No place or zone given; assumed Japan"),
    ),
    _note(
        "No zone known for the place ({place})",
        gettext_lazy("No zone known for the place (%(place)s)"),
    ),
    _note(
        "A time is given but no date to attach it to",
        gettext_lazy("A time is given but no date to attach it to"),
    ),
    _note(
        "Japan date not stated; inferred from the two times",
        gettext_lazy("Japan date not stated; inferred from the two times"),
    ),
    _note(
        "The local and Japan times do not give a plausible UTC offset",
        gettext_lazy("The local and Japan times do not give a plausible UTC offset"),
    ),
    _note(
        "The label {label} means UTC{nominal}, but the local and Japan times give UTC{offset}; "
        "the times were trusted",
        gettext_lazy(
            "The label %(label)s means UTC%(nominal)s, but the local and Japan times give "
            "UTC%(offset)s; the times were trusted"
        ),
    ),
    _note(
        "The label {label} means UTC{nominal}, but {zone} is at UTC{offset} on that date; "
        "used the real offset",
        gettext_lazy(
            "The label %(label)s means UTC%(nominal)s, but %(zone)s is at UTC%(offset)s on that "
            "date; used the real offset"
        ),
    ),
    _note(
        "Local time given, but the place's time zone is unknown",
        gettext_lazy("Local time given, but the place’s time zone is unknown"),
    ),
    _note(
        "No zone given; the time was read as local time in {place}",
        gettext_lazy("No zone given; the time was read as local time in %(place)s"),
    ),
    _note(
        "No time zone given; assumed Japan time",
        gettext_lazy("No time zone given; assumed Japan time"),
    ),
    _note(
        "Only Japan time is given; the local zone is unknown",
        gettext_lazy("Only Japan time is given; the local zone is unknown"),
    ),
    _note(
        "Converted from Japan time using the place ({place})",
        gettext_lazy("Converted from Japan time using the place (%(place)s)"),
    ),
]

# The meeting fields the parser's notes are about, by the parser's key.
NOTE_FIELDS = {
    "title": gettext_lazy("Title"),
    "date": gettext_lazy("Date"),
    "kind": gettext_lazy("Kind"),
    "place": gettext_lazy("Place"),
    "countries": gettext_lazy("Countries"),
    "time_zone": gettext_lazy("Time zone"),
    "start_local": gettext_lazy("Local start time"),
    "start_japan": gettext_lazy("Start in Japan time"),
    "utc_offset": gettext_lazy("UTC offset"),
    "duration_minutes": gettext_lazy("Duration"),
}


def translate_note(note: str) -> str:
    """A parser note in the active language (as written when its wording is not known)."""
    for pattern, message in _NOTES:
        if match := pattern.match(note):
            values = match.groupdict()
            return str(message) % values if values else str(message)
    return note


def review_notes(draft: ReadoutDraft) -> list[tuple[str, str]]:
    """(what the note is about, the note) for the review screen, in the active language."""
    notes = [("", translate_note(note)) for note in draft.notes]
    notes += [
        (str(NOTE_FIELDS.get(key, key.replace("_", " ").capitalize())), translate_note(note))
        for key, note in draft.meeting.confidence.items()
    ]
    return notes
