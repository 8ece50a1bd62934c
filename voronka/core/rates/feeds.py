"""The central banks' daily rate feeds: where they are, how they are read, what they mean.

Each feed quotes every currency in its own one (roubles for the Central Bank of Russia, tenge
for the National Bank of Kazakhstan), per a number of units (1, 10, 100…). Reading a feed gives
per-unit rates in that currency; `in_base` turns them into rates in the organisation's base
currency. Nothing here writes to the database: see `services.load_rates`.

Every problem is a `FeedError` whose message names the feed and says what went wrong, so the
person who pressed "Load" (or the job's log) knows whether to retry or to look at the feed.
"""

from __future__ import annotations

import datetime
import http.client
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.core.models import RateSource

TIMEOUT_SECONDS = 10
# A day's feed is a few kilobytes; anything far bigger is not the feed we asked for.
MAX_FEED_BYTES = 2_000_000
# Banks publish on working days only, and the long New Year holidays leave up to ten days
# without a new rate; a feed older than that is not the one that was asked for.
MAX_DAYS_BEHIND = 10
# The Central Bank of Russia sets tomorrow's rate today.
MAX_DAYS_AHEAD = 1
# A rate has 12 digits before the point and 8 after it in the table.
RATE_PLACES = Decimal("0.00000001")
RATE_LIMIT = Decimal(10) ** 12

USER_AGENT = "Voronka CRM exchange-rate loader"


class FeedError(Exception):
    """A feed could not be used; nothing was written and the rates loaded before remain."""

    def __init__(self, source: str, problem: str | Promise):
        self.source = source
        self.problem = problem
        super().__init__(source, problem)

    def __str__(self) -> str:
        feed = FEEDS.get(self.source)
        return _(
            "Rates from the %(source)s were not loaded: %(problem)s. The last good rates are kept."
        ) % {"source": feed.name if feed else self.source, "problem": self.problem}


@dataclass(frozen=True)
class FeedRates:
    """What a feed says: per-unit rates in `currency` of the currencies it quotes, on `date`."""

    source: str
    currency: str
    date: datetime.date
    rates: dict[str, Decimal]


@dataclass(frozen=True)
class Feed:
    source: str
    name: str | Promise
    currency: str
    url: Callable[[datetime.date], str]
    parse: Callable[[bytes], FeedRates]


