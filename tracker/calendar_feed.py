"""The calendar feeds as iCalendar (RFC 5545): who may read which, what each holds, the file.

A personal feed holds the open commitments the user owns or whose lead division they belong to
(their target and review dates, as all-day events) and the meetings those commitments came from
or came up again at, plus the coming meetings of the series where they are expected to come up
again. A division feed holds the same for the commitments the division leads. Everything is
bounded: dates and meetings from `PAST_DAYS` ago on, at most `MAX_EVENTS` of each kind.

Meetings keep the place's time zone (with its VTIMEZONE), as the pages show them; a meeting
whose start time is not known is an all-day event on its local date(s).
"""

from __future__ import annotations

import datetime
import hmac
import re
import zoneinfo
from collections.abc import Callable, Iterable

import icalendar
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import names
from .models import (
    CalendarFeedKind,
    CalendarToken,
    Commitment,
    Division,
    FollowUp,
    Meeting,
    calendar_token_hash,
)
from .models.querysets import MEETING_LONG_TEXTS
from .permissions import division_ids

# Not the request's host: a UID must stay the same whichever address the feed is read through.
UID_DOMAIN = "commitment-tracker"
PRODUCT_ID = "-//Commitment tracker//Calendar feed//EN"
PAST_DAYS = 90
MAX_EVENTS = 2_000
# How often calendar apps that honour it fetch the feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=1)
DESCRIPTION_LIMIT = 1_000
# A secret is 43 characters; anything much longer is not one, and is not hashed.
MAX_SECRET_LENGTH = 100
ONE_DAY = datetime.timedelta(days=1)

# RFC 5545 TEXT may hold no control character but tab; line ends become one escaped newline.
# The Unicode line and paragraph separators too, which some readers take for line ends.
_LINE_ENDS = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Read in a list of commitments, no more: the feed shows these.
COMMITMENT_FIELDS = (
    "pk",
    "title",
    "status",
    "confidence",
    "target_date",
    "target_date_reason",
    "next_review_date",
    "next_step",
    "version",
    "created_at",
    "updated_at",
)


def feed_allowed(*, user: AbstractBaseUser, kind: str, division: Division | None) -> bool:
    """Whether the user may have this feed; asked again on every fetch, so an account switched
    off or a manager who lost the role reads nothing more."""
    if not (user.is_active and user.has_perm("tracker.view_workspace")):
        return False
    if kind == CalendarFeedKind.DIVISION:
        return division is not None and user.has_perm("tracker.subscribe_division_feed", division)
    return True


def division_feed_choices(user: AbstractBaseUser) -> list[Division]:
    """The divisions whose feed the user may have: all for a superuser, a manager's own."""
    if not user.has_perm("tracker.subscribe_division_feed"):
        return []
    divisions = Division.objects.order_by("name")
    if user.is_superuser:
        return list(divisions)
    return list(divisions.filter(pk__in=division_ids(user)))


def find_token(secret: str) -> CalendarToken | None:
    """The live token whose secret this is, with its user and division; None for any other."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    digest = calendar_token_hash(secret)
    token = (
        CalendarToken.objects.active()
        .select_related("user", "division")
        .filter(token_hash=digest)
        .first()
    )
    # The lookup is by hash, so its timing tells nothing of the secret; the comparison in
    # constant time says so in code, whatever the database's index does.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def since_day(now: datetime.datetime) -> datetime.date:
    """The first day whose dates the feed shows, in the site's time zone (Japan by default)."""
    return timezone.localdate(now) - datetime.timedelta(days=PAST_DAYS)


def _their_commitments(token: CalendarToken):
    commitments = Commitment.objects.active()
    if token.kind == CalendarFeedKind.DIVISION:
        return commitments.filter(lead_division=token.division_id)
    mine = Q(owner=token.user_id)
    divisions = sorted(division_ids(token.user))
    if divisions:
        mine |= Q(lead_division__in=divisions)
    return commitments.filter(mine)


def feed_items(
    token: CalendarToken, *, now: datetime.datetime
) -> tuple[list[Commitment], list[Meeting]]:
    """The feed's dated commitments and its meetings, in two queries whatever their number."""
    since = now - datetime.timedelta(days=PAST_DAYS)
    since_date = since_day(now)
    theirs = _their_commitments(token)
    dated = (
        theirs.open()
        .filter(Q(target_date__gte=since_date) | Q(next_review_date__gte=since_date))
        .only(*COMMITMENT_FIELDS)
        .order_by("target_date", "pk")[:MAX_EVENTS]
    )
    origins = theirs.values("origin_meeting_id")
    followed = FollowUp.objects.filter(commitment__in=theirs.values("pk")).values("meeting_id")
    venues = theirs.open().filter(follow_up_venue__isnull=False).values("follow_up_venue_id")
    meetings = (
        Meeting.objects.filter(starts_at__gte=since)
        .filter(Q(pk__in=origins) | Q(pk__in=followed) | Q(series__in=venues, starts_at__gte=now))
        .defer(*MEETING_LONG_TEXTS)
        .order_by("starts_at", "pk")[:MAX_EVENTS]
    )
    return list(dated), list(meetings)


