"""CSV export of a list: the rows the user sees with the filters they chose, all pages."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.core.export import ExportColumn, csv_lines, csv_stream
from voronka.core.pagination import rows_by_ids

from .listing import list_page

EXPORT_CHUNK = 2000

__all__ = ["ExportColumn", "export_csv"]


def export_csv(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filterset_class,
    default_sort: str,
    columns: list[ExportColumn],
    filename: str,
) -> StreamingHttpResponse:
    entity = getattr(queryset.model, "access_entity", None)
    if entity:
        if not access.can_export(request.user, entity):
            raise PermissionDenied(_("Your role does not allow exporting these records."))
        queryset = access.exportable(request.user, queryset)
        hidden = access.hidden_fields(request.user, entity)
        columns = [c for c in columns if not c.field or c.field not in hidden]
    page = list_page(
        request, queryset, filterset_class=filterset_class, columns=[], default_sort=default_sort
    )
    rows = page.paginator.object_list

    def records() -> Iterable[list]:
        # The ids with an ordinary query, then the rows by id in chunks. A streaming cursor
        # over the whole query makes PostgreSQL plan for the first rows (cursor_tuple_fraction)
        # and can read the table in the wrong order for seconds.
        ids = list(rows.values_list("pk", flat=True))
        for start in range(0, len(ids), EXPORT_CHUNK):
            for record in rows_by_ids(rows, ids[start : start + EXPORT_CHUNK]):
                yield [c.value(record) for c in columns]

    stamp = timezone.localtime().strftime("%Y-%m-%d")
    lines = csv_lines([c.header for c in columns], records())
    return csv_stream(lines, filename=f"{filename}-{stamp}")
