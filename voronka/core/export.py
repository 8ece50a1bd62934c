"""CSV export of a list: the rows the user sees with the filters they chose, all pages."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format

from .listing import list_page
from .pagination import rows_by_ids

EXPORT_CHUNK = 2000


@dataclass
class ExportColumn:
    header: str
    value: Callable[[object], object]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    if text[:1] in {"=", "+", "-", "@"} and not text.lstrip("+-").replace(" ", "").isdigit():
        text = "'" + text
    return text


def export_csv(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    filterset_class,
    default_sort: str,
    columns: list[ExportColumn],
    filename: str,
) -> StreamingHttpResponse:
    """Stream a CSV that Excel opens as it is: UTF-8 with a BOM, semicolons between cells."""
    page = list_page(
        request, queryset, filterset_class=filterset_class, columns=[], default_sort=default_sort
    )
    rows = page.paginator.object_list

    def lines() -> Iterable[str]:
        writer = csv.writer(_Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow([c.header for c in columns])
        # The ids with an ordinary query, then the rows by id in chunks. A streaming cursor
        # over the whole query makes PostgreSQL plan for the first rows (cursor_tuple_fraction)
        # and can read the table in the wrong order for seconds.
        ids = list(rows.values_list("pk", flat=True))
        for start in range(0, len(ids), EXPORT_CHUNK):
            for record in rows_by_ids(rows, ids[start : start + EXPORT_CHUNK]):
                yield writer.writerow([_cell(c.value(record)) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response
