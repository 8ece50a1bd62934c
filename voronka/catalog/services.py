"""Writes to the catalogue: products, price-list types and price lists, and the upload of a
price list from XLSX or CSV (replacing or extending its current lines)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.audit.models import Verb
from voronka.audit.services import record_setting, setting_snapshot
from voronka.core import text
from voronka.core.search import TokenKind

from .models import (
    PriceList,
    PriceListAttribute,
    PriceListLine,
    PriceListLineSearchToken,
    PriceListType,
    Product,
)

MAX_UPLOAD_ROWS = 200_000
PRICE_HEADERS = ("цена", "сумма", "стоимость", "price", "amount", "rate")
COST_HEADERS = ("себестоимость", "закупка", "цена поставщика", "нетто", "cost", "net")


def require_price_lists(actor: User) -> None:
    """Price lists are loaded by whoever sells (may create deals)."""
    if not access.can_create(actor, Entity.DEAL):
        raise PermissionDenied(_("You may not load price lists."))


def save_setting(*, actor: User, obj, before: dict | None = None) -> Any:
    """Save a catalogue setting (a product, a group, a price-list type or attribute) with its
    history: administrators only."""
    access.require_configure(actor)
    added = obj.pk is None
    with transaction.atomic():
        obj.full_clean()
        obj.save()
        if added:
            record_setting(actor=actor, setting=obj, verb=Verb.SETTING_ADDED)
        else:
            record_setting(actor=actor, setting=obj, verb=Verb.SETTING_CHANGED, before=before)
    return obj


def product_save(*, actor: User, product: Product, before: dict | None = None) -> Product:
    return save_setting(actor=actor, obj=product, before=before)


def price_list_type_save(
    *, actor: User, list_type: PriceListType, attributes: list[dict[str, Any]]
) -> PriceListType:
    """A price-list type with its ordered attributes (code, name, kind); attributes left out
    are removed (lines keep their values under the old code)."""
    access.require_configure(actor)
    with transaction.atomic():
        before = setting_snapshot(list_type) if list_type.pk else None
        save_setting(actor=actor, obj=list_type, before=before)
        kept = []
        for order, item in enumerate(attributes, start=1):
            attribute = PriceListAttribute.objects.filter(
                type=list_type, code=item["code"]
            ).first() or PriceListAttribute(type=list_type, code=item["code"])
            attribute.name = item["name"]
            attribute.kind = item.get("kind") or attribute.kind
            attribute.aliases = item.get("aliases", attribute.aliases)
            attribute.order = order
            attribute.full_clean()
            attribute.save()
            kept.append(attribute.pk)
        list_type.attributes.exclude(pk__in=kept).delete()
    return list_type


def price_list_create(*, actor: User, data: dict[str, Any]) -> PriceList:
    require_price_lists(actor)
    price_list = PriceList(created_by=actor, **data)
    if price_list.supplier_id:
        access.require_links(actor, supplier=price_list.supplier)
    with transaction.atomic():
        price_list.full_clean()
        price_list.save()
        record_setting(actor=actor, setting=price_list, verb=Verb.SETTING_ADDED)
    return price_list


# Upload --------------------------------------------------------------------------------------


@dataclass
class UploadResult:
    added: int = 0
    replaced: int = 0
    skipped: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)


def read_table(name: str, content: bytes) -> list[list[str]]:
    """Rows of an XLSX or CSV file as text (the first row is the header)."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        import_error = _("This is not an XLSX file that can be read.")
        try:
            from openpyxl import load_workbook  # heavy, only for uploads

            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:
            raise ValidationError(import_error) from error
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v).strip() for v in row])
            if len(rows) > MAX_UPLOAD_ROWS + 1:
                raise ValidationError(_("The file has too many rows."))
        book.close()
        return rows
    if name.lower().endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                decoded = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        header = decoded.split("\n", 1)[0]
        delimiter = max(";,\t", key=header.count)
        reader = csv.reader(io.StringIO(decoded), delimiter=delimiter)
        rows = [[c.strip() for c in row] for row in reader]
        if len(rows) > MAX_UPLOAD_ROWS + 1:
            raise ValidationError(_("The file has too many rows."))
        return rows
    raise ValidationError(_("Upload an XLSX or CSV file."))


def _header_key(header: str) -> str:
    return " ".join(text.words(header))


