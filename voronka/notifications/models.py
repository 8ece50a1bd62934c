"""Notifications shown under the bell in the top bar (and, if the user wishes, sent by e-mail).

A notification names what it is about by `entity` and id (like the audit app), not by a foreign
key: it outlives the record, and one table serves every kind of record.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity


class Kind(models.TextChoices):
    REMINDER = "reminder", _("reminder")
    ASSIGNED = "assigned", _("assigned to you")
    INVITATION = "invitation", _("invitation")
    SYSTEM = "system", _("system")


class Notification(models.Model):
    """One message to one user; unread until `read_at` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    entity = models.CharField(_("entity"), max_length=20, choices=Entity.choices, blank=True)
    object_id = models.BigIntegerField(_("record"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Which notifications a user also wants by e-mail. A user without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email_reminders = models.BooleanField(_("e-mail me reminders of activities"), default=False)
    email_assignments = models.BooleanField(
        _("e-mail me when a task or a client is passed to me"), default=True
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        if kind == Kind.REMINDER:
            return self.email_reminders
        if kind in (Kind.ASSIGNED, Kind.INVITATION):
            return self.email_assignments
        return False
