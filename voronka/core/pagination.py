"""Pagination that stays fast on millions of rows."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts rows only up to a limit, and fetches a page as ids first, then its rows.

    An exact COUNT(*) over a million rows costs more than the page itself; past the limit a
    person narrows the list with filters or reverses the sort instead of paging on.

    A page is read in two steps (a "deferred join"): the ids of the page come from the
    filtered, sorted table alone, which an index answers without touching the joined tables;
    then the page's rows are read by id with their related records. Joining first would make
    the database join (and, on SQLite, sometimes sort) every row before the offset.
    """

    def __init__(self, object_list, per_page, *args, count_limit: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_limit = count_limit or settings.VORONKA["LIST_COUNT_LIMIT"]

    @cached_property
    def count(self) -> int:
        # Any limit+1 rows tell whether there are more than the limit: no need to sort them.
        counted = self.object_list.order_by()[: self.count_limit + 1].count()
        self.count_is_exact = counted <= self.count_limit
        return min(counted, self.count_limit)

    @cached_property
    def count_is_exact(self) -> bool:
        return self.count <= self.count_limit  # pragma: no cover (set by count)

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(slice_by_ids(self.object_list, bottom, top), number, self)


def slice_by_ids(queryset: QuerySet, bottom: int, top: int) -> list:
    """`list(queryset[bottom:top])` in two steps: the ids from the filtered, sorted table alone,
    then those rows with the queryset's related records (select_related / prefetch_related),
    without its filters again (they decided the ids already; a search would run twice)."""
    return rows_by_ids(queryset, list(queryset.values_list("pk", flat=True)[bottom:top]))


def rows_by_ids(queryset: QuerySet, ids: list) -> list:
    """The rows of these ids, in this order, with the queryset's related records."""
    if not ids:
        return []
    rows = queryset.model._default_manager.filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]
