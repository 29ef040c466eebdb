"""Rebuild fixtures/demo.json: the seed readout, its commitments and the real follow-up meetings.

A maintainer's tool, not part of `make run` (which only loads the fixture). It needs an empty,
migrated database, writes everything through the services so that the journal and the change
history are what the app itself would have written, then dumps the result:

    SQLITE_PATH=/tmp/demo-build.sqlite3 DJANGO_DEBUG=1 python manage.py migrate
    SQLITE_PATH=/tmp/demo-build.sqlite3 DJANGO_DEBUG=1 python manage.py build_demo

The journal's recent weeks are placed before --today (default: today), so the dashboard and the
weekly report have recent activity to show.
"""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker import demo_meetings as data
from tracker import services
from tracker.models import (
    Commitment,
    Country,
    Division,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    Theme,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
SEED_READOUT = (
    Path(settings.BASE_DIR)
    / "fixtures"
    / "readouts"
    / "2022-07-29-japan-us-foreign-ministers-meeting.txt"
)
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
SENTENCE_START = re.compile(r"\.\s+(?=(?:The two ministers|Minister|Secretary)\b)")
ONE_SIDE_START = re.compile(r"\.\s+(?=(?:Minister|Secretary)\b)")

# (code, name, Japanese name): plausible units of a foreign ministry.
DIVISIONS = [
    ("na1", "First North America Division", "北米第一課"),
    ("na2", "Second North America Division", "北米第二課"),
    ("security-treaty", "Japan-U.S. Security Treaty Division", "日米安全保障条約課"),
    ("sofa", "Japan-U.S. Status of Forces Agreement Division", "日米地位協定室"),
    ("russia", "Russian Division", "ロシア課"),
    ("regional-policy", "Regional Policy Division", "地域政策課"),
    ("china", "China and Mongolia Division", "中国・モンゴル第一課"),
    ("northeast-asia-2", "Northeast Asia Division II", "北東アジア第二課"),
    ("economic-partnership", "Economic Partnership Division", "経済連携課"),
]

# username -> (first name, last name, role, division codes, staff, superuser)
USERS = {
    "viewer": ("Demo", "Viewer", "Viewer", [], False, False),
    "editor": ("Haruka", "Tanaka", "Editor", ["na1"], False, False),
    "manager": ("Kenji", "Mori", "Manager", ["na1", "na2"], False, False),
    "admin": ("System", "Administrator", None, [], True, True),
    "clerk": ("Yui", "Kobayashi", "Data entry", [], True, False),
    "sato": ("Kazuki", "Sato", "Editor", ["security-treaty", "sofa"], False, False),
    "suzuki": ("Aya", "Suzuki", "Editor", ["russia", "regional-policy"], False, False),
    "takahashi": ("Makoto", "Takahashi", "Editor", ["northeast-asia-2", "china"], False, False),
    "ito": ("Yuki", "Ito", "Editor", ["na2", "economic-partnership"], False, False),
}
# The log-ins that `load_demo` prints; the other accounts own items but cannot log in.
DEMO_LOGINS = {
    "viewer": "viewer-demo-pass",
    "editor": "editor-demo-pass",
    "manager": "manager-demo-pass",
    "clerk": "clerk-demo-pass",
    "admin": "admin-demo-pass",
}
# How the Japanese interface writes the people of tracker.demo_meetings.PEOPLE (by key); a person
# left out is shown in romaji, family name first.
PEOPLE_JA = {
    "kishida": "岸田 文雄",
    "hayashi": "林 芳正",
    "kamikawa": "上川 陽子",
    "iwaya": "岩屋 毅",
    "hagiuda": "萩生田 光一",
    "nishimura": "西村 康稔",
    "hamada": "浜田 靖一",
    "kihara": "木原 稔",
    "biden": "ジョセフ・バイデン",
    "blinken": "アントニー・ブリンケン",
    "austin": "ロイド・オースティン",
    "raimondo": "ジーナ・レモンド",
    "tai": "キャサリン・タイ",
    "park_jin": "朴 振",
    "yoon": "尹 錫悦",
    "baerbock": "アンナレーナ・ベーアボック",
    "kuleba": "ドミトロ・クレーバ",
}

# One commitment per agreed action of the seed readout (IDs as in the reference list).
COMMITMENTS = [
    {
        "key": "C1",
        "anchor": "The two ministers also confirmed their intention",
        "title": "Follow up the outcomes of President Biden's May 2022 visit to Japan",
        "themes": ["security", "consultation"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "na1",
        "owner": "editor",
        "status": "ongoing",
        "confidence": "green",
        "next_step": "Collect the status of the 2024 Joint Leaders' Statement deliverables.",
        "venue": "Japan-U.S. Summit",
    },
    {
        "key": "C2",
        "anchor": "The two ministers reconfirmed their commitment",
        "title": "Expand security and defense cooperation; strengthen deterrence and response",
        "themes": ["security"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "security-treaty",
        "owner": "sato",
        "status": "ongoing",
        "confidence": "green",
        "next_step": "Prepare the command-and-control working group read-out for the next 2+2.",
        "venue": "Japan-U.S. Security Consultative Committee",
    },
    {
        "key": "C3",
        "anchor": "The two ministers welcomed the recent Japan-U.S. Extended Deterrence Dialogue",
        "title": "Close communication at various levels on extended deterrence",
        "themes": ["extended_deterrence"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "security-treaty",
        "owner": "sato",
        "status": "ongoing",
        "confidence": "green",
        "next_step": "Agenda for the next Extended Deterrence Dialogue round.",
        "venue": "Japan-U.S. Extended Deterrence Dialogue",
    },
    {
        "key": "C4",
        "anchor": "The two ministers also concurred on steady implementation",
        "title": "Steady implementation of the U.S. forces realignment, easing Okinawa's burden",
        "themes": ["realignment", "security"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "sofa",
        "owner": "sato",
        "status": "in_progress",
        "confidence": "amber",
        "target_date": datetime.date(2027, 3, 31),
        "target_date_reason": "Internal milestone: review of the first relocation phases to Guam.",
        "next_step": "Ask the U.S. side for the schedule of the next relocation phase.",
        "venue": "Japan-U.S. Security Consultative Committee",
    },
    {
        "key": "C5",
        "anchor": "(1) The two ministers",
        "title": "Strong sanctions against Russia and support for Ukraine, with the G7",
        "themes": ["russia_ukraine"],
        "parties": ["JP", "US", "G7"],
        "strength": "joint",
        "division": "russia",
        "owner": "suzuki",
        "status": "ongoing",
        "confidence": "green",
        "next_step": "Align the next sanctions package with the G7 presidency's timetable.",
        "venue": "G7 Foreign Ministers' Meeting",
    },
    {
        "key": "C6",
        "anchor": "(2) The two ministers",
        "title": "Coordination among allies on the aggression's impact on the Indo-Pacific",
        "themes": ["indo_pacific", "russia_ukraine"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "regional-policy",
        "owner": "suzuki",
        "status": "in_progress",
        "confidence": "green",
        "target_date_offset": 9,
        "target_date_reason": "Input due for the year-end like-minded partners' consultation.",
        "next_step": "Circulate the draft coordination paper to the partners.",
        "venue": None,
    },
    {
        "key": "C7",
        "anchor": "(3) The two ministers",
        "title": "Work closely together on issues related to China, Taiwan Strait stability",
        "themes": ["china_taiwan"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "china",
        "owner": "takahashi",
        "status": "ongoing",
        "confidence": "amber",
        "next_step": "Update the joint assessment before the next ministers' meeting.",
        "venue": "Japan-U.S. Foreign Ministers' Meeting",
        "stale": True,
    },
    {
        "key": "C8",
        "anchor": "(4) The two ministers",
        "title": "Complete denuclearization of North Korea; Japan-U.S. and Japan-U.S.-ROK work",
        "themes": ["north_korea"],
        "parties": ["JP", "US", "KR"],
        "strength": "joint",
        "division": "northeast-asia-2",
        "owner": "takahashi",
        "status": "in_progress",
        "confidence": "red",
        "next_step": "Trilateral missile-warning data sharing: confirm the next review.",
        "venue": "Japan-U.S.-ROK Foreign Ministers' Meeting",
    },
    {
        "key": "C9",
        "anchor": "Minister Hayashi asked for continued understanding",
        "title": "U.S. understanding and cooperation on the abductions issue",
        "themes": ["abductions", "north_korea"],
        "parties": ["JP", "US"],
        "strength": "request",
        "division": "northeast-asia-2",
        "owner": None,
        "status": "ongoing",
        "confidence": "amber",
        "next_step": "Brief the new U.S. team on the abductions issue.",
        "venue": "Japan-U.S. Summit",
    },
    {
        "key": "C10",
        "anchor": "Minister Hayashi urged the U.S.",
        "title": "Urge the U.S. to return to the TPP early; support for the IPEF",
        "themes": ["economic_order"],
        "parties": ["JP", "US"],
        "strength": "request",
        "division": "economic-partnership",
        "owner": "ito",
        "status": "stalled",
        "confidence": "red",
        "target_date_offset": -57,
        "target_date_reason": "Internal target for a position paper on U.S. engagement.",
        "next_step": "Decide whether to restate the TPP request at the next Economic 2+2.",
        "venue": "Japan-U.S. Economic Policy Consultative Committee",
    },
    {
        "key": "C11",
        "anchor": "The two ministers concurred to exchange their views periodically",
        "title": "Follow-up at the Security and Economic Policy Consultative Committees",
        "themes": ["consultation"],
        "parties": ["JP", "US"],
        "strength": "joint",
        "division": "na1",
        "owner": "editor",
        "status": "completed",
        "confidence": "green",
        "next_step": "",
        "venue": "Japan-U.S. Security Consultative Committee",
    },
]

# (days before --today, commitment key, author, status, confidence, note): the last weeks' journal.
RECENT_JOURNAL = [
    (52, "C2", "sato", "ongoing", "green", "Weekly review: C2 working group met; no issues."),
    (
        50,
        "C8",
        "takahashi",
        "in_progress",
        "amber",
        "Missile-warning data sharing live; talks with the DPRK side show no movement.",
    ),
    (
        45,
        "C10",
        "ito",
        "stalled",
        "red",
        "No sign of a U.S. return to the TPP; IPEF work "
        "continues separately. Stalled until the U.S. position changes.",
    ),
    (
        38,
        "C4",
        "sato",
        "in_progress",
        "amber",
        "Relocation schedule for the next phase not yet received from the U.S. side.",
    ),
    (
        33,
        "C7",
        "takahashi",
        "ongoing",
        "amber",
        "Joint assessment updated after the latest cross-Strait exercises.",
    ),
    (
        26,
        "C5",
        "suzuki",
        "ongoing",
        "green",
        "G7 coordination on the next sanctions package on track.",
    ),
    (
        19,
        "C8",
        "takahashi",
        "in_progress",
        "red",
        "Further ICBM launch; confidence lowered to red pending the trilateral consultation.",
    ),
    (12, "C6", "suzuki", "in_progress", "green", "Draft coordination paper shared internally."),
    (
        8,
        "C1",
        "editor",
        "ongoing",
        "green",
        "Deliverables list reviewed with the Second North America Division.",
    ),
    (6, "C9", "manager", "ongoing", "amber", "Owner left the division; to be reassigned."),
    (4, "C3", "sato", "ongoing", "green", "Dates proposed for the next EDD round."),
    (3, "C4", "sato", "in_progress", "amber", "U.S. side promised the schedule within weeks."),
    (2, "C2", "sato", "ongoing", "green", "Command-and-control read-out drafted."),
]

# Status moves in 2022-2024, tied to the meeting that caused them: (key, meeting key, status,
# confidence, note). The meeting keys are those of tracker.demo_meetings.
HISTORIC_MOVES = [
    (
        "C1",
        "2022-11-13-summit-phnom-penh",
        "in_progress",
        "green",
        "Summit reviewed the May outcomes.",
    ),
    (
        "C1",
        "2024-04-10-summit-washington",
        "ongoing",
        "green",
        "Official visit set new deliverables; treated as a standing commitment from now on.",
    ),
    ("C2", "2023-01-11-scc", "in_progress", "green", "2+2 joint statement issued."),
    (
        "C2",
        "2024-07-28-scc",
        "ongoing",
        "green",
        "Command-and-control upgrade agreed; standing commitment.",
    ),
    ("C3", "2022-11-15-edd", "ongoing", "green", "EDD held in Tokyo; dialogue continues."),
    ("C4", "2023-01-11-scc", "in_progress", "green", "Posture decisions on Okinawa."),
    (
        "C4",
        "2024-12-14-marines-guam-relocation",
        "in_progress",
        "amber",
        "First Marines moved to Guam; pace slower than hoped.",
    ),
    ("C5", "2022-11-03-g7-fmm-muenster", "ongoing", "green", "G7 coordination under way."),
    (
        "C6",
        "2022-11-13-trilateral-summit-phnom-penh",
        "in_progress",
        "green",
        "Phnom Penh Statement adopted.",
    ),
    ("C7", "2022-11-13-summit-phnom-penh", "ongoing", "green", "Coordination on China confirmed."),
    (
        "C8",
        "2023-08-18-trilateral-summit-camp-david",
        "in_progress",
        "amber",
        "Camp David commitments.",
    ),
    ("C9", "2022-11-13-summit-phnom-penh", "ongoing", "green", "Full U.S. support received again."),
    (
        "C10",
        "2022-09-08-ipef-los-angeles",
        "in_progress",
        "amber",
        "IPEF negotiations launched; no U.S. movement on the TPP.",
    ),
    ("C11", "2023-01-11-scc", "in_progress", "green", "Security Consultative Committee held."),
    (
        "C11",
        "2023-11-14-epcc",
        "completed",
        "green",
        "Both follow-up meetings held: "
        "the SCC on 11 January 2023 and the second Economic 2+2 on 14 November 2023.",
    ),
]


class Command(BaseCommand):
    help = "Rebuild fixtures/demo.json from the seed readout and the reference meetings."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--output", type=Path, default=FIXTURE)

    def handle(self, *args, today=None, output=FIXTURE, **options):
        if Meeting.objects.exists() or Commitment.objects.exists():
            raise CommandError("build_demo needs an empty, migrated database.")
        today = today or datetime.date.today()
        with transaction.atomic():
            self.build(today)
        buffer = io.StringIO()
        call_command(
            "dumpdata",
            "auth.user",
            "tracker",
            natural_foreign=True,
            indent=1,
            stdout=buffer,
            exclude=["auth.permission", "contenttypes"],
        )
        output.write_text(buffer.getvalue(), encoding="utf-8")
        self.stdout.write(
            f"Wrote {output.name}: {Meeting.objects.count()} meetings, "
            f"{Commitment.objects.count()} commitments."
        )

    def build(self, today: datetime.date) -> None:
        users = self.build_users()
        clerk = users["clerk"]
        for code, name, name_ja, is_group in data.COUNTRIES:
            Country.objects.create(code=code, name=name, name_ja=name_ja, is_group=is_group)
        for code, name, name_ja in data.THEMES:
            Theme.objects.create(code=code, name=name, name_ja=name_ja)
        divisions = {}
        for code, name, name_ja in DIVISIONS:
            divisions[code] = Division.objects.create(code=code, name=name, name_ja=name_ja)
        for username, (_, _, _, division_codes, _, _) in USERS.items():
            for code in division_codes:
                divisions[code].members.add(users[username])
        series = {
            name: MeetingSeries.objects.create(name=name, kind=kind) for name, kind in data.SERIES
        }
        countries = {c.code: c for c in Country.objects.all()}
        people = {
            key: Person.objects.create(
                family_name=family,
                given_name=given,
                country=countries[country],
                family_name_first=family_first,
                name_ja=PEOPLE_JA.get(key, ""),
            )
            for key, (family, given, country, family_first) in data.PEOPLE.items()
        }
        meetings = {}
        for spec in data.MEETINGS:
            zone = zoneinfo.ZoneInfo(spec["time_zone"])
            meeting = Meeting(
                title=spec["title"],
                kind=spec["kind"],
                series=series.get(spec["series"]) if spec["series"] else None,
                starts_at=datetime.datetime.fromisoformat(spec["start"]).replace(tzinfo=zone),
                time_zone=spec["time_zone"],
                start_time_known=spec["start_time_known"],
                duration_minutes=spec["duration_minutes"],
                end_date=spec["end_date"] and datetime.date.fromisoformat(spec["end_date"]),
                place=spec["place"],
                format=spec["format"],
                summary=spec["summary"],
                source_url=spec["source_url"],
                notes=spec["notes"],
            )
            if spec["key"] == "seed":
                meeting.readout_text = SEED_READOUT.read_text(encoding="utf-8")
            meeting._history_user = clerk
            meeting.full_clean()
            meeting.save()
            for order, (person, title, side) in enumerate(spec["participants"]):
                Participation.objects.create(
                    meeting=meeting,
                    person=people[person],
                    title=title,
                    side=countries[side],
                    order=order,
                )
            meetings[spec["key"]] = meeting

        seed = meetings["seed"]
        recorded = seed.starts_at + datetime.timedelta(days=1)
        commitments = {}
        for spec in COMMITMENTS:
            quote, position = self.quote_for(seed.readout_text, spec["anchor"])
            target = spec.get("target_date")
            if "target_date_offset" in spec:
                target = today + datetime.timedelta(days=spec["target_date_offset"])
            commitments[spec["key"]] = services.commitment_create(
                user=clerk,
                origin_meeting=seed,
                title=spec["title"],
                quote=quote,
                quote_position=position,
                themes=Theme.objects.filter(code__in=spec["themes"]),
                parties=Country.objects.filter(code__in=spec["parties"]),
                strength=spec["strength"],
                lead_division=divisions[spec["division"]],
                owner=users[spec["owner"]] if spec["owner"] else None,
                follow_up_venue=series[spec["venue"]] if spec["venue"] else None,
                target_date=target,
                target_date_reason=spec.get("target_date_reason", ""),
                next_step=spec["next_step"],
                created_at=recorded,
                note="Recorded from the readout of the Japan-U.S. Foreign Ministers' Meeting.",
            )

        for spec in data.MEETINGS:
            for key, outcome, note in spec["follow_ups"]:
                meeting = meetings[spec["key"]]
                services.followup_record(
                    commitment=commitments[key],
                    meeting=meeting,
                    user=clerk,
                    outcome=outcome,
                    note=note,
                    recorded_at=meeting.starts_at + datetime.timedelta(days=2),
                )
        for key, meeting_key, status, confidence, note in HISTORIC_MOVES:
            commitment = commitments[key]
            owner = commitment.owner or clerk
            services.commitment_set_status(
                commitment=commitment,
                expected_version=commitment.version,
                user=owner,
                status=status,
                confidence=confidence,
                note=note,
                at=meetings[meeting_key].starts_at + datetime.timedelta(days=3),
            )
        for days, key, username, status, confidence, note in RECENT_JOURNAL:
            at = datetime.datetime.combine(
                today - datetime.timedelta(days=days), datetime.time(10, 30), tzinfo=TOKYO
            )
            services.commitment_set_status(
                commitment=commitments[key],
                expected_version=commitments[key].version,
                user=users[username],
                status=status,
                confidence=confidence,
                note=note,
                at=at,
            )
        # Some items must end the build in the state the story gives them.
        for spec in COMMITMENTS:
            commitment = commitments[spec["key"]]
            commitment.refresh_from_db()
            if (commitment.status, commitment.confidence) != (spec["status"], spec["confidence"]):
                raise CommandError(
                    f"{spec['key']} ends as {commitment.status}/{commitment.confidence}, "
                    f"expected {spec['status']}/{spec['confidence']}: fix the journal."
                )

    def build_users(self) -> dict:
        user_model = get_user_model()
        users = {}
        for username, (first, last, role, _, staff, superuser) in USERS.items():
            user = user_model(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                is_staff=staff,
                is_superuser=superuser,
            )
            # Passwords are set by load_demo; the fixture carries none.
            user.set_unusable_password()
            user.save()
            if role:
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    @staticmethod
    def quote_for(text: str, anchor: str) -> tuple[str, int]:
        """The sentence of the readout that starts at the anchor (a whole numbered item)."""
        start = text.index(anchor)
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        # A sentence ends where the next one begins with its subject (a bare ". " would also cut
        # at "U.S. "); a numbered item is kept whole up to a request made by one side.
        pattern = ONE_SIDE_START if anchor.startswith("(") else SENTENCE_START
        if boundary := pattern.search(text, start + len(anchor), end):
            end = boundary.start() + 1
        return text[start:end].strip(), start
