"""Notifications: the list, marking read, watching a commitment, the settings, unsubscribing.

Every page is the reader's own: a notification of someone else's is not found (404). The
unsubscribe address is the one page without log-in: its signed token is its only credential
(RFC 8058: a mail client POSTs to it without a session or a CSRF token).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import services
from ..models import Commitment, Delivery, MailLanguage, Notification, NotificationKind
from ..notification_forms import NotificationSettingsForm
from ..notification_mail import unsubscribe_read
from ..permissions import require
from .pagination import page_of

LIST = "tracker/notifications/notification_list.html"
PAGE_SIZE = 30


@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
# Back after "mark read" must show the row read: the browser fetches the page again.
@never_cache
def notification_list(request):
    require(request, "tracker.view_workspace")
    page = page_of(
        request, Notification.objects.for_user(request.user).for_page(), per_page=PAGE_SIZE
    )
    template = LIST
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#notification-list"
    return render(request, template, {"page": page})


@require_POST
def notification_read(request, pk: int):
    """Mark one read; htmx gets the line back (and the bell, out of band)."""
    require(request, "tracker.view_workspace")
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        notification = Notification.objects.for_page().get(pk=pk)
        return render(request, LIST + "#notification-item", {"n": notification, "oob_bell": True})
    return redirect("notification-list")


@require_POST
def notification_read_all(request):
    require(request, "tracker.view_workspace")
    services.notification_mark_read(user=request.user)
    if request.htmx:
        page = page_of(
            request, Notification.objects.for_user(request.user).for_page(), per_page=PAGE_SIZE
        )
        return render(request, LIST + "#notification-list", {"page": page, "oob_bell": True})
    messages.success(request, _("All notifications marked read."))
    return redirect("notification-list")


@require_POST
def commitment_watch(request, pk: int):
    """Watch (`watch=1`) or stop watching (`watch=0`) a commitment."""
    require(request, "tracker.view_workspace")
    commitment = get_object_or_404(Commitment, pk=pk)
    watching = request.POST.get("watch") == "1"
    services.watch_set(user=request.user, commitment=commitment, watching=watching)
    if request.htmx:
        return render(
            request,
            "tracker/notifications/_watch.html",
            {"commitment": commitment, "watching": watching},
        )
    messages.success(
        request,
        _("You are watching this commitment.")
        if watching
        else _("You no longer watch this commitment."),
    )
    return redirect(commitment)


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    require(request, "tracker.view_workspace")
    user = request.user
    stored = dict(user.notification_preferences.values_list("kind", "delivery"))
    language = (
        MailLanguage.objects.filter(user=user).values_list("language", flat=True).first()
        or request.LANGUAGE_CODE
    )
    form = NotificationSettingsForm(request.POST or None, stored=stored, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_set(
                user=user, deliveries=form.deliveries(), language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notification-settings")
    return render(request, "tracker/notifications/settings.html", {"form": form})


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token: str):
    """GET: say what the link turns off and ask to confirm; POST: turn it off (one click)."""
    try:
        user_id, kinds = unsubscribe_read(token)
    except signing.BadSignature:
        return render(
            request, "tracker/notifications/unsubscribe.html", {"invalid": True}, status=400
        )
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return render(
            request, "tracker/notifications/unsubscribe.html", {"invalid": True}, status=400
        )
    labels = [NotificationKind(kind).label for kind in kinds]
    done = request.method == "POST"
    if done:
        services.notification_preferences_set(
            user=user, deliveries=dict.fromkeys(kinds, Delivery.IN_APP)
        )
    return render(
        request, "tracker/notifications/unsubscribe.html", {"kinds": labels, "done": done}
    )
