"""The API tokens settings page: make a token (shown once), list them, revoke one.

Thin: the form reads the name, scope and lifetime; `tracker.services.api_tokens` makes and revokes
the tokens. A token is its owner's alone: nobody else sees or revokes it here.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..models import ApiToken, ApiTokenScope, SecurityEventKind
from ..permissions import require
from ..service_errors import add_service_errors
from ..services.security_log import record_security_event

PAGE = "tracker/api_tokens/list.html"
LIFETIMES = {"7": 7, "30": 30, "90": 90, "365": 365}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. “cabinet dashboard”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=ApiTokenScope.choices,
        initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
    )
    lifetime = forms.ChoiceField(
        label=_("Expires after"),
        initial="90",
        choices=[
            ("7", _("7 days")),
            ("30", _("30 days")),
            ("90", _("90 days")),
            ("365", _("1 year")),
        ],
    )


def _page(request, *, form: ApiTokenForm, new_secret: str = "", new_token=None, status=200):
    now = timezone.now()
    tokens = ApiToken.objects.of_user(request.user).order_by("-created_at", "-pk")
    context = {
        "form": form,
        "tokens": tokens,
        "now": now,
        "new_secret": new_secret,
        "new_token": new_token,
    }
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
def api_token_list(request):
    """The user's tokens and the form that makes one; a made token is shown on this answer only."""
    require(request, "tracker.view_workspace")
    if request.method == "GET":
        return _page(request, form=ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        now = timezone.now()
        days = LIFETIMES[form.cleaned_data["lifetime"]]
        try:
            token, secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=now + datetime.timedelta(days=days),
                now=now,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            record_security_event(
                kind=SecurityEventKind.TOKEN,
                request=request,
                target=token,
                detail={"action": "created", "scope": token.scope},
            )
            response = _page(request, form=ApiTokenForm(), new_secret=secret, new_token=token)
            # The secret is on this page only: no cache keeps it, and going back does not show it.
            patch_cache_control(response, no_store=True, private=True)
            return response
    return _page(request, form=form, status=200)


@require_POST
def api_token_revoke(request, pk: int):
    require(request, "tracker.view_workspace")
    # Another user's token is not found: its existence is not theirs to learn.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if services.api_token_revoke(user=request.user, token=token):
        record_security_event(
            kind=SecurityEventKind.TOKEN,
            request=request,
            target=token,
            detail={"action": "revoked"},
        )
        messages.success(request, _("The token was revoked: requests with it are refused."))
    else:
        messages.info(request, _("That token was already revoked."))
    return redirect("api-token-list")
