"""`{% is_watching commitment as watching %}`: whether the reader watches the commitment."""

from __future__ import annotations

from django import template

from ..models import Watch

register = template.Library()


@register.simple_tag(takes_context=True)
def is_watching(context, commitment) -> bool:
    user = context["request"].user
    if not user.is_authenticated:
        return False
    return Watch.objects.filter(user=user, commitment=commitment).exists()
