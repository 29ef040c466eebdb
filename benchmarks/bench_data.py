"""The web benchmark's data set: 10,000 commitments and 100,000 journal entries, built once.

Run by bench_web.py with the benchmark's settings in the environment; it migrates, collects the
static files, builds the data set unless the database already holds it, and prints one JSON line
with what the benchmark needs (the log-in, the two commitments with long and short journals, the
search phrase). Bulk inserts write the rows at once: this is generated test data, not the app's
writes, which go through tracker/services/. The rows are what the services would have left: a
journal entry and a history record for every status update, the current status on the row.
"""

from __future__ import annotations

import datetime
import json
import os
import random

COMMITMENTS = 10_000
JOURNAL_ENTRIES = 100_000
# The first two commitments (lowest ids) carry these many journal entries, creation included.
LONG_JOURNAL, SHORT_JOURNAL = 1_000, 24
MANAGER, MANAGER_PASSWORD = "bench-manager", "bench-manager-password-48"
SEARCH_PHRASE = "working-level consultations"

# Phrases that officers write again and again, weighted by how often; the search phrase is in
# about one note in five, so searching for it matches thousands of rows.
NOTE_PHRASES = {
    "Working-level consultations continued.": 8,
    "Progress reported at working level.": 8,
    "No change since the last report.": 6,
    "Awaiting the other side's response.": 5,
    "Briefed the minister ahead of the next meeting.": 4,
    "Draft text shared with the counterpart.": 3,
    "Interagency coordination meeting held.": 3,
    "Follow-up call with the embassy.": 3,
    "Budget request submitted for the next fiscal year.": 2,
    "Raised at the vice-ministerial dialogue.": 2,
    "Experts' meeting scheduled.": 2,
    "Legal review under way.": 2,
    "Implementation plan circulated to the divisions.": 1,
    "Joint statement language agreed.": 1,
}
TOPICS = [
    "supply chain resilience", "critical minerals", "maritime security", "cyber defence",
    "clean energy transition", "semiconductor research", "pandemic preparedness",
    "export controls", "space cooperation", "disaster relief", "people-to-people exchange",
    "digital trade rules", "food security", "nuclear non-proliferation", "quality infrastructure",
]  # fmt: skip
VERBS = [
    "Strengthen cooperation on", "Launch a dialogue on", "Deepen coordination on",
    "Conclude an agreement on", "Hold regular consultations on", "Expand support for",
]  # fmt: skip
COUNTRIES = ["US", "GB", "FR", "DE", "IT", "CA", "AU", "IN", "KR", "ID", "PH", "VN", "SG", "TH",
             "MY", "BR", "MX", "ZA", "NZ", "EU", "G7", "G20", "ASEAN"]  # fmt: skip
# Where a status goes next, weighted; the journal also holds notes that leave the status alone.
MOVES = {"in_progress": 6, "ongoing": 2, "stalled": 1, "completed": 0.8, "superseded": 0.1,
         "dropped": 0.2}  # fmt: skip
CONFIDENCE = {"green": 6, "amber": 3, "red": 1}


def main() -> None:
    import django

    _ensure_postgres_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)
    from tracker.models import Commitment

    if Commitment.objects.count() < COMMITMENTS:
        if Commitment.objects.exists():
            raise SystemExit("The database holds part of a data set: drop it and run again.")
        build(random.Random(48))
    # The planner's statistics and PostgreSQL's visibility map, as a live database has them
    # (autovacuum gathers both on PostgreSQL; on SQLite the nightly `query-statistics` job runs
    # `ANALYZE`): after a bulk load they are missing, the plans chosen without them are not the
    # ones a deployment runs, and every index-only scan would also read the table.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        elif os.environ.get("BENCH_NO_STATISTICS"):
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")  # `bench_web.py --no-statistics`
        else:
            cursor.execute("ANALYZE")
    long_pk, short_pk = Commitment.objects.order_by("pk").values_list("pk", flat=True)[:2]
    facts = {
        "username": MANAGER,
        "password": MANAGER_PASSWORD,
        "detail_1000": long_pk,
        "detail_24": short_pk,
        "search": SEARCH_PHRASE,
    }
    print(json.dumps(facts))


