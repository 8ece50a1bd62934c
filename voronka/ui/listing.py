"""List pages: sorting by whitelisted columns, filtering with a FilterSet, capped paging.

The same FilterSet serves the page and the API, so `?owner=3&search=иванов` means the same
in both places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest

from voronka.accounts import access
from voronka.core.pagination import CappedPaginator

from .forms import style_widgets


@dataclass
class Column:
    key: str
    label: str
    sortable: bool = True
    classes: str = ""
    # The record's field the column shows (default: its key); a role may hide it.
    field: str = ""

    @property
    def shows(self) -> str:
        return self.field or self.key


@dataclass
class ListPage:
    page: object
    paginator: CappedPaginator
    sort: str
    filterset: object
    columns: list[Column] = field(default_factory=list)
    querystring: str = ""
    # Fields of the listed records the user's role hides (access.hidden_fields).
    hidden: frozenset = frozenset()

    @property
    def is_filtered(self) -> bool:
        data = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        return any(v not in (None, "", [], ()) for k, v in data.items() if k != "sort")


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def order_for(sort: str, allowed: dict[str, list[str]]) -> list[str]:
    """The ORDER BY of a sort key; "-key" reverses every field of it, and the id breaks ties."""
    fields = [*allowed[sort.lstrip("-")], "pk"]
    return [_reversed(f) for f in fields] if sort.startswith("-") else fields


def list_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filterset_class,
    columns: list[Column],
    default_sort: str,
    per_page: int | None = None,
    filterset_kwargs: dict | None = None,
) -> ListPage:
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, **(filterset_kwargs or {})
    )
    entity = getattr(queryset.model, "access_entity", None)
    hidden = access.hidden_fields(request.user, entity) if entity else frozenset()
    if hidden:
        # Neither filtered nor sorted by what the user may not see (the order would tell).
        for name in list(filterset.form.fields):
            if any(name == f or name.startswith(f + "_") for f in hidden):
                del filterset.form.fields[name]
                filterset.filters.pop(name, None)
        columns = [c for c in columns if c.shows not in hidden]
    style_widgets(filterset.form, small=True)
    if not filterset.is_bound:
        qs = queryset
    elif filterset.is_valid():
        qs = filterset.qs
    else:
        qs = queryset.none()  # the form shows what is wrong with the filter
    sort = request.GET.get("sort") or default_sort
    allowed = filterset.sort_fields if hasattr(filterset, "sort_fields") else {}
    if hidden:
        allowed = {k: v for k, v in allowed.items() if k not in hidden}
    if sort.lstrip("-") not in allowed:
        sort = default_sort
    qs = qs.order_by(*order_for(sort, allowed))
    paginator = CappedPaginator(qs, per_page or settings.VORONKA["PAGE_SIZE"])
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return ListPage(
        page=page,
        paginator=paginator,
        sort=sort,
        filterset=filterset,
        columns=columns,
        querystring=params.urlencode(),
        hidden=hidden,
    )
