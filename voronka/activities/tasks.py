"""Background jobs of the activities: every minute the reminders that fell due, and meeting
invitations sent off the request."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import invitations, reminders
from .models import Activity


@db_periodic_task(crontab(minute="*"), name="send_due_reminders")
def send_due_reminders() -> int:
    return reminders.send_due_reminders()


@db_task(retries=3, retry_delay=60)
def send_invitations_later(activity_id: int) -> int:
    """E-mail the meeting's participants its invitation (.ics); retried if the mail server
    does not answer. A meeting deleted meanwhile sends nothing."""
    activity = Activity.objects.select_related("owner").filter(pk=activity_id).first()
    if activity is None:
        return 0
    return invitations.send_invitations(activity=activity)