def _ensure_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = {k: config[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if config.get(k)}
    with psycopg.connect(
        host=server.get("HOST"),
        port=server.get("PORT"),
        user=server.get("USER"),
        password=server.get("PASSWORD"),
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{config["NAME"]}"')


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build(rng: random.Random) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from tracker.models import Country, Division, Meeting, MeetingKind, MeetingSeries, Theme
    from tracker.permissions import Role
    from tracker.services.roles import roles_sync

    now = timezone.now()
    user_model = get_user_model()
    roles_sync()
    divisions = Division.objects.bulk_create(
        Division(code=f"division-{i}", name=f"Division {i} ({topic})")
        for i, topic in enumerate(TOPICS[:14])
    )
    themes = Theme.objects.bulk_create(
        Theme(code=f"theme-{i}", name=topic.capitalize()) for i, topic in enumerate(TOPICS)
    )
    countries = Country.objects.bulk_create(
        Country(code=code, name=f"Country {code}", is_group=len(code) > 2) for code in COUNTRIES
    )
    unusable = make_password(None)
    officers = user_model.objects.bulk_create(
        user_model(
            username=f"officer{i}", first_name="Officer", last_name=str(i), password=unusable
        )
        for i in range(140)
    )
    manager = user_model.objects.create_user(
        MANAGER, password=MANAGER_PASSWORD, first_name="Bench", last_name="Manager"
    )
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    members = {d.pk: officers[i * 10 : i * 10 + 10] for i, d in enumerate(divisions)}
    Division.members.through.objects.bulk_create(
        Division.members.through(division_id=d, user_id=u.pk)
        for d, users in members.items()
        for u in users
    )
    series = MeetingSeries.objects.bulk_create(
        MeetingSeries(name=f"{topic.capitalize()} dialogue", kind=MeetingKind.DIALOGUE)
        for topic in TOPICS
    )
    span = datetime.timedelta(days=3 * 365)
    kinds = list(MeetingKind)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting {i}: {rng.choice(TOPICS)}",
            kind=rng.choice(kinds),
            series=rng.choice(series) if rng.random() < 0.7 else None,
            starts_at=now - span + datetime.timedelta(days=i * 1.8),
            place=rng.choice(["Tokyo", "Washington, D.C.", "Brussels", "New Delhi", "Canberra"]),
        )
        for i in range(600)
    )
    # A few summits bring many commitments, most meetings a handful.
    meeting_weights = [rng.paretovariate(1.2) for _ in meetings]
    _build_commitments(rng, now, divisions, members, themes, countries, meetings, meeting_weights)


