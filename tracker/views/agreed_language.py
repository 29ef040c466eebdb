"""Agreed language: how a phrase was worded before, and how a commitment's wording moved.

`agreed_language` searches the verbatim quotes and the readouts' sentences (oldest first, alike
sentences grouped); `commitment_wording` shows a commitment's quote and its restatement at each
follow-up meeting, word changes marked. Both answer htmx with their page's partial, so the pages
work without JavaScript; the commitment page loads the wording lazily from the second.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property

from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..models import AgreedSentence, Commitment, FollowUp, agreed_fold
from ..permissions import require
from ..wording import Change, Group, closest, group_alike, highlight, word_changes
from .pagination import page_of

# As long as the commitment list's search box allows.
QUERY_MAX_LENGTH = 200
# The oldest matches read for one search: enough for every precedent of a specific phrase; a
# common one ("the two ministers") is told to say more.
MAX_MATCHES = 300
# Groups of alike sentences per page, and the uses of one group named (the rest counted).
GROUPS_PER_PAGE = 20
USES_SHOWN = 6


def _typed_phrase(request) -> tuple[str, str, bool]:
    """The search as typed (control characters out) and as compared (folded), and whether it
    was cut to QUERY_MAX_LENGTH (said in the results, which htmx may swap in alone)."""
    typed = request.GET.get("q", "")
    cut = len(typed) > QUERY_MAX_LENGTH
    typed = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch for ch in typed[:QUERY_MAX_LENGTH]
    )
    return typed.strip(), agreed_fold(typed), cut


@dataclass
class Precedent:
    """A group of alike sentences as the page shows it: the oldest, marked, and every use."""

    group: Group
    phrase: str

    @cached_property
    def marked(self) -> str:
        # Marked only for the page shown, not for every group found.
        return highlight(self.group.first.text, self.phrase)

    @cached_property
    def uses(self) -> list[AgreedSentence]:
        # A quote is also a sentence of its meeting's readout: one use per meeting.
        by_meeting: dict[int, AgreedSentence] = {}
        for sentence in self.group.items:
            by_meeting.setdefault(sentence.meeting_id, sentence)
        return list(by_meeting.values())

    @property
    def shown_uses(self) -> list[AgreedSentence]:
        return self.uses[:USES_SHOWN]

    @property
    def more_uses(self) -> int:
        return max(0, len(self.uses) - USES_SHOWN)


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def agreed_language(request):
    require(request, "tracker.view_workspace")
    typed, phrase, cut = _typed_phrase(request)
    matches: list[AgreedSentence] = []
    if phrase:
        matches = list(
            AgreedSentence.objects.containing(phrase)
            .for_display()
            .oldest_first()[: MAX_MATCHES + 1]
        )
    more = len(matches) > MAX_MATCHES
    matches = matches[:MAX_MATCHES]
    precedents = [Precedent(group=group, phrase=phrase) for group in group_alike(matches)]
    context = {
        "q": typed,
        "cut": cut,
        "max_length": QUERY_MAX_LENGTH,
        "searched": bool(phrase),
        "page": page_of(request, precedents, per_page=GROUPS_PER_PAGE),
        "query": urlencode({"q": typed}),
        "match_count": len(matches),
        "more": more,
        "max_matches": MAX_MATCHES,
    }
    template = "tracker/agreed_language/search.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#language-results"
    return render(request, template, context)


@dataclass
class WordingStep:
    """One meeting's wording of the item: what it said, and how that differs from before."""

    follow_up: FollowUp | None
    text: str
    changes: list[Change]


def wording_over_time(commitment: Commitment) -> tuple[list[WordingStep], list[FollowUp]]:
    """The quote, then each follow-up meeting's restatement of it, oldest first; and the
    follow-ups whose readout does not restate it. Two queries after the commitment's own."""
    follow_ups = list(
        FollowUp.objects.filter(commitment=commitment)
        .select_related("meeting")
        .only(
            "pk",
            "quote",
            "commitment_id",
            "meeting__id",
            "meeting__title",
            "meeting__starts_at",
            "meeting__time_zone",
        )
        .order_by("meeting__starts_at", "pk")
    )
    by_meeting: dict[int, list[AgreedSentence]] = {f.meeting_id: [] for f in follow_ups}
    for sentence in AgreedSentence.objects.filter(
        meeting_id__in=by_meeting, commitment__isnull=True
    ).only("meeting_id", "position", "text"):
        by_meeting[sentence.meeting_id].append(sentence)
    steps = [WordingStep(follow_up=None, text=commitment.quote, changes=[])]
    silent: list[FollowUp] = []
    previous = commitment.quote
    for follow_up in follow_ups:
        # The quote a clerk recorded from that readout is the restatement; without one, the
        # readout's sentence closest to the first wording or the last (wording drifts, and a
        # readout may go back to the original words).
        text = follow_up.quote.strip()
        if not text:
            found = closest([commitment.quote, previous], by_meeting[follow_up.meeting_id])
            text = found.text if found is not None else ""
        if not text:
            silent.append(follow_up)
            continue
        steps.append(
            WordingStep(follow_up=follow_up, text=text, changes=word_changes(previous, text))
        )
        previous = text
    return steps, silent


@require_GET
@vary_on_headers("HX-Request")
def commitment_wording(request, pk: int):
    require(request, "tracker.view_workspace")
    commitment = get_object_or_404(
        Commitment.objects.select_related("origin_meeting").only(
            "pk",
            "title",
            "quote",
            "origin_meeting__id",
            "origin_meeting__title",
            "origin_meeting__starts_at",
            "origin_meeting__time_zone",
        ),
        pk=pk,
    )
    steps, silent = wording_over_time(commitment)
    template = "tracker/agreed_language/wording.html"
    if request.htmx and not request.htmx.boosted:
        template += "#wording"
    return render(request, template, {"commitment": commitment, "steps": steps, "silent": silent})
