"""Background jobs: every minute, the reminders of activities that fell due."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def send_due_reminders() -> int:
    return services.send_due_reminders()