def auto_mapping(headers: list[str], attributes: list[PriceListAttribute]) -> dict[str, int]:
    """Which column holds each attribute (by its name or code; a header cut short, like
    «Распо» for «Расположение», still matches), and `price` / `cost_price`."""
    keys = [_header_key(h) for h in headers]
    found: dict[str, int] = {}

    def find(*names: str) -> int | None:
        wanted = [_header_key(n) for n in names if n]
        for index, key in enumerate(keys):
            if key and index not in found.values() and key in wanted:
                return index
        for index, key in enumerate(keys):
            if not key or index in found.values():
                continue
            if any(w.startswith(key) or key.startswith(w) for w in wanted if len(key) >= 4):
                return index
        return None

    for attribute in attributes:
        aliases = [a.strip() for a in attribute.aliases.split(",")]
        index = find(attribute.name, attribute.code, *aliases)
        if index is not None:
            found[attribute.code] = index
    for code, names in (("price", PRICE_HEADERS), ("cost_price", COST_HEADERS)):
        index = find(*names)
        if index is not None:
            found[code] = index
    return found


_MONEY_RE = re.compile(r"[^\d,.\-]")


def parse_money(raw: str) -> Decimal | None:
    """«$100.00», «1 200,50», «150» → a Decimal; None when it is no amount."""
    cleaned = _MONEY_RE.sub("", raw or "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def line_label(attributes: list[PriceListAttribute], values: dict[str, str]) -> str:
    return " / ".join(values[a.code] for a in attributes if values.get(a.code))[:500]


def line_tokens(line: PriceListLine, supplier_words: list[str]) -> set[str]:
    words: set[str] = set(supplier_words)
    for value in line.attributes.values():
        words.update(text.words(str(value)))
    return {w for w in words if w}


def supplier_words(price_list: PriceList) -> list[str]:
    words = text.words(price_list.name)
    if price_list.supplier_id:
        supplier = price_list.supplier
        words += text.words(supplier.name) + text.words(supplier.city)
        words += text.words(supplier.region)
    return words


def price_list_upload(
    *,
    actor: User,
    price_list: PriceList,
    name: str,
    content: bytes,
    replace: bool,
    mapping: dict[str, int] | None = None,
) -> UploadResult:
    """Load lines from a file. `replace` makes the current lines history (kept, not current,
    for the deals that quoted them); otherwise the new lines are added to them."""
    require_price_lists(actor)
    rows = read_table(name, content)
    if not rows:
        raise ValidationError(_("The file is empty."))
    headers, body = rows[0], rows[1:]
    attributes = list(price_list.type.attributes.all())
    columns = {**auto_mapping(headers, attributes), **(mapping or {})}
    if "price" not in columns:
        raise ValidationError(_("No price column found: name one «Цена» or «Сумма», or choose it."))
    result = UploadResult(
        mapping={code: headers[i] for code, i in columns.items() if i < len(headers)}
    )
    words = supplier_words(price_list)
    new_lines: list[PriceListLine] = []
    for number, row in enumerate(body, start=2):
        if not any(row):
            continue

        def cell(i, row=row):
            return row[i] if i is not None and i < len(row) else ""

        price = parse_money(cell(columns["price"]))
        if price is None:
            result.skipped.append(_("Row %(row)s: no price.") % {"row": number})
            continue
        values = {a.code: cell(columns.get(a.code)) for a in attributes}
        cost = parse_money(cell(columns.get("cost_price"))) if "cost_price" in columns else None
        new_lines.append(
            PriceListLine(
                price_list=price_list,
                attributes=values,
                price=price,
                cost_price=cost,
                currency=price_list.currency,
                label=line_label(attributes, values),
            )
        )
    with transaction.atomic():
        if replace:
            old = PriceListLine.objects.filter(price_list=price_list, is_current=True)
            PriceListLineSearchToken.objects.filter(record__in=old).delete()
            result.replaced = old.update(is_current=False)
        PriceListLine.objects.bulk_create(new_lines, batch_size=2000)
        tokens = [
            PriceListLineSearchToken(record=line, kind=TokenKind.WORD, token=token)
            for line in new_lines
            for token in line_tokens(line, words)
        ]
        PriceListLineSearchToken.objects.bulk_create(tokens, batch_size=5000)
        result.added = len(new_lines)
    return result
