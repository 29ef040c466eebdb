"""Readout import: paste or upload a readout, review the draft, save it in one transaction.

One view, one template. POST `action=review` parses the text and renders the review; POST
`action=save` re-parses the readout carried in the review form (no draft is kept on the server),
validates every field and saves through `services.readout_save`. With htmx only the
review partial is swapped; without JavaScript the whole page is rendered.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from ..models import SecurityEventKind
from ..permissions import require
from ..readout_forms import (
    NEW_COMMITMENT,
    CommitmentReviewFormSet,
    MeetingReviewForm,
    ParticipantReviewFormSet,
    ReadoutSourceForm,
    ReviewChoices,
)
from ..readout_matching import match_person
from ..readout_notes import review_notes
from ..readout_parser import parse_readout
from ..readout_review import (
    MAX_PARTICIPANTS,
    Review,
    build_review,
    default_division,
    draft_start,
    meeting_kind,
    strength_of,
)
from ..service_errors import add_service_errors
from ..services.readouts import DuplicateReadoutError, ImportResult, ImportRowError, readout_save
from ..services.security_log import record_security_event

TEMPLATE = "tracker/readout_import.html"
MEETING_PREFIX = "meeting"
PARTICIPANTS_PREFIX = "participants"
ROWS_PREFIX = "rows"
# Offered in the time zone field; any IANA name is accepted.
TIME_ZONES = (
    "Asia/Tokyo",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Rome",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Phnom_Penh",
    "Asia/Kolkata",
    "Australia/Sydney",
    "UTC",
)


@require_http_methods(["GET", "POST"])
def readout_import(request):
    require(request, "tracker.import_readout")
    if request.method == "GET":
        return render(request, TEMPLATE, {"source_form": ReadoutSourceForm()})
    if request.POST.get("action") == "save":
        return _save(request)
    return _review(request)


def _review(request):
    source_form = ReadoutSourceForm(request.POST, request.FILES)
    if not source_form.is_valid():
        if request.htmx:
            # The errors belong next to the text and file fields, outside the review partial.
            response = render(request, f"{TEMPLATE}#source-form", {"source_form": source_form})
            return reswap(retarget(response, "#source-form"), "innerHTML")
        return render(request, TEMPLATE, {"source_form": source_form})
    text = source_form.cleaned_data["readout"]
    review = build_review(parse_readout(text), user=request.user)
    choices = ReviewChoices.load(request.user)
    context = _context(
        review,
        MeetingReviewForm(
            prefix=MEETING_PREFIX, choices=choices, initial=_meeting_initial(review, text)
        ),
        ParticipantReviewFormSet(
            prefix=PARTICIPANTS_PREFIX,
            choices=choices,
            initial=_participants_initial(review),
        ),
        CommitmentReviewFormSet(
            prefix=ROWS_PREFIX,
            choices=choices,
            rows=review.rows,
            initial=_rows_initial(review, request.user),
        ),
    )
    return _render_review(request, context, text)


def _save(request):
    text = request.POST.get(f"{MEETING_PREFIX}-readout", "")
    review = build_review(parse_readout(text), user=request.user)
    choices = ReviewChoices.load(request.user)
    meeting_form = MeetingReviewForm(request.POST, prefix=MEETING_PREFIX, choices=choices)
    participants = ParticipantReviewFormSet(
        request.POST, prefix=PARTICIPANTS_PREFIX, choices=choices
    )
    rows = CommitmentReviewFormSet(
        request.POST, prefix=ROWS_PREFIX, choices=choices, rows=review.rows
    )
    context = _context(review, meeting_form, participants, rows)
    valid = all([meeting_form.is_valid(), participants.is_valid(), rows.is_valid()])
    if valid and rows.total_form_count() != len(review.rows):
        # The rows are matched to the re-parsed draft by position; a mismatch means the form
        # was not made from this readout.
        context["stale"] = True
        valid = False
    if valid:
        try:
            result = readout_save(
                user=request.user,
                meeting=meeting_form.meeting_data(review.draft.text),
                participants=[data for form in participants if (data := form.participant_data())],
                rows=[
                    data
                    for form, row in zip(rows, review.rows, strict=True)
                    if (data := form.row_data(row.draft.quote, row.draft.position))
                ],
            )
        except DuplicateReadoutError as error:
            context["duplicate"] = error.meeting
            context["duplicate_refused"] = True
        except ImportRowError as error:
            formset = participants if error.section == "participants" else rows
            add_service_errors(_nth_kept(formset, error.index, error.section), error.error)
        except ValidationError as error:
            add_service_errors(meeting_form, error)
        else:
            record_security_event(
                kind=SecurityEventKind.IMPORT,
                request=request,
                target=result.meeting,
                detail={
                    "source": "readout",
                    "commitments": len(result.commitments),
                    "follow_ups": len(result.follow_ups),
                },
            )
            messages.success(request, _success_message(result))
            url = result.meeting.get_absolute_url()
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    context["save_failed"] = True
    return _render_review(request, context, text)


def _render_review(request, context: dict, text: str):
    if request.htmx:
        return render(request, f"{TEMPLATE}#review", context)
    context["source_form"] = ReadoutSourceForm(initial={"text": text})
    return render(request, TEMPLATE, context)


def _context(review, meeting_form, participants, rows) -> dict:
    return {
        "review": review,
        "draft": review.draft,
        "parser_notes": review_notes(review.draft),
        "duplicate": review.duplicate,
        "meeting_form": meeting_form,
        "participants": participants,
        "participant_rows": [(form, _person_match(form)) for form in participants],
        "rows": rows,
        "commitment_rows": list(zip(rows, review.rows, strict=False)),
        "new_commitment": NEW_COMMITMENT,
        "time_zones": TIME_ZONES,
    }


def _person_match(form):
    """The known person a participant row names, from what was posted or drafted."""
    if form.is_bound:
        value = form.data.get
        family, given, country = (
            value(form.add_prefix(n), "") for n in ("family_name", "given_name", "country")
        )
    else:
        family, given, country = (
            form.initial.get(n, "") for n in ("family_name", "given_name", "country")
        )
    return match_person(family, given, country)


def _nth_kept(formset, index: int, section: str):
    if section == "rows":
        return formset.forms[index]
    # Participants are saved in order, counting only the kept ones.
    kept = [form for form in formset if form.cleaned_data.get("keep")]
    return kept[index]


def _success_message(result: ImportResult) -> str:
    return _("Readout imported as “%(meeting)s”: %(commitments)s and %(follow_ups)s.") % {
        "meeting": result.meeting.title,
        "commitments": ngettext(
            "%(count)d new commitment", "%(count)d new commitments", len(result.commitments)
        )
        % {"count": len(result.commitments)},
        "follow_ups": ngettext(
            "%(count)d follow-up recorded", "%(count)d follow-ups recorded", len(result.follow_ups)
        )
        % {"count": len(result.follow_ups)},
    }


# Initial values: the parser's draft, with what the database adds ---------------------------------


def _meeting_initial(review: Review, text: str) -> dict:
    meeting = review.draft.meeting
    start, zone, known = draft_start(review.draft)
    return {
        "readout": text,
        "title": meeting.title[:300],
        "kind": meeting_kind(meeting.kind),
        "series": str(review.series.pk) if review.series else "",
        "starts_at": start,
        "start_time_known": known,
        "time_zone": zone,
        "duration_minutes": meeting.duration_minutes,
        "place": meeting.place[:200],
        "format": meeting.format,
    }


def _participants_initial(review: Review) -> list[dict]:
    return [
        {
            "keep": True,
            "family_name": p.family_name[:100],
            "given_name": p.given_name[:100],
            "title": p.title[:250],
            "country": p.country,
        }
        for p in review.draft.participants[:MAX_PARTICIPANTS]
    ]


def _rows_initial(review: Review, user) -> list[dict]:
    division = default_division(user)
    initial = []
    for row in review.rows:
        follow_up = row.default_follow_up
        initial.append(
            {
                "keep": row.draft.selected,
                "title": (row.draft.title or row.draft.quote)[:200],
                "strength": strength_of(row.draft),
                "themes": list(row.draft.themes),
                "parties": list(row.draft.parties),
                "lead_division": str(division.pk) if division else "",
                "record_as": str(follow_up.pk) if follow_up else NEW_COMMITMENT,
                "outcome": "reaffirmed",
            }
        )
    return initial