def _decimal(text: str | None) -> Decimal | None:
    try:
        # The Central Bank of Russia writes "92,5058"; a comma is never a thousands
        # separator in either feed (a "1,442.69" is refused below, not misread).
        value = Decimal(
            (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        )
    except InvalidOperation:
        return None
    # Decimal() also reads "NaN", "Infinity" and "-5": none of them is a rate.
    return value if value.is_finite() and value > 0 else None


def _nominal(source: str, code: str, text: str | None) -> int:
    text = (text or "").strip()
    if not text.isdigit() or int(text) <= 0:
        raise FeedError(
            source,
            _("the nominal of %(currency)s is not a positive whole number: “%(value)s”")
            % {"currency": code, "value": text},
        )
    return int(text)


def _date(source: str, text: str | None) -> datetime.date:
    text = (text or "").strip()
    if not text:
        raise FeedError(source, _("the feed has no date"))
    try:
        return datetime.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise FeedError(
            source, _("the feed's date “%(value)s” is not a date") % {"value": text}
        ) from None


def _root(source: str, content: bytes) -> Element:
    if not content or not content.strip():
        raise FeedError(source, _("the feed is empty"))
    try:
        # defusedxml refuses entity expansion and external references: the feed comes from
        # the network, and a billion-laughs document must not take the server down.
        return SafeElementTree.fromstring(content)
    except ParseError as error:
        raise FeedError(
            source, _("the feed is not well-formed XML (%(error)s)") % {"error": error}
        ) from None
    except DefusedXmlException:
        raise FeedError(
            source, _("the feed declares XML entities or a DTD, which are refused for safety")
        ) from None


def _add(source: str, rates: dict[str, Decimal], code: str | None, value, nominal: int) -> None:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise FeedError(
            source, _("an entry has no valid currency code: “%(value)s”") % {"value": code}
        )
    if code in rates:
        raise FeedError(source, _("the feed quotes %(currency)s twice") % {"currency": code})
    if value is None:
        raise FeedError(source, _("the rate of %(currency)s is missing") % {"currency": code})
    rate = _decimal(value)
    if rate is None:
        raise FeedError(
            source,
            _("the rate of %(currency)s is not a positive number: “%(value)s”")
            % {"currency": code, "value": value.strip()},
        )
    rates[code] = rate / nominal


def _found(source: str, rates: dict[str, Decimal], day: datetime.date) -> FeedRates:
    if not rates:
        raise FeedError(source, _("the feed contains no rates"))
    return FeedRates(source=source, currency=FEEDS[source].currency, date=day, rates=rates)


def parse_cbr(content: bytes) -> FeedRates:
    """The Central Bank of Russia's XML_daily: roubles per `Nominal` units, comma decimals.

    <ValCurs Date="23.11.2026" name="Foreign Currency Market">
      <Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal>
        <Name>Доллар США</Name><Value>92,5058</Value><VunitRate>92,5058</VunitRate></Valute>…

    The document declares windows-1251, so it is parsed from bytes (the parser decodes it).
    `Value / Nominal` is used rather than `VunitRate`: older answers lack the latter, and it
    is rounded to four places, which loses digits for currencies quoted per 10,000.
    """
    source = RateSource.CBR
    root = _root(source, content)
    if root.tag != "ValCurs":
        raise FeedError(
            source,
            _("the feed is not in the expected format (root element <%(tag)s>)")
            % {"tag": root.tag},
        )
    day = _date(source, root.get("Date"))
    rates: dict[str, Decimal] = {}
    for valute in root.findall("Valute"):
        code = valute.findtext("CharCode")
        nominal = _nominal(source, (code or "").strip(), valute.findtext("Nominal"))
        _add(source, rates, code, valute.findtext("Value"), nominal)
    return _found(source, rates, day)


def parse_nbk(content: bytes) -> FeedRates:
    """The National Bank of Kazakhstan's rates: tenge per `quant` units, point decimals.

    get_rates.cfm?fdate=DD.MM.YYYY answers
      <rates><generator/><title/>…<date>23.11.2026</date>
        <item><fullname>ДОЛЛАР США</fullname><title>USD</title><description>470.05</description>
          <quant>1</quant><index>UP</index><change>1.2</change></item>…</rates>
    and rates_all.xml (today's rates) answers the same items as RSS 2.0, the date in each
    item's <pubDate>: <rss><channel><item><title>USD</title><pubDate>23.11.2026</pubDate>…
    The document itself also has <title> and <description>: only <item>s are rates.
    """
    source = RateSource.NBK
    root = _root(source, content)
    if root.tag == "rates":
        error = root.findtext("error")
        if error is not None:
            raise FeedError(
                source, _("the feed reported an error: %(error)s") % {"error": error.strip()}
            )
        items = root.findall("item")
        day = _date(source, root.findtext("date"))
    elif root.tag == "rss":
        items = root.findall("channel/item")
        days = {(item.findtext("pubDate") or "").strip() for item in items}
        if len(days) > 1:
            raise FeedError(source, _("the feed mixes rates of several dates"))
        day = _date(source, days.pop() if days else "")
    else:
        raise FeedError(
            source,
            _("the feed is not in the expected format (root element <%(tag)s>)")
            % {"tag": root.tag},
        )
    rates: dict[str, Decimal] = {}
    for item in items:
        code = item.findtext("title")
        nominal = _nominal(source, (code or "").strip(), item.findtext("quant") or "1")
        _add(source, rates, code, item.findtext("description"), nominal)
    return _found(source, rates, day)


FEEDS: dict[str, Feed] = {
    RateSource.CBR: Feed(
        source=RateSource.CBR,
        name=gettext_lazy("Central Bank of Russia"),
        currency="RUB",
        url=lambda on: f"https://www.cbr.ru/scripts/XML_daily.asp?date_req={on:%d/%m/%Y}",
        parse=parse_cbr,
    ),
    RateSource.NBK: Feed(
        source=RateSource.NBK,
        name=gettext_lazy("National Bank of Kazakhstan"),
        currency="KZT",
        url=lambda on: f"https://nationalbank.kz/rss/get_rates.cfm?fdate={on:%d.%m.%Y}",
        parse=parse_nbk,
    ),
}


def get_feed(source: str) -> Feed:
    try:
        return FEEDS[source]
    except KeyError:
        raise ValueError(f"Unknown rate feed {source!r}; known: {', '.join(FEEDS)}") from None


def fetch(*, source: str, on: datetime.date) -> bytes:
    """The feed's answer for a date, or a FeedError saying why there is none."""
    feed = get_feed(source)
    request = urllib.request.Request(feed.url(on), headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            content = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(
            source, _("the feed answered with HTTP error %(code)s") % {"code": error.code}
        ) from None
    except urllib.error.URLError as error:
        raise FeedError(
            source, _("the feed is unreachable (%(reason)s)") % {"reason": error.reason}
        ) from None
    except TimeoutError:
        raise FeedError(
            source,
            _("the feed did not answer within %(seconds)s seconds") % {"seconds": TIMEOUT_SECONDS},
        ) from None
    except (OSError, http.client.HTTPException) as error:
        raise FeedError(
            source, _("the feed is unreachable (%(reason)s)") % {"reason": error}
        ) from None
    if len(content) > MAX_FEED_BYTES:
        raise FeedError(source, _("the answer is too large to be the rate feed"))
    return content


def parse(*, source: str, content: bytes) -> FeedRates:
    return get_feed(source).parse(content)


def check_date(feed: FeedRates, *, requested: datetime.date) -> None:
    """Refuse a feed for another day than asked (a stale cache, a wrong file)."""
    behind = (requested - feed.date).days
    if behind > MAX_DAYS_BEHIND or behind < -MAX_DAYS_AHEAD:
        raise FeedError(
            feed.source,
            _("the feed is for %(feed_date)s, too far from the requested %(requested)s")
            % {"feed_date": feed.date.isoformat(), "requested": requested.isoformat()},
        )


def in_base(feed: FeedRates, *, base: str, currencies: Iterable[str]) -> dict[str, Decimal]:
    """Per-unit rates of `currencies` in the `base` currency, from a feed in its own currency.

    When the base currency is the feed's, the rates are the feed's. Otherwise the base
    currency must be quoted by the feed and every rate is crossed through it:
    X in base = (X in feed currency) / (base in feed currency); the feed's own currency is
    then worth 1 / (base in feed currency). Currencies the feed does not quote are left out.
    """
    quoted = {**feed.rates, feed.currency: Decimal(1)}
    if base not in quoted:
        raise FeedError(
            feed.source,
            _(
                "the base currency %(base)s is not quoted in this feed, so its rates "
                "cannot be converted to it"
            )
            % {"base": base},
        )
    base_rate = quoted[base]
    result = {}
    for code in currencies:
        if code == base or code not in quoted:
            continue
        rate = (quoted[code] / base_rate).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        if not (0 < rate < RATE_LIMIT):
            raise FeedError(
                feed.source,
                _("the rate of %(currency)s in %(base)s (%(rate)s) cannot be stored")
                % {"currency": code, "base": base, "rate": quoted[code] / base_rate},
            )
        result[code] = rate
    return result
