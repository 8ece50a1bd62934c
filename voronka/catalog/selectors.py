"""Reads of the catalogue: the VAT rate of a date, and the search across current price lists."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from voronka.core import text

from .models import PriceList, PriceListLine, PriceListLineSearchToken, VatKind, VatRate


def vat_rate(*, country: str, kind: str, on: datetime.date) -> Decimal | None:
    """The rate of this kind in force in the country on the date (None: without VAT)."""
    if kind == VatKind.NONE:
        return None
    row = (
        VatRate.objects.filter(country=country, kind=kind, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    return row.rate if row is not None else None


def vat_rates_on(*, country: str, on: datetime.date) -> dict[str, Decimal | None]:
    """Every kind's rate on a date, in one query (a document with many lines)."""
    found: dict[str, Decimal | None] = {VatKind.NONE: None}
    for row in VatRate.objects.filter(country=country, valid_from__lte=on).order_by(
        "kind", "-valid_from"
    ):
        found.setdefault(row.kind, row.rate)
    return found


# Search --------------------------------------------------------------------------------------

_CURRENCY_WORDS = {
    "$": "USD",
    "usd": "USD",
    "долл": "USD",
    "доллар": "USD",
    "долларов": "USD",
    "€": "EUR",
    "eur": "EUR",
    "евро": "EUR",
    "₽": "RUB",
    "rub": "RUB",
    "руб": "RUB",
    "рублей": "RUB",
    "₸": "KZT",
    "kzt": "KZT",
    "тг": "KZT",
    "тенге": "KZT",
    "£": "GBP",
    "gbp": "GBP",
}
# Words that only say what a number counts («2 взрослых»): the number is the term.
_COUNT_WORDS = {
    "взрослых",
    "взрослый",
    "взрослого",
    "взрослые",
    "взр",
    "гостя",
    "гостей",
    "гость",
    "человек",
    "человека",
    "чел",
    "adults",
    "adult",
    "pax",
    "persons",
    "guests",
}
_MAX_RE = re.compile(r"(?:до|не\s+дороже|<=?|≤|max|under)\s*(\d[\d\s]*(?:[.,]\d+)?)", re.I)
_MIN_RE = re.compile(r"(?:от|не\s+дешевле|>=?|≥|min|over)\s*(\d[\d\s]*(?:[.,]\d+)?)", re.I)
_SYMBOL_RE = re.compile(r"[$€₽₸£]")


@dataclass
class PriceQuery:
    terms: list[str] = field(default_factory=list)
    max_price: Decimal | None = None
    min_price: Decimal | None = None
    currency: str | None = None


def _decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None


def parse_price_query(query: str) -> PriceQuery:
    """«Лондон, 2 взрослых, завтрак, до 150 $» → terms [лондон, 2, завтрак], price ≤ 150,
    currency USD. Every term must start a word of the line (its attributes, its supplier's
    name and city)."""
    query = query or ""
    parsed = PriceQuery()
    for pattern, attr in ((_MAX_RE, "max_price"), (_MIN_RE, "min_price")):
        match = pattern.search(query)
        if match:
            setattr(parsed, attr, _decimal(match.group(1).strip()))
            query = query[: match.start()] + " " + query[match.end() :]
    symbol = _SYMBOL_RE.search(query)
    if symbol:
        parsed.currency = _CURRENCY_WORDS[symbol.group(0)]
        query = _SYMBOL_RE.sub(" ", query)
    for word in text.words(query):
        if word in _CURRENCY_WORDS and parsed.currency is None:
            parsed.currency = _CURRENCY_WORDS[word]
        elif word in _CURRENCY_WORDS or word in _COUNT_WORDS:
            continue
        elif word not in parsed.terms and (len(word) >= 2 or word.isdigit()):
            parsed.terms.append(word)
    parsed.terms = parsed.terms[:8]
    return parsed


def _stem(term: str) -> str:
    """A Russian word typed in another case («завтраком», «Лондоне») still finds the line:
    a long word is looked up by its first letters (the stem), a short one whole."""
    if term.isdigit() or len(term) <= 5:
        return term
    return term[: max(5, len(term) - 2)]


def _prefix_tokens(term: str) -> QuerySet:
    stem = _stem(term)
    if term.isdigit():
        return PriceListLineSearchToken.objects.filter(token=stem)
    return PriceListLineSearchToken.objects.filter(token__prefix=stem)


