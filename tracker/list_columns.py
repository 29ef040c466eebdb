"""The commitment list's layout: which columns it shows and how it groups its rows.

Both live in the address (`?cols=owner&cols=target&group=status`), like the filters, so that a
shared link or a saved view shows the same table. An address naming no column shows the default
ones; a name that is not a column is ignored, never an error.

The export (tracker/list_export.py) writes the same columns, so a file carries what the list shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .forms import STATUS_ORDER
from .models import Division, Status, Theme
from .names import display_name

COLUMNS_PARAM = "cols"
GROUP_PARAM = "group"


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    default: bool


# In the order the table shows them; the commitment's title is always the first column.
COLUMNS = (
    Column("meeting", _("Origin meeting"), True),
    Column("status", _("Status"), True),
    Column("confidence", _("Confidence"), False),
    Column("owner", _("Owner"), True),
    Column("division", _("Division"), True),
    Column("themes", _("Themes"), False),
    Column("target", _("Target date"), True),
    Column("updated", _("Last update"), True),
    Column("next_step", _("Next step"), False),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
DEFAULT_COLUMNS = tuple(column.key for column in COLUMNS if column.default)

GROUPS = {
    "status": _("Status"),
    "division": _("Division"),
    "owner": _("Owner"),
    "theme": _("Theme"),
}


def chosen_columns(params: QueryDict) -> tuple[str, ...]:
    """The columns the address asks for, in the table's order; the default ones if none.

    Repeated (`cols=a&cols=b`, as the checkboxes send them) or comma-separated (`cols=a,b`).
    """
    asked = {part.strip() for value in params.getlist(COLUMNS_PARAM) for part in value.split(",")}
    columns = tuple(key for key in COLUMN_KEYS if key in asked)
    return columns or DEFAULT_COLUMNS


def chosen_group(params: QueryDict) -> str:
    value = params.get(GROUP_PARAM, "")
    return value if value in GROUPS else ""


def columns_value(columns: tuple[str, ...]) -> str:
    """The `cols` parameter for `columns`: one comma-separated value, empty for the default."""
    return "" if columns == DEFAULT_COLUMNS else ",".join(columns)


def layout_query(query: QueryDict, *, columns: tuple[str, ...] | None = None) -> QueryDict:
    """`query` with its layout spelled the short way: one `cols` value, none when the columns
    are the default ones; no `group` that is not a grouping. `columns` replaces the query's."""
    query = query.copy()
    value = columns_value(chosen_columns(query) if columns is None else columns)
    query.pop(COLUMNS_PARAM, None)
    if value:
        query[COLUMNS_PARAM] = value
    group = chosen_group(query)
    query.pop(GROUP_PARAM, None)
    if group:
        query[GROUP_PARAM] = group
    return query


def _toggled(columns: tuple[str, ...], key: str) -> tuple[str, ...]:
    chosen = set(columns) ^ {key}
    # Every column hidden would leave only the titles: the default ones instead.
    return tuple(k for k in COLUMN_KEYS if k in chosen) or DEFAULT_COLUMNS


# Grouping --------------------------------------------------------------------------------------

# A commitment with several themes is listed once, under the first of its themes by name: every
# row in one place, and the groups' counts add up to the list's.
_FIRST_THEME = Subquery(
    Theme.objects.filter(commitment=OuterRef("pk")).order_by("name", "pk").values("pk")[:1]
)


def _group_expression(group: str):
    return {
        "status": F("status"),
        "division": F("lead_division_id"),
        "owner": F("owner_id"),
        "theme": _FIRST_THEME,
    }[group]


def grouped(queryset, group: str):
    """The rows ordered by their group first, each with `group_key`; unchanged without a group.

    Statuses in the order of their lifecycle, as the list sorts them; the other groups by key,
    the rows without one last."""
    if not group:
        return queryset
    ordering = queryset.query.order_by
    first = STATUS_ORDER.asc() if group == "status" else F("group_key").asc(nulls_last=True)
    return queryset.annotate(group_key=_group_expression(group)).order_by(first, *ordering)


def _labels(group: str, keys: list) -> dict:
    known = [key for key in keys if key is not None]
    if group == "status":
        labels = {value: str(label) for value, label in Status.choices}
    elif group == "division":
        labels = {d.pk: display_name(d) for d in Division.objects.filter(pk__in=known)}
    elif group == "theme":
        labels = {t.pk: display_name(t) for t in Theme.objects.filter(pk__in=known)}
    else:
        users = get_user_model().objects.filter(pk__in=known)
        labels = {u.pk: display_name(u) for u in users.only("first_name", "last_name", "username")}
    none = {
        "status": "—",
        "division": _("No division"),
        "owner": _("No owner"),
        "theme": _("No theme"),
    }[group]
    return labels | {None: str(none)}


def group_counts(queryset, group: str) -> dict:
    """Each group's heading and how many rows of the whole filtered list it holds (not only the
    page's): two queries, whatever the number of rows."""
    counts = dict(
        queryset.order_by()
        .annotate(group_key=_group_expression(group))
        .values_list("group_key")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    labels = _labels(group, list(counts))
    return {key: (labels.get(key, str(key)), n) for key, n in counts.items()}


def mark_group_starts(rows, group: str, counts: dict) -> None:
    """Give the first row of each group on the page `group_heading` (its label and count)."""
    if not group:
        return
    previous = object()
    for row in rows:
        if row.group_key != previous:
            row.group_heading = counts.get(row.group_key, (str(row.group_key), 0))
            previous = row.group_key


# Each column's width in the XLSX, in digits (tracker/list_export.py writes the values).
EXPORT_WIDTHS = {
    "meeting": 40,
    "status": 14,
    "confidence": 12,
    "owner": 20,
    "division": 26,
    "themes": 26,
    "target": 12,
    "updated": 17,
    "next_step": 48,
}


@dataclass(frozen=True)
class ListLayout:
    """The columns and grouping one request of the list asks for."""

    columns: tuple[str, ...]
    group: str

    @classmethod
    def from_params(cls, params: QueryDict) -> ListLayout:
        return cls(columns=chosen_columns(params), group=chosen_group(params))

    def apply(self, queryset):
        return grouped(queryset, self.group)

    def context(self, queryset, page, query: QueryDict) -> dict:
        """What the list's template needs; the group counts read the whole filtered `queryset`.

        Each column of the menu is a link to the list with that column shown or hidden (a link,
        not a checkbox in the filter form: the filters' own labels, such as "Status", stay the
        only form fields with those names)."""
        if self.group:
            mark_group_starts(page.object_list, self.group, group_counts(queryset, self.group))
        url = reverse("commitment-list")
        choices = []
        for column in COLUMNS:
            toggled = layout_query(query, columns=_toggled(self.columns, column.key))
            toggled.pop("page", None)
            link = f"{url}?{toggled.urlencode()}" if toggled else url
            choices.append((column.key, column.label, column.key in self.columns, link))
        return {
            "columns": dict.fromkeys(self.columns, True),
            "columns_value": columns_value(self.columns),
            "column_choices": choices,
            # A group's heading spans the table: the chosen columns, the title, the selection box.
            "column_count": len(self.columns) + 2,
            "group": self.group,
            "group_choices": list(GROUPS.items()),
        }
