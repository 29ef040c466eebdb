"""Benchmark the weekly digest: build users in divisions over many commitments, then send every
user's digest (locmem mail) and print the time and the queries per digest.

    python benchmarks/bench_digest.py                # 1,000 users, 10,000 commitments
    python benchmarks/bench_digest.py --users 200 --commitments 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python benchmarks/bench_digest.py

SQLite: a fresh database file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates
a throw-away test database next to the named one and drops it afterwards, so real data is never
touched. The digests are sent twice over: first for a tenth of the users, then for the rest, so
that the queries per digest can be compared across two numbers of users; then once more for
everyone, as a retried job would, which must send nothing.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
import zoneinfo

from throwaway_database import throwaway_database

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--divisions", type=int, default=50)
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=60_000, help="journal entries in all")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    with throwaway_database("bench-digest-") as connection:
        from django.conf import settings

        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        run(args, connection)


def run(args, connection) -> None:
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from tracker.services.digests import weekly_digests_send

    setup_test_environment()  # the locmem outbox
    today = datetime.datetime.now(TOKYO).date()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    now = datetime.datetime.combine(monday, datetime.time(8), tzinfo=TOKYO)
    print(f"{connection.vendor}, digests of {monday} 08:00 Tokyo, building data …", flush=True)
    started = time.perf_counter()
    counts = build_data(args, monday=monday, user_model=get_user_model())
    print(f"built {counts} in {time.perf_counter() - started:.1f} s", flush=True)

    users = list(get_user_model().objects.order_by("pk"))
    tenth = max(1, len(users) // 10)
    rows = []
    for name, group in (
        ("first tenth", users[:tenth]),
        ("the rest", users[tenth:]),
        ("retry", None),
    ):
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            sent = weekly_digests_send(now=now, users=group)
            elapsed = time.perf_counter() - started
        size = sum(len(m.body) + len(m.alternatives[0][0]) for m in mail.outbox)
        rows.append((name, len(group) if group else len(users), sent, elapsed, len(queries), size))

    print(
        f"\n{'run':<12}{'users':>7}{'sent':>7}{'seconds':>9}{'ms/digest':>11}"
        f"{'queries':>9}{'q/digest':>10}{'KB/digest':>11}"
    )
    for name, n_users, sent, elapsed, n_queries, size in rows:
        if not sent:  # the retry: nothing to divide by
            print(f"{name:<12}{n_users:>7}{sent:>7}{elapsed:>9.2f}{'—':>11}{n_queries:>9}")
            continue
        print(
            f"{name:<12}{n_users:>7}{sent:>7}{elapsed:>9.2f}{1000 * elapsed / sent:>11.1f}"
            f"{n_queries:>9}{n_queries / sent:>10.2f}{size / 1024 / sent:>11.1f}"
        )
    assert rows[-1][2] == 0, "a retried run sent digests again"


def build_data(args, *, monday, user_model) -> str:
    from tracker.models import (
        Commitment,
        Confidence,
        Division,
        MailLanguage,
        Meeting,
        MeetingKind,
        Status,
        StatusUpdate,
    )

    rng = random.Random(args.seed)
    monday_start = datetime.datetime.combine(monday, datetime.time(), tzinfo=TOKYO)
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"officer{i}",
                first_name="Officer",
                last_name=str(i),
                email=f"officer{i}@example.org",
            )
            for i in range(args.users)
        ],
        batch_size=1000,
    )
    divisions = Division.objects.bulk_create(
        [Division(code=f"div-{i}", name=f"Division {i}") for i in range(args.divisions)]
    )
    # Each officer in one division, some in two.
    members = [
        Division.members.through(division_id=divisions[i % len(divisions)].pk, user_id=user.pk)
        for i, user in enumerate(users)
    ] + [
        Division.members.through(division_id=rng.choice(divisions).pk, user_id=user.pk)
        for user in rng.sample(users, len(users) // 10)
    ]
    Division.members.through.objects.bulk_create(members, ignore_conflicts=True, batch_size=2000)
    MailLanguage.objects.bulk_create(
        [MailLanguage(user=user, language="ja") for user in users if rng.random() < 0.3]
    )
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"Ministerial meeting {i}",
                kind=MeetingKind.FOREIGN_MINISTERS,
                starts_at=monday_start - datetime.timedelta(days=3 * i + 10),
                place="Tokyo",
            )
            for i in range(200)
        ]
    )
    open_statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING, Status.STALLED]
    commitments = []
    for i in range(args.commitments):
        created = monday_start - datetime.timedelta(days=rng.uniform(7, 700))
        commitments.append(
            Commitment(
                origin_meeting=rng.choice(meetings),
                title=f"Agreed action {i}: strengthen cooperation on item {rng.randint(1, 999)}",
                quote="The two ministers concurred to strengthen cooperation.",
                lead_division=rng.choice(divisions),
                owner=rng.choice(users) if rng.random() > 0.05 else None,
                status=rng.choice([*open_statuses, Status.COMPLETED]),
                confidence=rng.choices(list(Confidence), weights=[6, 3, 1])[0],
                target_date=monday + datetime.timedelta(days=rng.randint(-60, 400)),
                created_at=created,
                last_update_at=monday_start - datetime.timedelta(days=rng.uniform(0, 60)),
            )
        )
    Commitment.objects.bulk_create(commitments, batch_size=2000)
    journal = [
        StatusUpdate(
            commitment=c,
            author=rng.choice(users),
            created_at=c.created_at,
            status_to=Status.NOT_STARTED,
            confidence_to=Confidence.GREEN,
            note="Recorded.",
        )
        for c in commitments
    ]
    # The rest of the journal over the last ten weeks, a tenth of it in the week reported.
    for _ in range(max(0, args.updates - len(commitments))):
        journal.append(
            StatusUpdate(
                commitment=rng.choice(commitments),
                author=rng.choice(users),
                created_at=monday_start - datetime.timedelta(days=rng.uniform(0, 70)),
                status_from=Status.NOT_STARTED,
                status_to=rng.choice(open_statuses),
                confidence_from=Confidence.GREEN,
                confidence_to=rng.choice(list(Confidence)),
                note="Progress reported at working level <b>as agreed</b>.",
            )
        )
    StatusUpdate.objects.bulk_create(journal, batch_size=5000)
    return (
        f"{len(users)} users in {len(divisions)} divisions, {len(commitments)} commitments, "
        f"{len(journal)} journal entries"
    )


if __name__ == "__main__":
    main()
