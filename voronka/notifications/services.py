"""Writing notifications: one to a user (with an e-mail copy if they wish), marking them read,
telling a user a task was passed to them, and the reminders of activities that fall due."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from voronka.accounts.models import Entity, User
from voronka.activities.models import Activity

from .models import Kind, Notification, NotificationPreference
from .selectors import preferences_for

logger = logging.getLogger(__name__)


def _user_zone(user: User) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.get_default_timezone()


def _absolute(url: str) -> str:
    if url.startswith("/"):
        return settings.SITE_URL + url
    return url


def _send_email_copy(notification: Notification) -> None:
    """The notification as a letter, in the user's language. A failed letter is logged, not
    raised: the notification under the bell is what counts."""
    user = notification.user
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        parts = [notification.body] if notification.body else []
        if notification.url:
            parts.append(_("Open: %(url)s") % {"url": _absolute(notification.url)})
        parts.append(
            _("You can turn these letters off on the notifications page: %(url)s")
            % {"url": _absolute(reverse("notifications:list"))}
        )
        message = "\n\n".join(parts)
        try:
            send_mail(
                subject=notification.title,
                message=message,
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception:  # a mail server down must not lose the notification
            logger.exception("Could not e-mail notification %s to %s", notification.pk, user.pk)


def notify(
    *,
    user: User,
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    actor: User | None = None,
    entity: str = "",
    object_id: int | None = None,
) -> Notification:
    """Put a notification under the user's bell; e-mail a copy if their settings say so.

    `title` and `body` are written by the caller, in the user's language
    (`translation.override(user.language)`).
    """
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        title=title[:255],
        body=body,
        url=url[:500],
        actor=actor,
        entity=entity,
        object_id=object_id,
    )
    if preferences_for(user=user).wants_email(kind):
        _send_email_copy(notification)
    return notification


def mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: these ids, or all of them when `ids` is None.
    Ids of other users' notifications are ignored. Returns how many were marked."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def preferences_update(*, user: User, data: dict) -> NotificationPreference:
    """Save the user's e-mail preferences (email_reminders, email_assignments)."""
    fields = ("email_reminders", "email_assignments")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={f: bool(data[f]) for f in fields if f in data}
    )
    return preference


def _when(moment: datetime.datetime, user: User, now: datetime.datetime) -> dict[str, str]:
    """The time (and the date unless it is today) in the user's time zone and language."""
    zone = _user_zone(user)
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
