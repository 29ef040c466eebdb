"""The signed-in user's passkeys, for the security settings page and the verify page.

Both pages belong to the two-factor views; their passkey parts (templates/two_factor/_passkey_*)
read the list here, so that those views need not know about passkeys.
"""

from django import template
from django_otp_webauthn.models import WebAuthnCredential

register = template.Library()


@register.simple_tag
def user_passkeys(user) -> list[WebAuthnCredential]:
    """The user's passkeys, oldest first, in one query (the list shows only its own columns)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True)
        .only("pk", "name", "created_at", "last_used_at", "user_id")
        .order_by("created_at", "pk")
    )
