"""Benchmark the readout parser: parse about 1 MB of Japanese (and English) readout text.

    python benchmarks/bench_parser.py              # 1 MB, best of 5 runs
    python benchmarks/bench_parser.py --mb 4 --runs 3

The text is the corpus readouts (tests/data/readouts/) repeated until it reaches the size: the
Japanese one made of the MOFA Japanese pages, the English one of the others. The parser caps how
much of a very long text it analyses (items, lines, intro), so the figure is the cost of cleaning
and splitting a pasted megabyte plus reading its first few hundred items. No Django, no database.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "readouts"


def _texts(prefix: str) -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*.txt")):
        if path.name.startswith("mofa_ja") == (prefix == "mofa_ja"):
            lines = path.read_text(encoding="utf-8").split("\n")
            texts.append("\n".join(line for line in lines if not line.startswith("# ")))
    return texts


def _sized(texts: list[str], size: int) -> str:
    unit = "\n\n".join(texts) + "\n\n"
    # Characters, not bytes: a Japanese megabyte of UTF-8 is about 350,000 characters.
    body = unit * (size // len(unit.encode("utf-8")) + 1)
    while len(body.encode("utf-8")) > size:
        body = body[: len(body) - max(1, (len(body.encode("utf-8")) - size) // 3)]
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of each text in megabytes")
    parser.add_argument("--runs", type=int, default=5, help="parses per text; the best is shown")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tracker.readout_parser import parse_readout

    size = int(args.mb * 1_000_000)
    for label, prefix in (("Japanese", "mofa_ja"), ("English", "")):
        text = _sized(_texts(prefix), size)
        best = float("inf")
        for _ in range(args.runs):
            start = time.perf_counter()
            draft = parse_readout(text)
            best = min(best, time.perf_counter() - start)
        print(
            f"{label}: {len(text.encode('utf-8')):,} bytes ({len(text):,} characters) parsed in "
            f"{best:.3f} s (best of {args.runs}); {len(draft.commitments)} commitments drafted"
        )


if __name__ == "__main__":
    main()
