"""Meeting invitations: each participant gets the meeting by e-mail as an iCalendar
invitation (invite.ics, METHOD:REQUEST) that their mail program adds to its calendar."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, translation
from django.utils.translation import gettext as _

from . import ics
from .models import Activity


def send_invitations(*, activity: Activity) -> int:
    """E-mail each participant with an e-mail address (other than the organiser) the meeting
    as an iCalendar invitation; returns how many were sent."""
    attachment = ics.invitation(activity)
    sent = 0
    for person in activity.participants.all():
        if not person.email or person.pk == activity.owner_id:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            when = formats.date_format(
                activity.due_at.astimezone(person.zone), "SHORT_DATETIME_FORMAT"
            )
            subject = _("Invitation: %(subject)s") % {"subject": activity.subject}
            body = _("%(organiser)s invites you to “%(subject)s” on %(when)s.\n\n%(url)s") % {
                "organiser": activity.owner.display_name,
                "subject": activity.subject,
                "when": when,
                "url": settings.SITE_URL + activity.get_absolute_url(),
            }
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[person.email],
            reply_to=[activity.owner.email] if activity.owner.email else None,
        )
        message.attach("invite.ics", attachment, "text/calendar; method=REQUEST")
        message.send()
        sent += 1
    return sent
