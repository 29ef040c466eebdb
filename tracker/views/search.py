"""The search from every page: the dropdown under the header's box (htmx, as you type) and the
results page, which works without JavaScript. Both read through `tracker.global_search`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..global_search import HEADINGS, KINDS, KindResults, Section, suggestions
from ..models.search_engine import search_words
from ..permissions import require

# As long as the commitment list's search box takes.
MAX_QUERY_LENGTH = 200
SUGGESTIONS_PER_KIND = 5
PREVIEW_PER_KIND = 5
PAGE_SIZE = 20


@require_GET
def search_suggest(request):
    """The dropdown's fragment: a few hits per kind. Typed as you go, with no room for a
    message: a longer query is cut to its first characters."""
    require(request, "tracker.view_workspace")
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    sections = suggestions(text, per_kind=SUGGESTIONS_PER_KIND) if text else []
    context = {
        "q": text,
        "sections": sections,
        "has_hits": any(section.hits for section in sections),
    }
    return render(request, "tracker/search/search.html#dropdown", context)


@require_GET
def search(request):
    """Every kind's best hits with a link to all of them, or (`?kind=`) one kind a page at a
    time, with the matched words highlighted."""
    require(request, "tracker.view_workspace")
    text = request.GET.get("q", "")
    if len(text) > MAX_QUERY_LENGTH:
        messages.warning(
            request,
            _("The search was cut to its first %(limit)s characters.")
            % {"limit": MAX_QUERY_LENGTH},
        )
        text = text[:MAX_QUERY_LENGTH]
    text = text.strip()
    words = search_words(text)
    kind = request.GET.get("kind", "")
    if kind not in KINDS:
        kind = ""
    context = {"q": text, "kind": kind, "words": words, "sections": [], "page": None}
    if words and kind:
        page = Paginator(KindResults(kind, words, excerpts=True), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context["page"] = page
        context["query"] = urlencode({"q": text, "kind": kind})
        context["sections"] = [Section(kind, HEADINGS[kind], list(page.object_list))]
        context["total"] = page.paginator.count
    elif words:
        for name in KINDS:
            results = KindResults(name, words, excerpts=True)
            hits = results[0:PREVIEW_PER_KIND]
            section = Section(name, HEADINGS[name], hits)
            section.count = results.count()  # asked with the hits
            section.more = section.count > len(hits)
            section.url = "?" + urlencode({"q": text, "kind": name})
            context["sections"].append(section)
        context["total"] = sum(section.count for section in context["sections"])
    return render(request, "tracker/search/search.html", context)
