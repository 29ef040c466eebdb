"""The user admin with "Reset two-factor": an administrator removes every device of a user who
lost them (authenticator app, recovery codes, passkeys); the user enrols again at the next log-in
if their role requires it. Django's own user admin otherwise, unchanged.

Who may: staff with the permission to change users ("Can change user"), asked again on the
server for the user at hand. The reset is one service call (`two_factor_reset`), which writes the
security event naming who did it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ..services import two_factor as services

User = get_user_model()

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    change_form_template = "admin/tracker/user/change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/two-factor-reset/",
                self.admin_site.admin_view(self.two_factor_reset_view),
                name=f"{info[0]}_{info[1]}_two_factor_reset",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def two_factor_devices(user) -> dict[str, int]:
        return {
            "authenticators": TOTPDevice.objects.filter(user=user).count(),
            "passkeys": WebAuthnCredential.objects.filter(user=user).count(),
            "recovery_codes": StaticToken.objects.filter(device__user=user).count(),
        }

    def two_factor_reset_view(self, request, object_id: str):
        return _reset_view(request, self, object_id)


@require_http_methods(["GET", "POST"])
def _reset_view(request, model_admin: TrackerUserAdmin, object_id: str):
    user = model_admin.get_object(request, unquote(object_id))
    if user is None:
        raise Http404
    if not model_admin.has_change_permission(request, user):
        raise PermissionDenied
    change_url = reverse(
        f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_change",
        args=[user.pk],
        current_app=model_admin.admin_site.name,
    )
    if request.method == "POST":
        removed = services.two_factor_reset(user=user, by=request.user, request=request)
        messages.success(
            request,
            _(
                "Two-factor log-in of “%(user)s” was reset (devices removed: %(count)d). They "
                "set it up again at their next log-in if their role requires it."
            )
            % {"user": user.get_username(), "count": removed},
        )
        return redirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": user,
        "title": _("Reset two-factor log-in"),
        "devices": model_admin.two_factor_devices(user),
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/tracker/user/two_factor_reset.html", context)
