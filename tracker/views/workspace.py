"""The staff workspace: dashboard, commitments, meetings.

One view and one template per page; htmx requests get the page's partial
(`"tracker/commitment_list.html#commitment-table"`), so every page also works without JavaScript.
Every view checks its permission on the server (tests/test_permissions.py enumerates them).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from .. import services
from ..forms import (
    DEFAULT_SORT,
    SCANNED_SORTS,
    SEARCH_MAX_LENGTH,
    CommitmentFilterForm,
    FollowUpForm,
    ReassignForm,
    StatusUpdateForm,
)
from ..list_columns import ListLayout, layout_query
from ..models import (
    Commitment,
    Confidence,
    FollowUp,
    Meeting,
    Participation,
    StatusUpdate,
    Theme,
)
from ..models.querysets import attach_theme_lists
from ..permissions import division_ids, require
from ..service_errors import add_service_errors
from ..timeline import TimelineKey, commitment_timeline
from .pagination import SEARCH_LIMIT, page_of
from .saved_views import BUILTIN_VIEWS, builtin_query, current_view

DUE_SOON_DAYS = 14
UPCOMING_MEETING_DAYS = 30
# Rows per dashboard card: enough to act on at a glance; each card links to all of its items in
# the list, which sorts, filters and edits them in bulk. (Also half the rows to render.)
SECTION_SIZE = 10
# The dashboard's lists: the context name of each, its heading, and what it says when empty.
DASHBOARD_LISTS = (
    (
        "mine",
        gettext_lazy("My open commitments"),
        gettext_lazy("Nothing open is yours or your divisions’."),
    ),
    ("overdue", gettext_lazy("Overdue"), gettext_lazy("Nothing is overdue.")),
    (
        "due_soon",
        gettext_lazy("Due in the next 14 days"),
        gettext_lazy("Nothing is due in the next 14 days."),
    ),
    (
        "stale",
        gettext_lazy("Stale: no update for 14 days or more"),
        gettext_lazy("Every open commitment was updated in the last 14 days."),
    ),
    ("red", gettext_lazy("Red confidence"), gettext_lazy("No open commitment is red.")),
)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_GET
def dashboard(request):
    require(request, "tracker.view_workspace")
    now = timezone.now()
    today = timezone.localdate()
    # The dashboard's short lists show no themes or parties: no prefetching needed.
    commitments = Commitment.objects.for_dashboard()
    my_divisions = division_ids(request.user)
    sections = commitments.attention_sections(now=now, today=today, due_soon_days=DUE_SOON_DAYS)
    status_counts, section_counts = Commitment.objects.dashboard_counts(
        now=now, today=today, due_soon_days=DUE_SOON_DAYS
    )
    by_status = list(status_counts.items())
    by_theme = list(Theme.objects.with_open_counts())
    mine = commitments.open_for(request.user, my_divisions).order_by("target_date", "pk")
    context = {
        "mine": mine[:SECTION_SIZE],
        **{name: items[:SECTION_SIZE] for name, items in sections.items()},
        # The boxes count every item; the lists below them show the first SECTION_SIZE.
        "counts": section_counts,
        "activity": StatusUpdate.objects.recent(my_divisions)[:15],
        "by_status": by_status,
        "status_max": max([n for _, n in by_status] or [0]) or 1,
        "by_theme": by_theme,
        "theme_max": max([t.n for t in by_theme] or [0]) or 1,
        "upcoming_meetings": Meeting.objects.upcoming(now, UPCOMING_MEETING_DAYS)
        .select_related("series")
        .order_by("starts_at")[:10],
        "today": today,
        "section_size": SECTION_SIZE,
        "scope_is_mine": bool(my_divisions),
        "links": _dashboard_links(request.user),
    }
    context["lists"] = [
        (name, heading, empty, context[name], section_counts.get(name), context["links"][name])
        for name, heading, empty in DASHBOARD_LISTS
    ]
    return render(request, "tracker/dashboard.html", context)


def _dashboard_links(user) -> dict[str, str]:
    """Each box's and card's link: the list filtered to the very items it counts, as the
    built-in view of the same name has it. "Mine" has no list filter of its own (owner or
    division), so it leads to the items the user owns."""
    list_url = reverse("commitment-list")
    return {
        slug.replace("-", "_"): f"{list_url}?{builtin_query(slug, user)}" for slug in BUILTIN_VIEWS
    }


@require_GET
# The same address answers with the whole page or with the table: caches, and the browser's
# back button, must not serve one for the other (htmx's history restore asks for the page).
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def commitment_list(request):
    require(request, "tracker.view_workspace")
    form = CommitmentFilterForm(request.GET or None)
    commitments = Commitment.objects.for_list_page().active()
    today = timezone.localdate()
    queryset = form.filter(commitments, today=today)
    # The columns, the grouping and the saved view the list was opened from (saved_views.py).
    layout = ListLayout.from_params(request.GET)
    searched = form.is_bound and form.is_valid() and bool(form.cleaned_data.get("q"))
    sort = form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else ""
    page = page_of(request, layout.apply(queryset), limit=SEARCH_LIMIT if searched else None)
    if (
        searched
        and page.number == 1
        and page.paginator.truncated
        and not layout.group
        and (sort or DEFAULT_SORT) in SCANNED_SORTS
    ):
        # A phrase in more documents than the list shows: its first page is read by testing
        # each document in the meetings' order, which stops after a few dozen, not by sorting
        # every match the index finds (`CommitmentQuerySet.search`'s `scan`). The bounded count
        # above stays on the index, which stops at its bound.
        scanned = form.filter(commitments, today=today, scan=True)
        page.object_list = scanned[: page.end_index()]
    page.object_list = attach_theme_lists(list(page.object_list))
    query = layout_query(_list_query(request.GET))
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort_columns": _sort_columns(query, sort or DEFAULT_SORT),
        "today": today,
        **layout.context(queryset, page, query),
        "current_view": current_view(request),
    }
    template = "tracker/commitment_list.html"
    fragment = (
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )
    if fragment:
        template += "#commitment-table"
    response = render(request, template, context)
    if fragment:
        # The address bar and shared links get the filters that are set, nothing empty.
        push_url(response, _list_url(query, page=page.number))
    return response


@require_GET
def commitment_meeting_options(request):
    """The list's meeting select with the meetings that "Find a meeting" finds, as you type; the
    chosen one stays offered and chosen. Without JS, the list page itself does this."""
    require(request, "tracker.view_workspace")
    return render(
        request,
        "tracker/commitment_list.html#meeting-select",
        {"form": CommitmentFilterForm(request.GET)},
    )


def _commitment_for_page(pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.for_list().prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("meeting", "recorded_by"),
            )
        ),
        pk=pk,
    )


def _detail_context(request, commitment: Commitment, **extra) -> dict:
    can_edit = request.user.has_perm("tracker.edit_commitment", commitment)
    timeline = extra.pop("timeline", None) or commitment_timeline(commitment)
    return {
        "commitment": commitment,
        "timeline": timeline.entries,
        "timeline_page": timeline,
        "can_edit": can_edit,
        "can_link": request.user.has_perm("tracker.link_followup", commitment),
        "form": extra.pop("form", None)
        or (StatusUpdateForm(commitment=commitment) if can_edit else None),
        "reassign_form": ReassignForm(
            initial={"owner": commitment.owner_id, "lead_division": commitment.lead_division_id}
        )
        if request.user.has_perm("tracker.reassign_commitment", commitment)
        else None,
        "today": timezone.localdate(),
        **extra,
    }


@require_GET
@vary_on_headers("HX-Request")
def commitment_detail(request, pk: int):
    """The commitment with the newest page of its timeline; `?before=` starts the timeline further
    back (htmx asks for just those lines, to add them), `?timeline=all` shows all of it."""
    require(request, "tracker.view_workspace")
    commitment = _commitment_for_page(pk)
    before = TimelineKey.from_token(request.GET.get("before", ""))
    if request.GET.get("timeline") == "all":
        timeline = commitment_timeline(commitment, limit=None)
    else:
        timeline = commitment_timeline(commitment, before=before)
    if before is not None and request.htmx and not request.htmx.boosted:
        return render(
            request,
            "tracker/_timeline.html",
            {"commitment": commitment, "timeline": timeline.entries, "timeline_page": timeline},
        )
    return render(
        request,
        "tracker/commitment_detail.html",
        _detail_context(request, commitment, timeline=timeline),
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def commitment_update_form(request, pk: int):
    """The in-place status update; refuses, with an explanation, a save over someone else's."""
    commitment = _commitment_for_page(pk)
    require(request, "tracker.edit_commitment", commitment)
    if request.method == "GET":
        return redirect(commitment)
    form = StatusUpdateForm(request.POST, commitment=commitment)
    conflict = None
    if form.is_valid():
        try:
            services.commitment_set_status(
                commitment=commitment, user=request.user, **form.service_data()
            )
        except services.ConflictError as error:
            conflict = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Update saved."))
                return redirect(commitment)
            # Said in the card that was saved, not queued for whichever page opens next.
            commitment = _commitment_for_page(pk)
            return render(
                request,
                "tracker/commitment_detail.html#progress",
                _detail_context(request, commitment, saved=True),
            )
    conflict_rows = None
    if conflict is not None:
        commitment = _commitment_for_page(pk)
        form = StatusUpdateForm.after_conflict(request.POST, conflict.base, commitment)
        conflict_rows = conflict.rows()
    context = _detail_context(
        request, commitment, form=form, conflict=conflict, conflict_rows=conflict_rows
    )
    template = "tracker/commitment_detail.html"
    if request.htmx:
        template += "#progress"
    status = 409 if conflict is not None and not request.htmx else 200
    return render(request, template, context, status=status)


