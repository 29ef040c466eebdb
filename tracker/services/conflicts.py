"""Refusing a stale save, and telling the editor who changed what since they loaded it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .. import names
from ..models import (
    EDITABLE_FIELD_NAMES,
    Commitment,
    StatusUpdate,
)

# What a conflict message compares between the editor's starting point and the current row.
CONFLICT_FIELDS = ("status", "confidence", *EDITABLE_FIELD_NAMES, "owner_id", "lead_division_id")


class ConflictError(ValidationError):
    """The commitment changed since the editor loaded it; their save was refused, nothing written.

    `current` is the commitment as it is now, and `changes` lists (field, your base value, now) for
    what was changed since, so that the form can show it and offer to re-apply. `who` are the
    users who saved since (oldest first), `when` the time of the last of those saves, `same_user`
    whether they were all the editor themself (another tab or window), and `notes_added` the
    journal entries with a note written since: together they tell the editor who did what.
    """

    def __init__(
        self,
        *,
        current: Commitment,
        changes: list[tuple[str, Any, Any]],
        base: dict[str, Any],
        who: Iterable[AbstractBaseUser] = (),
        when: datetime.datetime | None = None,
        same_user: bool = False,
        notes_added: Iterable[StatusUpdate] = (),
        user: AbstractBaseUser | None = None,
    ):
        self.current = current
        self.changes = changes
        self.base = base
        self.who = list(who)
        self.when = when
        self.same_user = same_user
        self.notes_added = list(notes_added)
        self.user = user
        super().__init__(self.headline(), code="conflict")

    def who_label(self) -> str:
        """The names of those who saved since; the editor themself as "you, in another tab"."""
        names_ = [
            _("you, in another tab or window")
            if self.user is not None and person.pk == self.user.pk
            else names.user_name(person)
            for person in self.who
        ]
        return get_text_list(names_, _("and"))

    def when_label(self) -> str:
        return _moment(self.when) if self.when else ""

    def headline(self) -> str:
        """What happened, naming who and when when the history tells."""
        if self.same_user and self.when:
            return _(
                "You saved this commitment in another tab or window (%(when)s) after you opened "
                "it here. Nothing of this form was saved: review the changes, then apply yours "
                "again."
            ) % {"when": self.when_label()}
        if self.who and self.when:
            return _(
                "Someone else saved this commitment while you were editing it: %(who)s, "
                "%(when)s. Nothing of yours was saved: review their changes, then apply yours "
                "again."
            ) % {"who": self.who_label(), "when": self.when_label()}
        return _(
            "Someone else saved this commitment while you were editing it. Nothing of yours "
            "was saved: review their changes, then apply yours again."
        )

    def rows(self, *, notes: bool = True) -> list[tuple[str, str, str]]:
        """(field label, value when you loaded it, value now), as people read them; then, with
        `notes`, one ("Note added", "—", "the note — who, when") row per journal note since."""
        rows = []
        for name, before, after in self.changes:
            field = Commitment._meta.get_field(name.removesuffix("_id"))
            if field.choices:
                labels = dict(field.flatchoices)
                before, after = labels.get(before, before), labels.get(after, after)
            elif field.is_relation:
                model = field.related_model
                objects = model.objects.filter(pk__in=[before, after])
                shown = {obj.pk: names.display_name(obj) for obj in objects}
                before, after = shown.get(before), shown.get(after)
            rows.append((str(field.verbose_name), _display(before), _display(after)))
        if notes:
            rows += [(_("Note added"), "—", text) for text in self.note_lines()]
        return rows

    def note_lines(self) -> list[str]:
        """Each note written since the editor loaded the page: “the note” — who, when."""
        return [
            _("“%(note)s” — %(who)s, %(when)s")
            % {
                "note": entry.note,
                "who": names.user_name(entry.author),
                "when": _moment(entry.created_at),
            }
            for entry in self.notes_added
        ]


def _moment(value: datetime.datetime) -> str:
    """A time as the reader's interface writes it, in their time zone."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def check_version(
    *,
    current: Commitment,
    expected_version: int | None,
    base: dict[str, Any] | None,
    user: AbstractBaseUser | None = None,
) -> None:
    """Refuse a save based on a version someone else has replaced, or on no version at all."""
    if expected_version is None:
        # A door that sends no version cannot know what it overwrites: refuse, never pass.
        raise ValidationError(
            _(
                "This form was sent without the version you started from, so it could overwrite "
                "someone else's work. Reload the page and apply your change again."
            ),
            code="version_missing",
        )
    if current.version == expected_version:
        return
    # The change history holds the row as the editor loaded it, and who saved it since.
    loaded = current.history.filter(version=expected_version).order_by("-history_id").first()
    if base is None:
        base = {f: getattr(loaded, f) for f in CONFLICT_FIELDS} if loaded else {}
    changes = [
        (field, base[field], getattr(current, field))
        for field in CONFLICT_FIELDS
        if field in base and base[field] != getattr(current, field)
    ]
    since = list(
        current.history.filter(version__gt=expected_version)
        .select_related("history_user")
        .order_by("history_id")
    )
    who: list[AbstractBaseUser] = []
    for record in since:
        if record.history_user is not None and record.history_user not in who:
            who.append(record.history_user)
    notes_added: list[StatusUpdate] = []
    if loaded is not None:
        # A save's journal entry is stamped just before its history record: entries after the
        # loaded version's record are those written since.
        notes_added = list(
            current.status_updates.filter(created_at__gt=loaded.history_date)
            .exclude(note="")
            .select_related("author")
            .order_by("created_at", "pk")
        )
    raise ConflictError(
        current=current,
        changes=changes,
        base=base,
        who=who,
        when=since[-1].history_date if since else None,
        same_user=bool(who) and user is not None and all(p.pk == user.pk for p in who),
        notes_added=notes_added,
        user=user,
    )
