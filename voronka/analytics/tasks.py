"""The analytics' jobs (Huey; the crontab is in UTC, as HUEY["utc"] says)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import classification


@db_periodic_task(crontab(hour="1", minute="30"), name="classify_companies_nightly")
def classify_companies_nightly() -> int:
    """01:30 UTC: after midnight in Kazakhstan and Moscow, before anyone works."""
    return classification.recompute().changed


@db_task()
def classify_companies(actor_id: int | None = None) -> int:
    """The same recompute, asked for from the ABC/XYZ page."""
    from voronka.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return classification.recompute(actor=actor).changed
