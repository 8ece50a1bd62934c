"""Background jobs of the documents: every morning, a task for the owner of each invoice that
fell overdue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="7", minute="0"), name="remind_overdue_invoices")
def remind_overdue_invoices() -> int:
    return services.remind_overdue_invoices()
