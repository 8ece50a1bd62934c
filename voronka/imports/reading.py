"""Reading an uploaded file as rows of text cells, whatever it is: CSV (any delimiter, UTF-8
or Windows-1251), XLSX, XLS, ODS (python-calamine, decision 0014-import) or vCard.

The type is told by the content, never by the name. Rows are produced one at a time, so a
file of a million rows costs the memory of one batch, not of the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import FileKind
from .vcard import VCARD_HEADERS, card_rows, is_begin

SAMPLE = 64 * 1024
DELIMITERS = [";", ",", "\t", "|"]
# A cell longer than this is cut: a spreadsheet cell holds at most 32,767 characters anyway.
CELL_LIMIT = 32_767
csv.field_size_limit(CELL_LIMIT * 4)


class NotATable(ValueError):
    """The file is none of the formats an import reads (the message says why)."""


@dataclass
class FileInfo:
    kind: str
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(sample, "utf-8"):
        return "utf-8"
    # Windows-1251 decodes any byte but 0x98; a file that is not text was refused before.
    return "cp1251"


def _zip_kind(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return FileKind.XLSX
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mimetype:
                    return FileKind.ODS
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def detect(stream) -> FileInfo:
    """What the file is, from its first bytes (and a zip's table of contents)."""
    stream.seek(0)
    sample = stream.read(SAMPLE)
    stream.seek(0)
    if not sample:
        raise NotATable(_("The file is empty."))
    if sample.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
        stream.seek(0)
        if kind is None:
            raise NotATable(_("The file is an archive, not a table (XLSX, ODS) we can read."))
        return FileInfo(kind=kind)
    if sample.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return FileInfo(kind=FileKind.XLS)
    encoding = detect_encoding(sample)
    if encoding != "utf-16" and b"\x00" in sample:
        raise NotATable(_("The file is not a table: it is neither text nor a spreadsheet."))
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    if is_begin(text.lstrip("\ufeff \r\n\t").split("\n", 1)[0]):
        return FileInfo(kind=FileKind.VCF, encoding=encoding)
    if text.lstrip().startswith(("{\\rtf", "%PDF", "<")):
        raise NotATable(_("The file is not a table: it is neither text nor a spreadsheet."))
    lines = text.splitlines()[:50] or [text]
    return FileInfo(kind=FileKind.CSV, encoding=encoding, delimiter=_delimiter(lines))


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number (>1) of cells."""
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines[:-1] or lines, delimiter=delimiter)]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        same = max(counts.count(c) for c in set(counts))
        score = same * 100 + max(counts)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def cell_text(value) -> str:
    """A spreadsheet's cell as the text a person typed: 77011234567 not 77011234567.0, a
    date as 31.12.2026."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return str(Decimal(repr(value)))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)[:CELL_LIMIT]


def _text_stream(path, encoding: str):
    return open(path, encoding=encoding, errors="replace", newline="")


def _csv_rows(path, info: FileInfo) -> Iterator[list[str]]:
    with _text_stream(path, info.encoding) as handle:
        for row in csv.reader(handle, delimiter=info.delimiter or ","):
            yield [cell[:CELL_LIMIT].strip() for cell in row]


def _sheet_rows(path) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as error:  # calamine raises its own errors on a broken file
        raise NotATable(_("The spreadsheet cannot be read: %(error)s") % {"error": error}) from None
    for row in rows:
        yield [cell_text(value).strip() for value in row]


def rows(path, info: FileInfo) -> Iterator[list[str]]:
    """Every non-empty row of the file, the header row first."""
    for _number, row in numbered_rows(path, info):
        yield row


def numbered_rows(path, info: FileInfo) -> Iterator[tuple[int, list[str]]]:
    """Every non-empty row with its number in the file (1 is the first row; a vCard's
    number is its card's)."""
    if info.kind == FileKind.CSV:
        source = _csv_rows(path, info)
    elif info.kind == FileKind.VCF:
        source = _vcard_rows(path, info)
    else:
        source = _sheet_rows(path)
    for number, row in enumerate(source, start=1):
        if any(row):
            yield number, row


def _vcard_rows(path, info: FileInfo) -> Iterator[list[str]]:
    yield list(VCARD_HEADERS)
    with _text_stream(path, info.encoding) as handle:
        yield from card_rows(handle)


def read_headers(path, info: FileInfo) -> list[str]:
    for row in rows(path, info):
        return row
    raise NotATable(_("The file has no rows."))


def count_rows(path, info: FileInfo) -> int:
    """The data rows (without the header), for the progress bar."""
    if info.kind == FileKind.VCF:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if is_begin(line.decode("latin-1")))
    return max(sum(1 for _row in rows(path, info)) - 1, 0)
