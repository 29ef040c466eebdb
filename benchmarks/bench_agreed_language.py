"""Benchmark the agreed-language search: 10,000 commitments with quotes and 2,000 readouts, then
each phrase searched through the page (the test client, rendering included) and as the bare
query, printing the median and slowest time per query.

    python benchmarks/bench_agreed_language.py
    python benchmarks/bench_agreed_language.py --commitments 2000 --readouts 400 --repeat 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker \
        python benchmarks/bench_agreed_language.py

SQLite: a fresh database file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates
a throw-away test database next to the named one and drops it afterwards, so real data is never
touched. The rows are inserted in bulk (generated test data, not the app's writes) and the
sentence table is then filled by `services.agreed_sentences_rebuild`, as after such an import.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time

from readout_words import JA_SENTENCES, TOKYO, ja_sentence, sentence
from throwaway_database import throwaway_database

GOAL_MS = 100
# Two more sentences that readouts restate again and again.
AGREED_JA_SENTENCES = [
    *JA_SENTENCES,
    "両大臣は、経済版「２＋２」の枠組みで議論を継続することで一致した。",
    "両大臣は、自由で開かれたインド太平洋の実現に向けて協力していくことを確認した。",
]
# (label, phrase): rare, medium and common phrases, English and Japanese, one and two characters.
PHRASES = [
    ("rare, English", "accelerate progress on critical minerals"),
    ("medium, English", "strengthen cooperation on maritime security"),
    ("common, English", "the two ministers"),
    ("short, English", "on"),
    ("Japanese", "北朝鮮の完全な非核化"),
    ("Japanese, 2 chars", "制裁"),
    ("full-width", "2+2"),
    ("no match", "nothing like this phrase"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--readouts", type=int, default=2_000)
    parser.add_argument("--sentences", type=int, default=30, help="sentences per readout")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each phrase")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    with throwaway_database("bench-language-") as connection:
        run(args, connection)


def run(args, connection) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from tracker import services
    from tracker.models import AgreedSentence, agreed_fold

    setup_test_environment()
    print(f"{connection.vendor}: building data …", flush=True)
    started = time.perf_counter()
    build_data(args)
    sentences = services.agreed_sentences_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tracker_agreedsentence")
    print(
        f"built {args.readouts:,} readouts and {args.commitments:,} commitments, "
        f"{sentences:,} sentences and quotes, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    user = get_user_model().objects.create_user("bench-reader", password="x")  # noqa: S106
    client = Client()
    client.force_login(user)
    url = reverse("agreed-language")
    header = (
        f"\n{'phrase':<20}{'matches':>9}{'page ms':>10}{'max':>8}{'query ms':>10}{'max':>8}"
        f"{'queries':>9}"
    )
    print(header)
    worst = 0.0
    for label, phrase in PHRASES:
        folded = agreed_fold(phrase)
        query = AgreedSentence.objects.containing(folded).for_display().oldest_first()
        matches = AgreedSentence.objects.containing(folded).count()
        page_times, query_times = [], []
        client.get(url, {"q": phrase}, headers={"HX-Request": "true"})  # warm the caches
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = client.get(url, {"q": phrase}, headers={"HX-Request": "true"})
                page_times.append(1000 * (time.perf_counter() - begin))
            assert response.status_code == 200, response.status_code
            begin = time.perf_counter()
            list(query[:301])
            query_times.append(1000 * (time.perf_counter() - begin))
        worst = max(worst, statistics.median(page_times))
        print(
            f"{label:<20}{matches:>9,}{statistics.median(page_times):>10.1f}"
            f"{max(page_times):>8.1f}{statistics.median(query_times):>10.1f}"
            f"{max(query_times):>8.1f}{len(queries):>9}"
        )
    verdict = "within" if worst < GOAL_MS else "OVER"
    print(f"\nslowest median page: {worst:.1f} ms, {verdict} the {GOAL_MS} ms goal")


def build_data(args) -> None:
    from tracker.models import Commitment, Meeting, MeetingKind

    rng = random.Random(args.seed)
    start = datetime.datetime(2014, 1, 6, 10, tzinfo=TOKYO)
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"Meeting {i}",
                kind=MeetingKind.FOREIGN_MINISTERS,
                starts_at=start + datetime.timedelta(days=2 * i, hours=rng.randrange(8)),
                time_zone="Asia/Tokyo",
                readout_text=_readout(rng, args.sentences, japanese=i % 5 == 0),
            )
            for i in range(args.readouts)
        ],
        batch_size=500,
    )
    Commitment.objects.bulk_create(
        [
            Commitment(
                origin_meeting=rng.choice(meetings),
                title=f"Commitment {i}",
                quote=sentence(rng) if i % 5 else ja_sentence(rng, AGREED_JA_SENTENCES),
            )
            for i in range(args.commitments)
        ],
        batch_size=1000,
    )


def _readout(rng: random.Random, sentences: int, *, japanese: bool) -> str:
    if japanese:
        return "".join(ja_sentence(rng, AGREED_JA_SENTENCES) for _ in range(sentences))
    return "\n".join(
        f"- {sentence(rng)}" if n % 3 else f"{sentence(rng)} {sentence(rng)}"
        for n in range(sentences * 2 // 3)
    )


if __name__ == "__main__":
    main()
