"""Money is a Decimal amount and an ISO 4217 currency code, never a float."""

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language

from .currencies import base_currency, currency_choices, default_currency, rate_currencies
from .models import ExchangeRate

# The configured currencies are part of what money means here: re-exported for callers.
__all__ = ["base_currency", "currency_choices", "default_currency", "rate_currencies"]

CURRENCY_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "KZT": "₸",
    "RUB": "₽",
    "GBP": "£",
    "CNY": "¥",
    "TRY": "₺",
}


def format_money(amount: Decimal | None, currency: str) -> str:
    """ "$3,000.00" in English, "3 000,00 $" in Russian: grouping follows the active language."""
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    number = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    if (get_language() or "").startswith("en") and symbol in {"$", "£", "€"}:
        return f"{symbol}{number}"
    return f"{number}\u00a0{symbol}"


# --- Exchange rates -------------------------------------------------------------------------
#
# A rate says how many units of the base currency one unit of a currency is worth on a date.
# A value on a date uses the latest rate on or before that date: feeds publish on working days
# only, so a weekend or a holiday takes the rate of the working day before it.

CENT = Decimal("0.01")

# A currency worth less than one unit of the base currency is shown per 100 units (per 10,000
# when still less), the way the banks quote them: the seed's block shows "100.00 KRW 12.49"
# in tenge, where one won is worth 0.1249.
SMALL_RATE = Decimal(1)
MAX_NOMINAL = 1_000_000


class Quote(NamedTuple):
    rate: Decimal
    date: datetime.date


class DisplayRate(NamedTuple):
    """One line of the "Exchange rates" block: `nominal` units of `currency` cost `rate`."""

    currency: str
    nominal: int
    rate: Decimal
    date: datetime.date

    @property
    def base(self) -> str:
        return base_currency()


def quotes_on(on: datetime.date, currencies: Iterable[str] | None = None) -> dict[str, Quote]:
    """The latest rate on or before `on` of each currency (all that have one when None), with
    the date it was set for. Currencies without a rate by then are left out; the base currency
    is worth 1. Two queries however many currencies are asked for (one for a single currency).
    """
    base = base_currency()
    wanted = None if currencies is None else {code.upper() for code in currencies}
    codes = None if wanted is None else sorted(wanted - {base})
    quotes: dict[str, Quote] = {}
    rows = ExchangeRate.objects.filter(date__lte=on).order_by()
    if codes is not None and len(codes) == 1:
        code = codes[0]
        found = rows.filter(currency=code).order_by("-date").values_list("date", "rate").first()
        if found is not None:
            quotes[code] = Quote(found[1], found[0])
    elif codes is None or codes:
        if codes is not None:
            rows = rows.filter(currency__in=codes)
        latest = rows.values("currency").annotate(day=Max("date")).values_list("currency", "day")
        match = Q()
        for code, day in latest:
            match |= Q(currency=code, date=day)
        if match:
            for code, day, rate in ExchangeRate.objects.filter(match).values_list(
                "currency", "date", "rate"
            ):
                quotes[code] = Quote(rate, day)
    if wanted is None or base in wanted:
        quotes[base] = Quote(Decimal(1), on)
    return quotes


def rates_on(on: datetime.date, currencies: Iterable[str] | None = None) -> dict[str, Decimal]:
    """{currency: units of the base currency per unit} on a date; see `quotes_on`.

    Ask once for the currencies of a whole list and hand the result to `to_base(rates=...)`.
    """
    return {code: quote.rate for code, quote in quotes_on(on, currencies).items()}


def to_base(
    amount: Decimal | None,
    currency: str,
    on: datetime.date,
    rates: dict[str, Decimal] | None = None,
) -> Decimal | None:
    """`amount` of `currency` in the base currency at the rate of `on`, to the cent.

    None when no rate of that currency is known on or before `on` (never a made-up value).
    `rates` is what `rates_on(on, ...)` returned for the same date; without it one query runs.
    """
    if amount is None:
        return None
    if isinstance(amount, float):
        raise TypeError("Money is a Decimal, never a float.")
    currency = currency.strip().upper()
    if currency == base_currency():
        rate = Decimal(1)
    else:
        if rates is None:
            rates = rates_on(on, [currency])
        rate = rates.get(currency)
        if rate is None:
            return None
    return (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def latest_rates(on: datetime.date | None = None) -> list[DisplayRate]:
    """The rates of the home page block: each configured currency (the base one aside) at its
    latest rate on or before today (or `on`), per 100 units when one unit is worth less than
    one unit of the base currency. Currencies without a rate yet are left out."""
    on = on or timezone.localdate()
    codes = rate_currencies()
    quotes = quotes_on(on, codes)
    shown = []
    for code in codes:
        quote = quotes.get(code)
        if quote is None:
            continue
        nominal = 1
        while quote.rate * nominal < SMALL_RATE and nominal < MAX_NOMINAL:
            nominal *= 100
        shown.append(DisplayRate(code, nominal, quote.rate * nominal, quote.date))
    return shown


def format_rate(rate: Decimal) -> str:
    """A rate as people read it: "470,05" or "0,3225" in Russian; all its digits, at least
    two decimals, no trailing zeros of the table's eight places."""
    places = max(2, -rate.normalize().as_tuple().exponent)
    return number_format(rate, decimal_pos=places, use_l10n=True, force_grouping=True)


# How far back a batch lookup reads rates before the earliest date asked for; a currency
# without a rate in that window is looked up on its own.
_BATCH_WINDOW = datetime.timedelta(days=31)


def rates_for(
    pairs: Iterable[tuple[str, datetime.date]],
) -> dict[tuple[str, datetime.date], Decimal]:
    """The rate of each (currency, date) — the latest on or before that date — in one query
    for a whole page of records, whatever their dates. Pairs without a known rate are left out."""
    from bisect import bisect_right

    base = base_currency()
    wanted = {(code.strip().upper(), day) for code, day in pairs}
    found = {(code, day): Decimal(1) for code, day in wanted if code == base}
    wanted -= set(found)
    if not wanted:
        return found
    codes = {code for code, _day in wanted}
    days = [day for _code, day in wanted]
    rows = ExchangeRate.objects.filter(
        currency__in=codes, date__lte=max(days), date__gte=min(days) - _BATCH_WINDOW
    ).order_by("currency", "date")
    series: dict[str, tuple[list, list]] = {}
    for code, day, rate in rows.values_list("currency", "date", "rate"):
        dates, rates = series.setdefault(code, ([], []))
        dates.append(day)
        rates.append(rate)
    earlier: dict[str, Decimal | None] = {}
    for code, day in sorted(wanted):
        dates, rates = series.get(code, ([], []))
        position = bisect_right(dates, day)
        if position:
            found[(code, day)] = rates[position - 1]
            continue
        # Before the window: the latest rate of this currency before it, once per currency.
        if code not in earlier:
            before = (
                ExchangeRate.objects.filter(currency=code, date__lt=min(days) - _BATCH_WINDOW)
                .order_by("-date")
                .values_list("rate", flat=True)
                .first()
            )
            earlier[code] = before
        if earlier[code] is not None:
            found[(code, day)] = earlier[code]
    return found
