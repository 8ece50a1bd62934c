"""Every table Voronka gives away as a file is written here: the lists, the report blocks, the
scorecard, saved reports and the letters that carry them.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return,
which some programs strip first) as a formula, so a company named `=HYPERLINK(...)` would
become a live link, or worse, for whoever opens a shared report. CSV cells that could be read
that way get a leading apostrophe; XLSX cells that hold text are typed as text, never as
formulas. Numbers, dates and money stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.formats import date_format

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# A plain number written as text ("-5", "+7 701 123 45 67", "1 000,50") is read as a number,
# never as a formula: it keeps its look.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d ]*(?:[.,]\d+)?")


@dataclass
class ExportColumn:
    header: str
    value: Callable[[object], object]
    # The record's field this column shows: left out for a role that hides it.
    field: str = ""


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (also after leading spaces)."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = text.lstrip(" ")
    return stripped[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(stripped)


def neutralise(text: str) -> str:
    """The text as a CSV cell no spreadsheet runs: a leading apostrophe where needed."""
    return "'" + text if is_formula_like(text) else text


def plain(value) -> object:
    """A value as a spreadsheet cell: numbers stay numbers, moments are local, the rest text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_cell(value) -> str:
    cell = plain(value)
    return neutralise(cell) if isinstance(cell, str) else str(cell)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence, rows: Iterable[Sequence]) -> Iterable[str]:
    """CSV that Excel opens as it is: UTF-8 with a BOM, semicolons between cells."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def xlsx_bytes(
    title: str, header: Sequence, rows: Iterable[Sequence], *, money_from: int | None = None
) -> bytes:
    """One sheet with a bold header; text cells typed as text. Columns from `money_from`
    (0-based) on get a money format."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    # Excel's limits for a sheet name: 31 characters, none of []:*?/\
    name = "".join(" " if c in "[]:*?/\\" else c for c in str(title))[:31].strip()
    sheet = book.create_sheet(title=name or "Sheet")
    sheet.column_dimensions["A"].width = 40
    bold = Font(bold=True)

    def cell(value, index: int, *, header_row: bool = False) -> WriteOnlyCell:
        value = plain(value)
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl types a string that starts with "=" as a formula: say it is text.
            result.data_type = "s"
        elif money_from is not None and index >= money_from:
            result.number_format = "#,##0.00"
        if header_row:
            result.font = bold
        return result

    sheet.append([cell(h, i, header_row=True) for i, h in enumerate(header)])
    for row in rows:
        sheet.append([cell(value, i) for i, value in enumerate(row)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(
    fmt: str,
    *,
    filename: str,
    title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    money_from: int | None = None,
) -> HttpResponse:
    """A table as a download: `fmt` is "csv" or "xlsx"."""
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(title, header, rows, money_from=money_from), content_type=XLSX_TYPE
        )
    else:
        response = HttpResponse(csv_bytes(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def csv_stream(lines: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    """A long CSV (a whole list) streamed as it is written."""
    response = StreamingHttpResponse(lines, content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
