"""Writing exchange rates: by hand (administrators) and from the central banks' feeds.

A rate entered by hand is the organisation's decision (a contract rate, a correction), so it
replaces a feed's rate of the same currency and date, and a later load of a feed keeps it.
A feed is loaded all or nothing: one bad entry and no rate of that day changes.

`load_rates` is what the page's buttons, the `load_exchange_rates` command and the scheduled
job call.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voronka.accounts import access
from voronka.core import money
from voronka.core.models import ExchangeRate, RateSource

from . import feeds
from .feeds import FeedError

ONLY_ADMIN = gettext_lazy("Only an administrator can change exchange rates.")


@dataclass(frozen=True)
class LoadResult:
    source: str
    date: datetime.date
    written: int
    # Currencies whose rate of that date was entered by hand and so was not replaced.
    kept_manual: tuple[str, ...] = ()


def load_rates(
    *,
    source: str,
    on: datetime.date | None = None,
    content: bytes | None = None,
    actor=None,
) -> LoadResult:
    """Load one day's rates of a feed (`cbr` or `nbk`) into the table, in the base currency.

    The feed is fetched for `on` (today when None) unless `content` (a saved answer) is given.
    Raises FeedError, changing nothing, when the feed is unreachable, malformed, empty, for
    another date than asked, or cannot be converted to the base currency. `actor` is None for
    the command and the scheduled job; a person must be an administrator.
    """
    feed = feeds.get_feed(source)
    if actor is not None:
        access.require_configure(actor, ONLY_ADMIN)
    requested = on
    if content is None:
        requested = on or timezone.localdate()
        content = feeds.fetch(source=feed.source, on=requested)
    parsed = feeds.parse(source=feed.source, content=content)
    # A saved file loaded without a date is taken for the day it says it is.
    if requested is not None:
        feeds.check_date(parsed, requested=requested)
    rates = feeds.in_base(parsed, base=money.base_currency(), currencies=money.rate_currencies())
    try:
        return _write(source=feed.source, day=parsed.date, rates=rates, actor=actor)
    except IntegrityError:
        # Someone entered or loaded a rate of that day in the same instant.
        raise FeedError(
            feed.source, _("another change of the same rates happened at the same time")
        ) from None


@transaction.atomic
def _write(*, source: str, day: datetime.date, rates: dict[str, Decimal], actor) -> LoadResult:
    # Rows are locked in a fixed order (by currency) so two loads never deadlock.
    existing = {
        row.currency: row
        for row in ExchangeRate.objects.select_for_update()
        .filter(date=day, currency__in=sorted(rates))
        .order_by("currency")
    }
    kept, new, changed = [], [], []
    now = timezone.now()
    for code in sorted(rates):
        row = existing.get(code)
        if row is None:
            new.append(
                ExchangeRate(
                    currency=code,
                    date=day,
                    rate=rates[code],
                    source=source,
                    created_by=actor,
                    created_at=now,
                )
            )
        elif row.source == RateSource.MANUAL:
            kept.append(code)
        else:
            row.rate, row.source, row.created_by, row.created_at = rates[code], source, actor, now
            changed.append(row)
    ExchangeRate.objects.bulk_create(new)
    ExchangeRate.objects.bulk_update(changed, ["rate", "source", "created_by", "created_at"])
    return LoadResult(
        source=source, date=day, written=len(new) + len(changed), kept_manual=tuple(kept)
    )


def _manual(actor, data: dict[str, Any], record: ExchangeRate | None = None) -> ExchangeRate:
    record = record or ExchangeRate()
    for name in ("currency", "date", "rate"):
        if name in data:
            setattr(record, name, data[name])
    record.source = RateSource.MANUAL
    record.created_by = actor
    record.created_at = timezone.now()
    return record


def manual_rate_save(*, actor, data: dict[str, Any]) -> ExchangeRate:
    """Enter the rate of a currency on a date by hand (`data`: currency, date, rate).

    Replaces whatever rate that currency had on that date, a feed's or an earlier manual one.
    Raises ValidationError (by field) for an unknown or base currency, a rate that is not
    positive or has too many digits.
    """
    access.require_configure(actor, ONLY_ADMIN)
    candidate = _manual(actor, data)
    # Normalises the values (the currency's case, a rate typed as text) and checks them.
    candidate.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        record = (
            ExchangeRate.objects.select_for_update()
            .filter(currency=candidate.currency, date=candidate.date)
            .first()
        )
        if record is None:
            candidate.save()
            return candidate
        _manual(actor, {"rate": candidate.rate}, record)
        record.save(update_fields=["rate", "source", "created_by", "created_at"])
        return record


def rate_update(*, actor, record: ExchangeRate, data: dict[str, Any]) -> ExchangeRate:
    """Change a stored rate; it becomes a manual one, so feeds no longer replace it."""
    access.require_configure(actor, ONLY_ADMIN)
    with transaction.atomic():
        record = ExchangeRate.objects.select_for_update().get(pk=record.pk)
        _manual(actor, data, record)
        # Checks the currency and date are not another row's (a clear message, not a 500).
        record.full_clean()
        record.save(
            update_fields=["currency", "date", "rate", "source", "created_by", "created_at"]
        )
        return record


def rate_delete(*, actor, record: ExchangeRate) -> None:
    """Remove a rate; a feed's rate of that day comes back with the next load of that day."""
    access.require_configure(actor, ONLY_ADMIN)
    record.delete()
