"""The demo: the facts of fixtures/demo/*.toml written through the services, dated from today.

Historical meetings keep their real dates; the journal's recent weeks and the deadlines that must
stay near "now" are stored relative to the day of loading, so that the dashboard and the weekly
report always have recent work to show. Everything is written by the same services the app uses,
so the journal and the change history are what the app itself would have written.
"""

from __future__ import annotations

import datetime
import tomllib
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import services
from .models import (
    JAPAN_TIME_ZONE,
    Commitment,
    Country,
    Division,
    Meeting,
    MeetingSeries,
    Person,
    Theme,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_DIR = FIXTURES / "demo"
READOUTS_DIR = FIXTURES / "readouts"
# The meeting fields meetings.toml gives as they are; the others it names by key or by file.
MEETING_DATA_FIELDS = tuple(
    name for name in services.MEETING_FIELDS if name not in {"series", "starts_at", "readout_text"}
)


class DemoDataError(ValueError):
    """The data files contradict themselves or the readout (a quote that does not stand there
    exactly once, a journal that does not end where the commitment says)."""


def read_demo() -> dict[str, dict[str, Any]]:
    """The four data files by name: reference, users, meetings, commitments."""
    names = ("reference", "users", "meetings", "commitments")
    return {name: tomllib.loads((DEMO_DIR / f"{name}.toml").read_text("utf-8")) for name in names}


def is_loaded() -> bool:
    """Whether the database already holds meetings or commitments (the demo's or anyone's)."""
    return Meeting.objects.exists() or Commitment.objects.exists()


def users_sync(accounts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The demo accounts, created when missing, with their role and their log-in password.

    Role groups come from `services.roles_sync`; the accounts are Django's auth users, written
    through its user manager. Run again, it resets the demo passwords and adds nothing.
    """
    services.roles_sync()
    user_model = get_user_model()
    users = {}
    for username, spec in accounts.items():
        user = user_model.objects.filter(username=username).first()
        if user is None:
            # No password unless the account is a demo log-in: the others cannot log in.
            user = user_model.objects.create_user(
                username=username,
                email=f"{username}@example.org",
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                is_staff=spec.get("is_staff", False),
                is_superuser=spec.get("is_superuser", False),
            )
        if "password" in spec:
            user.set_password(spec["password"])
            user.save(update_fields=["password"])
        if "role" in spec:
            user.groups.add(Group.objects.get(name=spec["role"]))
        users[username] = user
    return users


class DemoBuilder:
    """Writes the demo into an empty database; `build()` is the one entry point."""

    def __init__(self, demo: Mapping[str, Any], users: Mapping[str, Any], today: datetime.date):
        self.demo = demo
        self.users = users
        self.today = today
        self.recording = demo["commitments"]["recording"]
        self.clerk = users[self.recording["clerk"]]
        self.countries: dict[str, Country] = {}
        self.themes: dict[str, Theme] = {}
        self.series: dict[str, MeetingSeries] = {}
        self.divisions: dict[str, Division] = {}
        self.people: dict[str, Person] = {}
        self.meetings: dict[str, Meeting] = {}
        self.commitments: dict[str, Commitment] = {}

    @transaction.atomic
    def build(self) -> None:
        self.build_reference()
        self.build_people()
        for spec in self.demo["meetings"]["meetings"]:
            self.build_meeting(spec)
        for spec in self.demo["commitments"]["commitments"]:
            self.build_commitment(spec)
        for spec in self.demo["meetings"]["meetings"]:
            self.build_follow_ups(spec)
        for spec in self.demo["commitments"]["commitments"]:
            self.build_journal(spec)

    def reference(self, model: type, rows, key: str) -> dict[str, Any]:
        return {
            row[key]: services.reference_create(model=model, user=self.clerk, data=row)
            for row in rows
        }

    def build_reference(self) -> None:
        reference = self.demo["reference"]
        self.countries = self.reference(Country, reference["countries"], "code")
        self.themes = self.reference(Theme, reference["themes"], "code")
        self.series = self.reference(MeetingSeries, reference["series"], "name")
        members: dict[str, list] = {}
        for username, spec in self.demo["users"].items():
            for code in spec.get("divisions", ()):
                members.setdefault(code, []).append(self.users[username])
        rows = [{**row, "members": members.get(row["code"], [])} for row in reference["divisions"]]
        self.divisions = self.reference(Division, rows, "code")

    def build_people(self) -> None:
        for key, spec in self.demo["reference"]["people"].items():
            data = {**spec, "country": self.countries[spec["country"]]}
            self.people[key] = services.person_create(user=self.clerk, data=data)

    def build_meeting(self, spec: Mapping[str, Any]) -> None:
        data = {name: spec[name] for name in MEETING_DATA_FIELDS if name in spec}
        data["starts_at"] = spec["start"].replace(tzinfo=zoneinfo.ZoneInfo(spec["time_zone"]))
        data["series"] = self.series[spec["series"]] if "series" in spec else None
        if "readout" in spec:
            data["readout_text"] = (READOUTS_DIR / spec["readout"]).read_text("utf-8")
        meeting = services.meeting_create(user=self.clerk, data=data)
        for order, participant in enumerate(spec.get("participants", ())):
            services.participation_add(
                meeting=meeting,
                user=self.clerk,
                data={
                    "person": self.people[participant["person"]],
                    "title": participant["title"],
                    "side": self.countries[participant["side"]],
                    "order": order,
                },
            )
        self.meetings[spec["key"]] = meeting

    def build_commitment(self, spec: Mapping[str, Any]) -> None:
        seed = self.meetings["seed"]
        positions = services.quote_positions(readout=seed.readout_text, quote=spec["quote"])
        if len(positions) != 1:
            raise DemoDataError(f"{spec['key']}: the quote stands {len(positions)} times.")
        target = spec.get("target_date")
        if "target_in_days" in spec:
            target = self.today + datetime.timedelta(days=spec["target_in_days"])
        days = self.recording["commitments_days_after_seed"]
        self.commitments[spec["key"]] = services.commitment_create(
            user=self.clerk,
            origin_meeting=seed,
            title=spec["title"],
            quote=spec["quote"],
            quote_position=positions[0],
            themes=[self.themes[code] for code in spec["themes"]],
            parties=[self.countries[code] for code in spec["parties"]],
            strength=spec["strength"],
            lead_division=self.divisions[spec["division"]],
            owner=self.users[spec["owner"]] if "owner" in spec else None,
            follow_up_venue=self.series[spec["venue"]] if "venue" in spec else None,
            target_date=target,
            target_date_reason=spec.get("target_date_reason", ""),
            next_step=spec.get("next_step", ""),
            created_at=seed.starts_at + datetime.timedelta(days=days),
            note=self.recording["commitment_note"],
        )

    def build_follow_ups(self, spec: Mapping[str, Any]) -> None:
        meeting = self.meetings[spec["key"]]
        days = self.recording["follow_ups_days_after_meeting"]
        for follow_up in spec.get("follow_ups", ()):
            services.followup_record(
                commitment=self.commitments[follow_up["commitment"]],
                meeting=meeting,
                user=self.clerk,
                outcome=follow_up["outcome"],
                note=follow_up["note"],
                recorded_at=meeting.starts_at + datetime.timedelta(days=days),
            )

    def entry_time(self, entry: Mapping[str, Any]) -> datetime.datetime:
        """A journal entry's time: days after the meeting it followed, or days before today."""
        if "meeting" in entry:
            days = self.recording["moves_days_after_meeting"]
            return self.meetings[entry["meeting"]].starts_at + datetime.timedelta(days=days)
        day = self.today - datetime.timedelta(days=entry["days_ago"])
        at = self.recording["recent_entries_at"]
        return datetime.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(JAPAN_TIME_ZONE))

    def build_journal(self, spec: Mapping[str, Any]) -> None:
        commitment = self.commitments[spec["key"]]
        for entry in spec.get("journal", ()):
            services.commitment_set_status(
                commitment=commitment,
                expected_version=commitment.version,
                user=self.users[entry["author"]],
                status=entry["status"],
                confidence=entry["confidence"],
                note=entry["note"],
                at=self.entry_time(entry),
            )
        ends = (commitment.status, commitment.confidence)
        if ends != (spec["status"], spec["confidence"]):
            raise DemoDataError(
                f"{spec['key']} ends as {ends[0]}/{ends[1]}, expected "
                f"{spec['status']}/{spec['confidence']}: fix its journal."
            )


def load(today: datetime.date | None = None) -> tuple[dict[str, Any], bool]:
    """Put the demo accounts in place and, on a database without meetings or commitments, the
    demo data. Returns the accounts' specs and whether the data was written."""
    demo = read_demo()
    with transaction.atomic():
        users = users_sync(demo["users"])
        if is_loaded():
            return demo["users"], False
        DemoBuilder(demo, users, today or timezone.localdate()).build()
    return demo["users"], True
