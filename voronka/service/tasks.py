"""The service's periodic job: warn owners of cases about to breach their deadline and tell
the heads of the teams of the breached ones."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/5"), name="check_case_deadlines")
def check_case_deadlines() -> dict[str, int]:
    return services.check_deadlines()
