"""The analytics' jobs (Huey; the crontab is in UTC, as HUEY["utc"] says)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from voronka.accounts.models import User

from . import activity_months, classification, completeness, mailing


@db_periodic_task(crontab(hour="1", minute="30"), name="classify_companies_nightly")
def classify_companies_nightly() -> int:
    """01:30 UTC: after midnight in Kazakhstan and Moscow, before anyone works. The
    customers' classes and stages, the managers' data completeness and the activities of the
    past months summed for the scorecard."""
    changed = classification.recompute().changed
    completeness.count()
    activity_months.rebuild()
    return changed


@db_task()
def classify_companies(actor_id: int | None = None) -> int:
    """The same recompute, asked for from the ABC/XYZ page."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    changed = classification.recompute(actor=actor).changed
    completeness.count()
    activity_months.rebuild()
    return changed


@db_periodic_task(crontab(hour="2", minute="30"), name="send_scheduled_reports")
def send_scheduled_reports() -> int:
    """02:30 UTC: the reports due today (weekly on Mondays, monthly on the 1st) are in the
    authors' mail before the working day."""
    return mailing.send_due_reports()