COUNT_CAP = 3000


def _intersection(terms: list[str]) -> RawSQL:
    """The ids of the lines holding every term, as one INTERSECT of token-index range scans:
    for terms that are each in thousands of lines, cheaper than checking each line."""
    parts, params = [], []
    for term in terms:
        sql, term_params = _prefix_tokens(term).values("record_id").query.sql_with_params()
        parts.append(sql)
        params.extend(term_params)
    # Django compiled each part from a queryset; the values stay bound parameters.
    return RawSQL(" INTERSECT ".join(parts), params)  # noqa: S611


WALK = 3000


def search_price_lines(query: str, *, limit: int = 50) -> list[PriceListLine]:
    """Current lines of current price lists matching a query, cheapest first.

    Each term's line ids are read from the token index first (at most COUNT_CAP), and the
    plan follows:
    - a rare term drives: its lines are read by id, the other rare terms' sets intersected,
      the common terms checked per line through the (line, token) index;
    - when every term is common («бунгало полупансион»), the cheapest few thousand lines are
      walked in price order (an index) checking the terms, which finds the first page at
      once; if they hold too few matches, the terms' line sets are intersected in the index.
    No plan reads the whole table."""
    parsed = parse_price_query(query)
    lines = _current(parsed, walk=True)
    if not parsed.terms:
        if parsed.max_price is None and parsed.min_price is None and not parsed.currency:
            return []
        return list(_page(lines, limit))
    # Up to COUNT_CAP line ids per term, from the token index alone.
    ids = {
        t: list(_prefix_tokens(t).values_list("record_id", flat=True)[:COUNT_CAP])
        for t in parsed.terms
    }
    counted = sorted(parsed.terms, key=lambda t: len(ids[t]))
    rarest = counted[0]
    if len(ids[rarest]) < COUNT_CAP:
        # Every line of the rare term is known: intersect with the other terms here, then
        # read the few lines by their ids.
        wanted = set(ids[rarest])
        for term in counted[1:]:
            if len(ids[term]) < COUNT_CAP:
                wanted &= set(ids[term])
            else:
                wanted = _holding(term, wanted)
        return list(_page(_current(parsed, walk=False).filter(pk__in=sorted(wanted)), limit))
    # Every term is common: the cheapest lines (a price index) are likely to hold a page.
    cheapest = list(lines.order_by("price", "id").values_list("pk", flat=True)[:WALK])
    keep = set(cheapest)
    for term in counted:
        keep = _holding(term, keep)
    first = [pk for pk in cheapest if pk in keep][:limit]
    if len(first) == limit or len(cheapest) < WALK:
        return list(_page(PriceListLine.objects.filter(pk__in=first), limit))
    return list(_page(lines.filter(pk__in=_intersection(counted)), limit))


def _holding(term: str, line_ids: set[int]) -> set[int]:
    """Which of these lines hold the term: probes of the (line, token) index."""
    if not line_ids:
        return set()
    return set(
        _prefix_tokens(term)
        .filter(record_id__in=sorted(line_ids))
        .values_list("record_id", flat=True)
    )


def _current(parsed: PriceQuery, *, walk: bool) -> QuerySet[PriceListLine]:
    """Current lines within the query's price and currency. `walk`: written as a constant
    (`__is`), so that SQLite walks the (is_current, price, id) index; otherwise as Django
    writes it, which keeps SQLite driving from the token index's few line ids."""
    lines = PriceListLine.objects.filter(
        **({"is_current__is": True} if walk else {"is_current": True})
    )
    # Only price lists valid today (a few hundred rows: read apart, no join per line).
    today = timezone.localdate()
    out_of_date = list(
        PriceList.objects.filter(Q(valid_from__gt=today) | Q(valid_to__lt=today)).values_list(
            "pk", flat=True
        )
    )
    if out_of_date:
        lines = lines.exclude(price_list_id__in=out_of_date)
    if parsed.max_price is not None:
        lines = lines.filter(price__lte=parsed.max_price)
    if parsed.min_price is not None:
        lines = lines.filter(price__gte=parsed.min_price)
    if parsed.currency:
        lines = lines.filter(currency=parsed.currency)
    return lines


def _page(lines: QuerySet[PriceListLine], limit: int) -> QuerySet[PriceListLine]:
    return lines.select_related("price_list__supplier").order_by("price", "id")[:limit]
