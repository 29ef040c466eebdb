"""The calendar feeds: the page that makes and revokes their addresses, and the feeds themselves.

The feed is read by calendar apps, which have no session: its secret address is the credential.
So the feed view needs no log-in, answers 404 to any address that is not a live one, and asks on
every fetch whether the address's user may still read what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from .. import services
from ..calendar_feed import build_feed, division_feed_choices, feed_allowed, find_token
from ..models import CalendarFeedKind, CalendarToken, Division
from ..permissions import require

PAGE = "tracker/calendar/feeds.html"


class FeedForm(forms.Form):
    """Which of the user's feeds a button means: theirs, or a division's."""

    kind = forms.ChoiceField(choices=CalendarFeedKind.choices)
    division = forms.ModelChoiceField(queryset=Division.objects.all(), required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == CalendarFeedKind.PERSONAL:
            data["division"] = None
        elif data.get("kind") == CalendarFeedKind.DIVISION and not data.get("division"):
            self.add_error("division", _("Choose the division."))
        return data


@dataclass
class Feed:
    kind: str
    division: Division | None
    token: CalendarToken | None
    new_url: str = ""

    @property
    def webcal_url(self) -> str:
        # Apple's calendars and Outlook open a webcal: link as a subscription.
        return "webcal://" + self.new_url.split("://", 1)[-1] if self.new_url else ""


def _feeds(request, new: CalendarToken | None = None, new_url: str = "") -> list[Feed]:
    tokens = {
        (token.kind, token.division_id): token
        for token in CalendarToken.objects.active().filter(user=request.user)
    }
    wanted = [(CalendarFeedKind.PERSONAL, None)] + [
        (CalendarFeedKind.DIVISION, division) for division in division_feed_choices(request.user)
    ]
    feeds = []
    for kind, division in wanted:
        token = tokens.get((kind, division.pk if division else None))
        shown = new_url if new is not None and token is not None and token.pk == new.pk else ""
        feeds.append(Feed(kind=kind, division=division, token=token, new_url=shown))
    return feeds


def _posted_feed(request) -> tuple[str, Division | None]:
    form = FeedForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Unknown calendar feed.")
    return form.cleaned_data["kind"], form.cleaned_data["division"]


@require_GET
def calendar_feeds(request):
    require(request, "tracker.view_workspace")
    return render(request, PAGE, {"feeds": _feeds(request)})


@require_POST
def calendar_feed_regenerate(request):
    """A new address for a feed, the old one dead; shown on this answer and never again."""
    require(request, "tracker.view_workspace")
    kind, division = _posted_feed(request)
    if kind == CalendarFeedKind.DIVISION:
        require(request, "tracker.subscribe_division_feed", division)
    token, secret = services.calendar_token_issue(
        user=request.user, kind=kind, division=division, language=get_language()
    )
    url = request.build_absolute_uri(reverse("calendar-feed", args=[secret]))
    response = render(request, PAGE, {"feeds": _feeds(request, new=token, new_url=url)})
    # The secret is on this page only: no cache keeps it, and going back does not show it.
    patch_cache_control(response, no_store=True, private=True)
    return response


@require_POST
def calendar_feed_revoke(request):
    require(request, "tracker.view_workspace")
    kind, division = _posted_feed(request)
    if services.calendar_token_revoke(user=request.user, kind=kind, division=division):
        messages.success(request, _("The address was revoked: calendars using it get nothing."))
    else:
        messages.info(request, _("That calendar had no address to revoke."))
    return redirect("calendar-feeds")


@login_not_required
@require_safe
def calendar_feed(request, token: str):
    """The feed: no session, no cookie; 404 for anything but a live address of a user who may
    still read it."""
    found = find_token(token)
    if found is None or not feed_allowed(user=found.user, kind=found.kind, division=found.division):
        raise Http404
    now = timezone.now()
    services.calendar_token_used(token=found, now=now)
    body = build_feed(found, now=now, absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    response["X-Robots-Tag"] = "noindex"
    # Each user's own: no shared cache may keep it, and a revoked address soon stops showing.
    patch_cache_control(response, private=True, max_age=300)
    return response
