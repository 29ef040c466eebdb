"""Meetings and the people who took part in them, and the reference data they point to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ..models import Country, Division, Meeting, MeetingSeries, Person, Theme
from .agreed_language import meeting_sentences_sync, readout_sentences_write
from .records import record_create, record_update
from .search import meeting_search_documents_write, person_renamed, person_search_documents_write

MEETING_FIELDS = (
    "title",
    "kind",
    "series",
    "starts_at",
    "time_zone",
    "start_time_known",
    "duration_minutes",
    "end_date",
    "place",
    "format",
    "summary",
    "readout_text",
    "source_url",
    "notes",
)
PERSON_FIELDS = ("family_name", "given_name", "country", "family_name_first", "name_ja")
# What the search documents hold of a meeting and of a person (tracker.models.search).
MEETING_SEARCHED_FIELDS = frozenset({"title", "place", "readout_text"})
PERSON_SEARCHED_FIELDS = frozenset({"family_name", "given_name", "name_ja"})
# What the reference-data screens edit, by model.
REFERENCE_FIELDS: dict[type, tuple[str, ...]] = {
    Country: ("code", "name", "name_ja", "is_group"),
    Theme: ("code", "name", "name_ja"),
    Division: ("code", "name", "name_ja", "members"),
    MeetingSeries: ("name", "kind", "description"),
}


@transaction.atomic
def meeting_create(*, user: AbstractBaseUser | None, data: Mapping[str, Any]) -> Meeting:
    meeting = record_create(model=Meeting, user=user, fields=MEETING_FIELDS, data=data)
    meeting_search_documents_write(meeting_ids=[meeting.pk])
    readout_sentences_write(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_edit(
    *, meeting: Meeting, user: AbstractBaseUser | None, data: Mapping[str, Any]
) -> Meeting:
    meeting = record_update(instance=meeting, user=user, fields=MEETING_FIELDS, data=data)
    if MEETING_SEARCHED_FIELDS & set(data):
        meeting_search_documents_write(meeting_ids=[meeting.pk])
    meeting_sentences_sync(meeting=meeting, fields=data)
    return meeting


@transaction.atomic
def person_create(*, user: AbstractBaseUser | None, data: Mapping[str, Any]) -> Person:
    person = record_create(model=Person, user=user, fields=PERSON_FIELDS, data=data)
    person_search_documents_write(person_ids=[person.pk])
    return person


@transaction.atomic
def person_edit(
    *, person: Person, user: AbstractBaseUser | None, data: Mapping[str, Any]
) -> Person:
    person = record_update(instance=person, user=user, fields=PERSON_FIELDS, data=data)
    if PERSON_SEARCHED_FIELDS & set(data):
        # The meetings they were at hold their name too.
        person_renamed(person=person)
    return person


def reference_create(*, model: type, user: AbstractBaseUser | None, data: Mapping[str, Any]):
    """A country, theme, division or meeting series."""
    return record_create(model=model, user=user, fields=REFERENCE_FIELDS[model], data=data)


def reference_edit(*, instance, user: AbstractBaseUser | None, data: Mapping[str, Any]):
    return record_update(
        instance=instance, user=user, fields=REFERENCE_FIELDS[type(instance)], data=data
    )
