"""The daily job of date rules (Huey; the crontab is in UTC, as HUEY["utc"] says)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="3", minute="0"))
def run_date_rules_daily() -> int:
    """03:00 UTC is 06:00 in Moscow, before the working day of every Russian time zone west
    of the Urals; the activities are due at 10:00 of each owner's own time zone."""
    return services.run_date_rules()