@require_http_methods(["POST"])
def commitment_reassign(request, pk: int):
    commitment = get_object_or_404(Commitment, pk=pk)
    require(request, "tracker.reassign_commitment", commitment)
    form = ReassignForm(request.POST)
    if form.is_valid():
        services.commitment_reassign(commitment=commitment, user=request.user, **form.cleaned_data)
        messages.success(request, _("Owner reassigned."))
    else:
        messages.error(request, _("Choose an existing user and division."))
    return redirect(commitment)


@require_http_methods(["GET", "POST"])
def followup_create(request, pk: int):
    commitment = get_object_or_404(Commitment.objects.select_related("origin_meeting"), pk=pk)
    require(request, "tracker.link_followup", commitment)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.followup_record(
                commitment=commitment,
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Follow-up linked."))
            if request.htmx:
                return HttpResponseClientRedirect(commitment.get_absolute_url())
            return redirect(commitment)
    meeting_query = request.GET.get("q", "")
    context = {
        "commitment": commitment,
        "form": form,
        "meetings": _meeting_search_results(meeting_query, commitment),
        "meeting_query": meeting_query,
    }
    template = "tracker/followup_form.html"
    if request.htmx and request.method == "POST":
        template += "#followup-form"
    return render(request, template, context)


def _meeting_search_results(text: str, commitment: Commitment | None = None):
    meetings = Meeting.objects.select_related("series").order_by("-starts_at")
    if commitment is not None:
        day_before = commitment.origin_meeting.starts_at - datetime.timedelta(days=1)
        # Not the meeting it was made at, nor one it is already linked to: the service would
        # refuse either, after the officer had chosen it.
        meetings = (
            meetings.filter(starts_at__gte=day_before)
            .exclude(pk=commitment.origin_meeting_id)
            .exclude(follow_ups__commitment=commitment)
        )
    if text.strip():
        meetings = meetings.search(text.strip())
    return meetings[:15]


@require_GET
def meeting_search(request):
    """Search-as-you-type for the follow-up form; without JS the form's own search does this."""
    require(request, "tracker.view_workspace")
    commitment = None
    if commitment_pk := request.GET.get("commitment", "").strip():
        # ASCII digits only: "²".isdigit() is true, but int() refuses it.
        if not (commitment_pk.isascii() and commitment_pk.isdigit()):
            return HttpResponseBadRequest(
                _("“commitment” must be the number of a commitment."),
                content_type="text/plain; charset=utf-8",
            )
        commitment = (
            Commitment.objects.select_related("origin_meeting")
            .filter(pk=int(commitment_pk))
            .first()
        )
    # Typed as you go, answered with a fragment that has no room for a message: a search longer
    # than the list's search box allows uses its first characters.
    text = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
    return render(
        request,
        "tracker/followup_form.html#meeting-results",
        {"meetings": _meeting_search_results(text, commitment)},
    )


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def meeting_list(request):
    require(request, "tracker.view_workspace")
    meetings = Meeting.objects.select_related("series").with_counts().order_by("-starts_at")
    text = request.GET.get("q", "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        messages.warning(
            request,
            _("The search was cut to its first %(limit)s characters.")
            % {"limit": SEARCH_MAX_LENGTH},
        )
        text = text[:SEARCH_MAX_LENGTH]
    if text:
        meetings = meetings.search(text)
    page = page_of(request, meetings)
    template = "tracker/meeting_list.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#meeting-table"
    query = urlencode({"q": text}) if text else ""
    return render(request, template, {"page": page, "q": text, "query": query})


@require_GET
def meeting_detail(request, pk: int):
    require(request, "tracker.view_workspace")
    meeting = get_object_or_404(
        Meeting.objects.select_related("series").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person", "side"),
            ),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("owner", "lead_division").order_by(
                    "quote_position", "pk"
                ),
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("commitment", "recorded_by"),
            ),
        ),
        pk=pk,
    )
    return render(
        request, "tracker/meeting_detail.html", {"meeting": meeting, "confidence": Confidence}
    )


