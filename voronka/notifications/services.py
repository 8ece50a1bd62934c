"""Writing notifications: one to a user (with an e-mail copy if they wish), marking them read,
the user's e-mail preferences. What a notification says is its writer's business (the
activities' reminders and assignments are in `activities.reminders`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from voronka.accounts.models import User

from .models import Notification, NotificationPreference
from .selectors import preferences_for

logger = logging.getLogger(__name__)


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
