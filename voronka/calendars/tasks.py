"""Background jobs of the calendar: meeting invitations go out by e-mail off the request."""

from huey.contrib.djhuey import db_task

from voronka.activities.models import Activity


@db_task(retries=3, retry_delay=60)
def send_invitations_later(activity_id: int) -> int:
    """E-mail the meeting's participants its invitation (.ics); retried if the mail server
    does not answer. A meeting deleted meanwhile sends nothing."""
    from .services import send_invitations

    activity = Activity.objects.select_related("owner").filter(pk=activity_id).first()
    if activity is None:
        return 0
    return send_invitations(activity=activity)
