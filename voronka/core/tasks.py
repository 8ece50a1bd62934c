"""Background jobs of the core app, run by the Huey consumer (`manage.py run_huey`).

`make run` (`manage.py serve`) starts a consumer next to the web server; in production it is a
service of its own (docs/deploy.md, "Background jobs"). The consumer that runs the periodic
scheduler enqueues `load_daily_rates` once a day; tests run jobs at once (`HUEY.immediate`).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, task

from voronka.core.rates import FeedError, LoadResult, load_rates

logger = logging.getLogger("voronka.jobs")


def rates_due(moment: datetime.datetime) -> bool:
    """Whether the daily rate load is due in the minute of `moment`.

    Huey's scheduler asks once a minute, with a naive time in UTC (`HUEY["utc"]`) or in the
    process's local time; the load is due at `RATES_HOUR`:00 in the server's TIME_ZONE, and
    never when `RATES_SOURCE` is empty. The settings are read on each call.
    """
    if not settings.RATES_SOURCE:
        return False
    if moment.tzinfo is None:
        if HUEY.utc:
            moment = moment.replace(tzinfo=datetime.UTC)
        else:
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
    local = timezone.localtime(moment, timezone.get_default_timezone()).replace(tzinfo=None)
    return crontab(minute="0", hour=str(settings.RATES_HOUR), strict=True)(local)


def load_todays_rates() -> LoadResult | None:
    """Load today's rates of the feed `RATES_SOURCE`; None when disabled or on a feed problem.

    A feed problem (unreachable, malformed, for another date) is logged and changes nothing:
    the last good rates stay until the next day's load or a manual `load_exchange_rates`.
    """
    source = settings.RATES_SOURCE
    if not source:
        logger.info("Exchange rates: RATES_SOURCE is empty, the daily load is disabled.")
        return None
    try:
        result = load_rates(source=source, on=None, content=None)
    except FeedError as error:
        logger.error("%s", error)
        return None
    logger.info(
        "Exchange rates from %s: %s rate(s) for %s saved.",
        source,
        result.written,
        result.date.isoformat(),
    )
    if result.kept_manual:
        logger.info(
            "Exchange rates: kept the rates entered by hand for %s.", ", ".join(result.kept_manual)
        )
    return result


@db_periodic_task(rates_due, name="load_daily_rates")
def load_daily_rates() -> None:
    """Once a day (see `rates_due`): today's exchange rates from the configured bank feed."""
    load_todays_rates()


@task(name="ping")
def ping() -> str:
    """Answers "pong": enqueue it to prove that a consumer is running on the same queue."""
    return "pong"