def _build_commitments(rng, now, divisions, members, themes, countries, meetings, weights):
    from tracker.models import Commitment, FollowUp, FollowUpOutcome, StatusUpdate

    extra = JOURNAL_ENTRIES - LONG_JOURNAL - SHORT_JOURNAL - (COMMITMENTS - 2)
    activity = [rng.lognormvariate(0, 0.8) for _ in range(COMMITMENTS - 2)]
    counts = [LONG_JOURNAL, SHORT_JOURNAL] + [1] * (COMMITMENTS - 2)
    for index in rng.choices(range(COMMITMENTS - 2), weights=activity, k=extra):
        counts[index + 2] += 1
    field_names = {f.name for f in Commitment._meta.concrete_fields}
    commitments, walks = [], []
    for i, entries in enumerate(counts):
        meeting = meetings[0] if i < 2 else rng.choices(meetings, weights=weights)[0]
        division = rng.choice(divisions)
        owners = members[division.pk]
        commitment = Commitment(
            origin_meeting=meeting,
            title=f"{rng.choice(VERBS)} {rng.choice(TOPICS)} ({i})",
            quote="The two sides concurred to strengthen cooperation in this field.",
            lead_division=division if rng.random() < 0.95 else None,
            owner=owners[min(int(rng.expovariate(0.4)), 9)] if rng.random() < 0.93 else None,
            target_date=(meeting.starts_at + datetime.timedelta(days=rng.randint(90, 1100))).date(),
            next_step="Prepare talking points for the next consultation.",
            created_at=meeting.starts_at,
        )
        walks.append(_walk(rng, commitment, entries, now, owners))
        if "last_update_at" in field_names:
            # Kept on the row by the journal's service where the schema has it.
            commitment.last_update_at = walks[-1][-1][0]
        commitments.append(commitment)
    Commitment.objects.bulk_create(commitments, batch_size=2000)
    history_model = Commitment.history.model
    copied = [
        f.attname
        for f in history_model._meta.concrete_fields
        if not f.attname.startswith("history_") and hasattr(Commitment, f.attname)
    ]
    journal, history = [], []
    for commitment, walk in zip(commitments, walks, strict=True):
        snapshot = {name: getattr(commitment, name) for name in copied}
        previous = ("", "")
        for at, status, confidence, note, author in walk:
            journal.append(
                StatusUpdate(
                    commitment=commitment,
                    author=author,
                    created_at=at,
                    status_from=previous[0],
                    status_to=status,
                    confidence_from=previous[1],
                    confidence_to=confidence,
                    note=note,
                )
            )
            history.append(
                history_model(
                    **snapshot | {"status": status, "confidence": confidence, "updated_at": at},
                    history_date=at,
                    history_type="~" if previous[0] else "+",
                    history_user_id=author.pk,
                )
            )
            previous = (status, confidence)
    StatusUpdate.objects.bulk_create(journal, batch_size=5000)
    history_model.objects.bulk_create(history, batch_size=5000)
    for through, column, choices in (
        (Commitment.themes.through, "theme_id", themes),
        (Commitment.parties.through, "country_id", countries),
    ):
        through.objects.bulk_create(
            (
                through(commitment_id=c.pk, **{column: item.pk})
                for c in commitments
                for item in _some(rng, choices)
            ),
            batch_size=5000,
        )
    later = [(c, m) for c in rng.sample(commitments, 3000) for m in [rng.choice(meetings)]]
    FollowUp.objects.bulk_create(
        FollowUp(commitment=c, meeting=m, outcome=rng.choice(list(FollowUpOutcome)),
                 recorded_at=m.starts_at)
        for c, m in later
        if m.starts_at > c.created_at
    )  # fmt: skip
    from tracker import services

    if hasattr(services, "search_documents_rebuild"):
        # The list's search reads each commitment's search document, which the services keep
        # and bulk inserts bypass: built here from the rows, where the schema has them.
        services.search_documents_rebuild()


def _some(rng: random.Random, items: list) -> list:
    return rng.sample(items, 1 if rng.random() < 0.75 else 2)


def _walk(rng, commitment, entries, now, owners) -> list[tuple]:
    """The commitment's journal: created, then entries - 1 updates at random times until now."""
    start = commitment.created_at.timestamp()
    times = sorted(rng.uniform(start, now.timestamp()) for _ in range(entries - 1))
    status, confidence = "not_started", "green"
    walk = [(commitment.created_at, status, confidence, "Recorded.", rng.choice(owners))]
    for stamp in times:
        if status in ("completed", "superseded", "dropped"):
            status = "in_progress" if rng.random() < 0.1 else status
        elif rng.random() < 0.5:
            status = _weighted(rng, {k: v for k, v in MOVES.items() if k != status})
        if rng.random() < 0.3:
            confidence = _weighted(rng, CONFIDENCE)
        phrases = rng.choices(list(NOTE_PHRASES), weights=list(NOTE_PHRASES.values()), k=2)
        note = " ".join(dict.fromkeys(phrases[: rng.randint(1, 2)]))
        at = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
        walk.append((at, status, confidence, note, rng.choice(owners)))
    commitment.status, commitment.confidence = status, confidence
    return walk


if __name__ == "__main__":
    main()
