from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The Japanese name of a theme, division or country in the Japanese interface."""
    if obj is None or obj == "":
        return ""
    if (get_language() or "").startswith("ja") and getattr(obj, "name_ja", ""):
        return obj.name_ja
    return str(obj)