# The commitment list's addresses ----------------------------------------------------------------

# Sortable columns: the sort a first click asks for, and the sort that reverses it.
SORT_COLUMNS = {
    "meeting": ("meeting", "-meeting"),
    "status": ("status", "-status"),
    "target": ("target", "-target"),
    "updated": ("-updated", "updated"),
}


def _list_query(params: QueryDict) -> QueryDict:
    """The list's parameters without the page, the empty ones and the default sort."""
    query = QueryDict(mutable=True)
    for name, values in params.lists():
        if name == "page":
            continue
        values = [value for value in values if value.strip()]
        if name == "sort":
            values = [value for value in values if value != DEFAULT_SORT]
        if values:
            query.setlist(name, values)
    return query


def _list_url(query: QueryDict, *, page: int = 1, sort: str | None = None) -> str:
    query = query.copy()
    if sort is not None:
        query.pop("sort", None)
        if sort != DEFAULT_SORT:
            query["sort"] = sort
    if page > 1:
        query["page"] = str(page)
    url = reverse("commitment-list")
    return f"{url}?{query.urlencode()}" if query else url


def _sort_columns(query: QueryDict, sort: str) -> dict[str, dict]:
    """Each sortable column's link (the filters kept, back to page 1) and its aria-sort."""
    columns = {}
    for name, (first, reverse_sort) in SORT_COLUMNS.items():
        if sort in (first, reverse_sort):
            direction = "descending" if sort.startswith("-") else "ascending"
            next_sort = reverse_sort if sort == first else first
        else:
            direction, next_sort = "", first
        columns[name] = {"url": _list_url(query, sort=next_sort), "aria_sort": direction}
    return columns
