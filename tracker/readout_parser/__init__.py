"""Readout parser: the text of a meeting readout in, a draft meeting with commitments out.

Staff paste what a ministry web page or PDF says about a meeting; this package turns it into a
draft that a form pre-fills and a person then checks. It is plain Python on purpose (no Django,
no network, no models) so that it can be tested in isolation and run from a management command.
The words it reads by are in `words` (one data module, editable without reading code).

Everything here is a heuristic. Whatever the parser could not read for sure is reported in
``MeetingDraft.confidence`` or ``ReadoutDraft.notes`` instead of being guessed silently, and
``parse_readout`` never raises: odd input yields a sparse draft with a note.
"""

from .drafts import CommitmentDraft, MeetingDraft, MentionDraft, ParticipantDraft, ReadoutDraft
from .meetings import place_zone
from .parse import parse_readout
from .text import html_to_text
from .words import (
    COUNTRY_CODES,
    DATE_PRECISIONS,
    FORMATS,
    KINDS,
    STRENGTH_PHRASES,
    STRENGTHS,
    THEME_KEYWORDS,
)

__all__ = [
    "COUNTRY_CODES",
    "DATE_PRECISIONS",
    "FORMATS",
    "KINDS",
    "STRENGTHS",
    "STRENGTH_PHRASES",
    "THEME_KEYWORDS",
    "CommitmentDraft",
    "MeetingDraft",
    "MentionDraft",
    "ParticipantDraft",
    "ReadoutDraft",
    "html_to_text",
    "parse_readout",
    "place_zone",
]
