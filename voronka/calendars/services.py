"""Writes of the calendar: the feed address (create, replace, revoke) and meeting invitations."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from voronka.accounts.models import User
from voronka.activities.models import Activity

from . import ics
from .models import CalendarFeed, new_token


def feed_renew(*, user: User) -> CalendarFeed:
    """Create the user's feed address, or replace its token (the old address stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_token()
            feed.save(update_fields=["token"])
    return feed


def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


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
                activity.due_at.astimezone(_zone(person)), "SHORT_DATETIME_FORMAT"
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


def _zone(user: User):
    try:
        return zoneinfo.ZoneInfo(user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
