"""What the activities tell people under the bell: the reminder of an activity that falls due
(to its owner and participants) and the news that someone gave them an activity."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.accounts.models import Entity, User
from voronka.notifications.models import Kind, Notification
from voronka.notifications.services import notify

from .models import Activity


def _when(moment: datetime.datetime, user: User, now: datetime.datetime) -> dict[str, str]:
    """The time (and the date unless it is today) in the user's time zone and language."""
    zone = user.zone
    local = timezone.localtime(moment, zone)
    today = timezone.localtime(now, zone).date()
    return {
        "time": date_format(local, "TIME_FORMAT"),
        "date": "" if local.date() == today else date_format(local.date(), "SHORT_DATE_FORMAT"),
    }


def notify_assigned(*, activity: Activity, actor: User) -> Notification | None:
    """Tell an activity's owner that someone else gave it to them (a head of sales assigned a
    task, a colleague passed on a client's request). Nothing when they made it themselves."""
    owner = activity.owner
    if owner is None or actor is None or owner.pk == actor.pk or not owner.is_active:
        return None
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        # Translators: the name stays the subject, in the nominative: a template cannot
        # decline a person's name («Поручение от Администратора»), so no sentence asks it to.
        title = _("%(actor)s gave you: %(subject)s") % {
            "actor": actor.display_name,
            "subject": activity.subject,
        }
        body = ""
        if activity.due_at:
            when = _when(activity.due_at, owner, timezone.now())
            if when["date"]:
                body = _("Due %(date)s at %(time)s.") % when
            else:
                body = _("Due today at %(time)s.") % when
    return notify(
        user=owner,
        kind=Kind.ASSIGNED,
        title=title,
        body=body,
        url=activity.get_absolute_url(),
        actor=actor,
        entity=Entity.ACTIVITY,
        object_id=activity.pk,
    )


def _reminder_title(activity: Activity, user: User, now: datetime.datetime) -> str:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        when = _when(activity.due_at, user, now)
        if when["date"]:
            return _("Reminder: %(subject)s on %(date)s at %(time)s") % {
                "subject": activity.subject,
                **when,
            }
        return _("Reminder: %(subject)s at %(time)s") % {"subject": activity.subject, **when}


def _due_activity_ids(now: datetime.datetime) -> list[int]:
    """The activities whose reminder is due and not sent, oldest reminder first."""
    return list(
        Activity.objects.filter(done=False, remind_at__lte=now, reminded_at__isnull=True)
        .order_by("remind_at", "id")
        .values_list("pk", flat=True)
    )


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the owner and the participants of every activity not done whose reminder is due
    (remind_at ≤ now) and not sent yet. Returns the number of notifications sent.

    Safe to run in several workers at once: each activity is claimed by an
    UPDATE … WHERE reminded_at IS NULL, and only the worker whose UPDATE changed the row
    sends its reminders. The claim and the notifications commit together.
    """
    now = now or timezone.now()
    due = _due_activity_ids(now)
    sent = 0
    for pk in due:
        with transaction.atomic():
            claimed = Activity.objects.filter(
                pk=pk, done=False, reminded_at__isnull=True, remind_at__lte=now
            ).update(reminded_at=now)
            if not claimed:
                continue  # another worker took it, or it changed meanwhile
            activity = (
                Activity.objects.select_related("owner").prefetch_related("participants").get(pk=pk)
            )
            recipients = {activity.owner_id: activity.owner} if activity.owner_id else {}
            for user in activity.participants.all():
                recipients.setdefault(user.pk, user)
            if activity.owner_id:
                # Whoever covers for the owner today is reminded too (accounts.Deputy).
                for user in access.deputies_of(activity.owner_id, timezone.localdate(now)):
                    recipients.setdefault(user.pk, user)
            for user in recipients.values():
                if not user.is_active:
                    continue
                notify(
                    user=user,
                    kind=Kind.REMINDER,
                    title=_reminder_title(activity, user, now),
                    url=activity.get_absolute_url(),
                    entity=Entity.ACTIVITY,
                    object_id=activity.pk,
                )
                sent += 1
    return sent
