"""Saved views of the commitment list: save, open, rename, update, share, delete; and the
built-in views, which are the dashboard's boxes.

Opening a view sends the browser to the list with the view's parameters (and `view=<pk>`, so the
list names it and offers to update it). The parameters are checked with the list's own filter
form first: one that no longer applies (its meeting was deleted) is dropped, with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import services
from ..forms import CommitmentFilterForm
from ..models import SavedView
from ..permissions import require
from ..saved_view_forms import SavedViewForm
from ..service_errors import add_service_errors

# As the dashboard counts it (workspace.DUE_SOON_DAYS, which a test holds equal): this module is
# imported by the workspace's, so it cannot import that one.
DUE_SOON_DAYS = 14
# The dashboard's boxes, as views: each the very list its box counts (see the dashboard).
BUILTIN_VIEWS = {
    "mine": (gettext_lazy("My open commitments"), "status=open&owner={user}&sort=target"),
    "overdue": (gettext_lazy("Overdue"), "overdue=on&status=open"),
    "due-soon": (gettext_lazy("Due in 14 days"), f"due_within={DUE_SOON_DAYS}&sort=target"),
    "stale": (gettext_lazy("Stale (no update for 14 days)"), "stale=on&sort=updated"),
    "red": (gettext_lazy("Red confidence"), "status=open&confidence=red"),
}


def builtin_query(slug: str, user) -> str:
    """The list filters of a built-in view (a dashboard box) for `user`."""
    return BUILTIN_VIEWS[slug][1].format(user=user.pk)


def _list_address(query: str, view: SavedView | None = None) -> str:
    params = QueryDict(query, mutable=True)
    if view is not None:
        params["view"] = str(view.pk)
    url = reverse("commitment-list")
    return f"{url}?{params.urlencode()}" if params else url


def _checked(request, query: str, *, builtin: bool = False) -> str:
    """`query` without the filters the list's form refuses, each refusal said in a message."""
    params = QueryDict(query, mutable=True)
    form = CommitmentFilterForm(params)
    if form.is_valid():
        return query
    dropped = [str(form.fields[name].label) for name in form.errors if name in form.fields]
    for name in form.errors:
        params.pop(name, None)
    if builtin:
        # "Mine" names its user as the owner, which the filter offers only to owners of items.
        message = _(
            "Some filters of this view do not apply to you yet, so the list is shown without "
            "them: %(filters)s."
        )
    else:
        message = _(
            "Some filters of this view no longer apply, so the list is shown without them: "
            "%(filters)s. The item they named may have been deleted. Update the view to keep "
            "the list as it is now."
        )
    messages.warning(request, message % {"filters": ", ".join(dropped)})
    return params.urlencode()


def _visible(request, pk: int) -> SavedView:
    view = get_object_or_404(SavedView.objects.select_related("owner", "division"), pk=pk)
    # Someone else's personal view is not there for this user: the same answer as no view.
    if not request.user.has_perm("tracker.open_saved_view", view):
        raise Http404
    return view


def current_view(request) -> SavedView | None:
    """The saved view the list was opened from (`?view=<pk>`), if the user may see it."""
    value = request.GET.get("view", "")
    if not (value.isascii() and value.isdigit()):
        return None
    view = SavedView.objects.select_related("division").filter(pk=int(value)).first()
    if view is None or not request.user.has_perm("tracker.open_saved_view", view):
        return None
    view.can_change = request.user.has_perm("tracker.change_saved_view", view)
    return view


@require_GET
@vary_on_headers("HX-Request")
def saved_view_list(request):
    """Every view the user may open: the built-in ones, their own and their divisions' shared
    ones. htmx asks for just the menu (the list page's Views menu)."""
    require(request, "tracker.view_workspace")
    views = list(SavedView.objects.visible_to(request.user))
    for view in views:
        view.can_change = request.user.has_perm("tracker.change_saved_view", view)
    context = {
        "views": views,
        "builtin_views": [(slug, label) for slug, (label, _query) in BUILTIN_VIEWS.items()],
    }
    template = "tracker/saved_views/saved_view_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#views-menu"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def saved_view_create(request):
    """Name the list as it is (its parameters come in the address) and save it."""
    require(request, "tracker.view_workspace")
    if request.method == "POST":
        form = SavedViewForm(request.POST, user=request.user)
    else:
        query = services.saved_view_query(request.GET)
        form = SavedViewForm(initial={"query": query}, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            view = services.saved_view_create(
                user=request.user,
                name=form.cleaned_data["name"],
                query=form.cleaned_data["query"],
                division=form.cleaned_data["division"],
            )
        except PermissionDenied:
            form.add_error("division", _("You may share a view only with your own divisions."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
            return redirect(_list_address(view.query, view))
    return render(request, "tracker/saved_views/saved_view_form.html", {"form": form, "view": None})


@require_GET
def saved_view_open(request, pk: int):
    require(request, "tracker.view_workspace")
    view = _visible(request, pk)
    return redirect(_list_address(_checked(request, view.query), view))


@require_GET
def builtin_view_open(request, slug: str):
    require(request, "tracker.view_workspace")
    if slug not in BUILTIN_VIEWS:
        raise Http404
    query = _checked(request, builtin_query(slug, request.user), builtin=True)
    return redirect(_list_address(query))


@require_http_methods(["GET", "POST"])
def saved_view_update(request, pk: int):
    """Rename the view or change its sharing; or, from the list (`filters=1`), give it the list's
    current parameters."""
    require(request, "tracker.view_workspace")
    view = _visible(request, pk)
    require(request, "tracker.change_saved_view", view)
    if request.method == "POST" and request.POST.get("filters"):
        query = services.saved_view_query(QueryDict(request.POST.get("query", "")))
        try:
            view = services.saved_view_update(view=view, user=request.user, query=query)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("The view “%(name)s” now shows this list.") % {"name": view.name}
            )
        return redirect(_list_address(view.query, view))
    initial = {"name": view.name, "division": view.division_id, "query": view.query}
    form = SavedViewForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            view = services.saved_view_update(
                view=view,
                user=request.user,
                name=form.cleaned_data["name"],
                division=form.cleaned_data["division"],
            )
        except PermissionDenied:
            form.add_error("division", _("You may share a view only with your own divisions."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
            return redirect("saved-view-list")
    return render(request, "tracker/saved_views/saved_view_form.html", {"form": form, "view": view})


@require_POST
def saved_view_delete(request, pk: int):
    require(request, "tracker.view_workspace")
    view = _visible(request, pk)
    require(request, "tracker.change_saved_view", view)
    services.saved_view_delete(view=view, user=request.user)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect("saved-view-list")
