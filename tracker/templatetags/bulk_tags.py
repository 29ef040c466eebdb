"""The commitment list's bulk bar, for the users who may edit some commitment."""

from django import template

from ..views.bulk import bulk_form_for

register = template.Library()


@register.inclusion_tag("tracker/_bulk_bar.html", takes_context=True)
def bulk_bar(context):
    return {
        "bulk_form": bulk_form_for(context["request"].user),
        "csrf_token": context.get("csrf_token"),
    }
