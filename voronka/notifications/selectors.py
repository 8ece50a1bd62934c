"""Reading a user's own notifications: nobody reads another user's."""

from __future__ import annotations

from django.db.models import QuerySet

from voronka.accounts.models import User

from .models import Notification, NotificationPreference


def notifications_for(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; only the unread (or the read) ones if asked."""
    rows = Notification.objects.filter(user=user)
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.select_related("actor").order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """One COUNT over the (user, read_at, -created_at) index."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def preferences_for(*, user: User) -> NotificationPreference:
    """The user's e-mail preferences; the defaults (unsaved) if they never changed them."""
    try:
        return NotificationPreference.objects.get(user=user)
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)