def clean_text(value: str) -> str:
    """User text as an iCalendar TEXT value may hold it (the library escapes , ; \\ and \\n)."""
    return _CONTROLS.sub("", _LINE_ENDS.sub("\n", value))


def _shorten(value: str, limit: int = DESCRIPTION_LIMIT) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _uid(prefix: str, suffix: object) -> str:
    """`meeting-7@…`, `commitment-12-target@…`: the same event keeps its UID in every fetch."""
    return f"{prefix}-{suffix}@{UID_DOMAIN}"


def _stamp(event: icalendar.Event, *, created, modified, sequence: int | None = None) -> None:
    # Without a METHOD, DTSTAMP is when the information was last revised (RFC 5545 3.8.7.2).
    event.add("dtstamp", modified)
    event.add("created", created)
    event.add("last-modified", modified)
    if sequence is not None:
        event.add("sequence", sequence)


def _meeting_times(event: icalendar.Event, meeting: Meeting) -> None:
    zone = zoneinfo.ZoneInfo(meeting.time_zone)
    local_start = meeting.starts_at.astimezone(zone)
    if not meeting.start_time_known:
        last_day = max(meeting.end_date or local_start.date(), local_start.date())
        event.add("dtstart", local_start.date())
        event.add("dtend", last_day + ONE_DAY)
        return
    event.add("dtstart", local_start)
    if meeting.duration_minutes:
        end = meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes)
        event.add("dtend", end.astimezone(zone))
    elif meeting.end_date and meeting.end_date > local_start.date():
        # Over several days, end time unknown: to the end of the last day, in the place's zone.
        midnight = datetime.datetime.combine(meeting.end_date + ONE_DAY, datetime.time())
        event.add("dtend", midnight.replace(tzinfo=zone))
    # Otherwise no end: RFC 5545 makes it end where it starts, and no end time is invented.


def meeting_event(meeting: Meeting, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", _uid("meeting", meeting.pk))
    _stamp(event, created=meeting.created_at, modified=meeting.updated_at)
    event.add("summary", clean_text(meeting.title))
    _meeting_times(event, meeting)
    if meeting.place:
        event.add("location", clean_text(meeting.place))
    lines = [f"{meeting.get_kind_display()} · {meeting.get_format_display()}", url]
    event.add("description", clean_text("\n".join(lines)))
    event.add("url", url)
    return event


def _commitment_description(commitment: Commitment, url: str) -> str:
    lines = [
        f"{_('Status')}: {commitment.get_status_display()} · "
        f"{_('Confidence')}: {commitment.get_confidence_display()}",
    ]
    if commitment.next_step:
        lines.append(f"{_('Next step')}: {commitment.next_step}")
    if commitment.target_date_reason:
        lines.append(f"{_('Why this target date')}: {commitment.target_date_reason}")
    lines.append(url)
    return _shorten(clean_text("\n".join(lines)))


def commitment_events(
    commitment: Commitment, url: str, since: datetime.date
) -> Iterable[icalendar.Event]:
    """The commitment's target date and review date, each an all-day event."""
    dates = (
        ("target", commitment.target_date, _("Due: %(title)s")),
        ("review", commitment.next_review_date, _("Review: %(title)s")),
    )
    for kind, day, summary in dates:
        if day is None or day < since:
            continue
        event = icalendar.Event()
        event.add("uid", _uid(f"commitment-{commitment.pk}", kind))
        _stamp(
            event,
            created=commitment.created_at,
            modified=commitment.updated_at,
            sequence=commitment.version,
        )
        event.add("summary", clean_text(summary % {"title": commitment.title}))
        event.add("dtstart", day)
        event.add("dtend", day + ONE_DAY)
        # A date to keep in mind, not time taken: free/busy stays free.
        event.add("transp", "TRANSPARENT")
        event.add("description", _commitment_description(commitment, url))
        event.add("url", url)
        yield event


def feed_name(token: CalendarToken) -> str:
    if token.kind == CalendarFeedKind.DIVISION:
        name = token.division.display_name()
    else:
        name = names.user_name(token.user)
    return clean_text(_("Commitment tracker: %(name)s") % {"name": name})


def build_feed(
    token: CalendarToken, *, now: datetime.datetime, absolute_url: Callable[[str], str]
) -> bytes:
    """The feed as bytes, in the language its address was made in."""
    commitments, meetings = feed_items(token, now=now)
    since = since_day(now)
    language = token.language if token.language in dict(settings.LANGUAGES) else "en"
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", feed_name(token))
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH_INTERVAL)
        for meeting in meetings:
            calendar.add_component(meeting_event(meeting, absolute_url(meeting.get_absolute_url())))
        for commitment in commitments:
            url = absolute_url(commitment.get_absolute_url())
            for event in commitment_events(commitment, url, since):
                calendar.add_component(event)
        # One VTIMEZONE for each zone the events name, from the zone database.
        calendar.add_missing_timezones()
        return calendar.to_ical()
