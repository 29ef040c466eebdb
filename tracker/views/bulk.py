"""Bulk edit from the commitment list: one change and one note for many commitments.

The bar posts the ticked rows ("number:version", so a row saved by someone else since is
refused) or, for "select all N matching", the list's filters; every matching item is then read
here. Changing more items than one page shows asks for a confirmation first. Without JavaScript
the answer is a page (or the list again, with a message); with htmx it is the bar, and the
`commitments-changed` event makes the table reload itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from .. import services
from ..bulk_forms import MATCHING, BulkEditForm, too_many
from ..forms import CommitmentFilterForm
from ..models import Commitment
from ..permissions import require
from ..service_errors import refusal_lines
from .pagination import PAGE_SIZE

CHANGED_EVENT = "commitments-changed"


def bulk_form_for(user) -> BulkEditForm | None:
    """The list's empty bar, for a user who may edit some commitment (else no bar, no boxes)."""
    return BulkEditForm(user=user) if user.has_perm("tracker.edit_commitment") else None


def _matching(query: str) -> tuple[list[int], int]:
    """The numbers of the commitments the list shows with these filters (no more than one bulk
    edit takes, plus one), and how many there are."""
    form = CommitmentFilterForm(QueryDict(query) or None)
    queryset = form.filter(Commitment.objects.active(), today=timezone.localdate())
    numbers = list(queryset.values_list("pk", flat=True)[: services.MAX_BULK_ITEMS + 1])
    if len(numbers) > services.MAX_BULK_ITEMS:
        return numbers, queryset.count()
    return numbers, len(numbers)


def _list_address(query: str) -> str:
    params = QueryDict(query)
    url = reverse("commitment-list")
    return f"{url}?{params.urlencode()}" if params else url


def _refusals(refused: services.BulkEditRefused) -> list[str]:
    lines = [
        _("No commitment number %(number)s: it may have been deleted or archived.") % {"number": pk}
        for pk in refused.missing
    ]
    for commitment, error in refused.refusals:
        about = _("“%(title)s” (number %(number)s)") % {
            "title": commitment.title,
            "number": commitment.pk,
        }
        lines += refusal_lines(error, model=Commitment, about=about)
    return lines


@require_POST
@vary_on_headers("HX-Request")
def commitment_bulk_edit(request):
    # May the user edit any commitment at all; each item is checked again by the service.
    require(request, "tracker.edit_commitment")
    form = BulkEditForm(request.POST, user=request.user)
    context = {"bulk_form": form, "refusals": [], "confirm_count": None}
    if form.is_valid():
        data = form.cleaned_data
        # When the list was shown; never later than now, whatever the page sent.
        selected_at = data["selected_at"] and min(data["selected_at"], timezone.now())
        versions = form.items
        if data["scope"] == MATCHING:
            numbers, total = _matching(data["query"])
            if total > services.MAX_BULK_ITEMS:
                form.add_error(None, too_many(total, services.MAX_BULK_ITEMS))
            elif not numbers:
                form.add_error(None, _("No commitment matches these filters any more."))
            elif len(numbers) > PAGE_SIZE and data["confirmed_count"] != len(numbers):
                # More than the page shows: say how many, and change them only when told to.
                context["confirm_count"] = len(numbers)
                context["confirmed_at"] = selected_at or timezone.now()
            else:
                versions = dict.fromkeys(numbers)
                selected_at = selected_at or timezone.now()
    if form.is_valid() and context["confirm_count"] is None:
        try:
            updated = services.commitments_bulk_edit(
                user=request.user,
                versions=versions,
                data=form.changes(),
                note=data["note"],
                selected_at=selected_at,
            )
        except services.BulkEditRefused as refused:
            context["refusals"] = _refusals(refused)
        else:
            message = ngettext(
                "Updated %(count)s commitment.", "Updated %(count)s commitments.", updated
            ) % {"count": updated}
            if not request.htmx:
                messages.success(request, message)
                return redirect(_list_address(data["query"]))
            response = render(
                request,
                "tracker/_bulk_bar.html",
                {"bulk_form": BulkEditForm(user=request.user), "done": message},
            )
            return trigger_client_event(response, CHANGED_EVENT)
    if request.htmx:
        return render(request, "tracker/_bulk_bar.html", context)
    context["carried_ids"] = request.POST.getlist("ids")[: services.MAX_BULK_ITEMS]
    context["list_url"] = _list_address(form.cleaned_data.get("query", ""))
    status = 200 if context["confirm_count"] is not None else 400
    if context["refusals"]:
        status = 409
    return render(request, "tracker/bulk_edit.html", context, status=status)
