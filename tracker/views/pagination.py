"""Lists shown a page at a time; templates/tracker/_pagination.html links the other pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, items, per_page: int = PAGE_SIZE) -> Page:
    """The page that `?page=` asks for: a missing or unreadable number gets the first page, one
    past the end the last, so that a shared or stale link never ends in an error."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
