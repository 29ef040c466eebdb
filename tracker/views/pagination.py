"""Lists shown a page at a time; templates/tracker/_pagination.html links the other pages."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

PAGE_SIZE = 50
# A text search lists at most this many matches: counting every match of a common phrase
# would read thousands of documents for a number nobody pages through.
SEARCH_LIMIT = 1_000


class BoundedPaginator(Paginator):
    """Counts at most `limit` items (a count of a LIMITed subquery, without sorting); when more
    match, `truncated` says so and the pages end at the limit."""

    def __init__(self, object_list, per_page, *, limit: int):
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def _bounded_count(self) -> int:
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.limit)

    @property
    def truncated(self) -> bool:
        return self._bounded_count > self.limit


def page_of(request, items, per_page: int = PAGE_SIZE, *, limit: int | None = None) -> Page:
    """The page that `?page=` asks for: a missing or unreadable number gets the first page, one
    past the end the last, so that a shared or stale link never ends in an error. With `limit`,
    no more than that many items are counted or listed."""
    if limit is None:
        paginator = Paginator(items, per_page)
    else:
        paginator = BoundedPaginator(items, per_page, limit=limit)
    return paginator.get_page(request.GET.get("page"))
