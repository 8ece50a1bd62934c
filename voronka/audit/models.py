"""What happened to records: field-by-field history, the activity stream, recent views.

Records are referred to by `entity` (accounts.models.Entity: "company", "deal", …) and id,
not by a foreign key, so history outlives a deleted record and one table serves them all.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity

# The history of settings (pipelines, stages, lists of values, roles, saved reports…) is kept
# under the setting's model label ("sales.pipeline"), beside the records' entities.
SETTING_ENTITY_LENGTH = 40


class HistoryEntry(models.Model):
    """One field of one record changed (журнал изменений): old value, new value, who, when.

    Entries written by one save share `batch` and are ordered by `position`, so "amount,
    stage, probability" of one edit read in the order they were listed for the model.
    """

    # A record's entity (Entity) or a setting's model label ("sales.pipeline").
    entity = models.CharField(_("entity"), max_length=SETTING_ENTITY_LENGTH)
    object_id = models.BigIntegerField(_("record"))
    batch = models.UUIDField(_("change set"))
    position = models.PositiveSmallIntegerField(default=0)
    field = models.CharField(_("field"), max_length=64)
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    # The name of a linked record (a stage, an owner) at the time: it may be renamed later.
    old_label = models.CharField(max_length=255, blank=True)
    new_label = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [
            models.Index(
                fields=["entity", "object_id", "-changed_at", "batch", "position"],
                name="history_record_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id}: {self.field}"


class Verb(models.TextChoices):
    CREATED = "created", _("created")
    WON = "won", _("closed won")
    LOST = "lost", _("closed lost")
    REOPENED = "reopened", _("reopened")
    AMOUNT_CHANGED = "amount_changed", _("changed the amount")
    REASSIGNED = "reassigned", _("handed over")
    HANDOVER = "handover", _("handed over the clients of a manager")
    DELETED = "deleted", _("deleted")
    SETTING_ADDED = "setting_added", _("added a setting")
    SETTING_CHANGED = "setting_changed", _("changed a setting")
    SETTING_DELETED = "setting_deleted", _("deleted a setting")
    SETTING_DEACTIVATED = "setting_deactivated", _("deactivated a setting")
    CONVERTED = "converted", _("converted a lead")
    MERGED = "merged", _("merged duplicates")
    UNMERGED = "unmerged", _("undid a merge")


class StreamEvent(models.Model):
    """A business event for the activity stream (лента событий), as data, not as a sentence:
    the sentence is written when shown, in the reader's language."""

    verb = models.CharField(_("what"), max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # A record's entity (Entity) or a setting's model label ("sales.pipeline").
    entity = models.CharField(_("entity"), max_length=SETTING_ENTITY_LENGTH)
    object_id = models.BigIntegerField(_("record"))
    label = models.CharField(_("record name"), max_length=255)
    # Whose record it was: the stream shows an event to those who may see that owner's records.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    company_id = models.BigIntegerField(null=True, blank=True)
    company_label = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("stream event")
        verbose_name_plural = _("stream events")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="stream_created_idx"),
            models.Index(fields=["owner", "-created_at", "-id"], name="stream_owner_idx"),
            models.Index(fields=["entity", "object_id", "-created_at"], name="stream_record_idx"),
            # A company's page shows the events of its deals too.
            models.Index(fields=["company_id", "-created_at"], name="stream_company_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.entity} {self.label}"


class RecentView(models.Model):
    """The records a user opened lately (последние просмотры), newest first in the top bar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_views"
    )
    entity = models.CharField(max_length=20, choices=Entity.choices)
    object_id = models.BigIntegerField()
    label = models.CharField(max_length=255)
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "entity", "object_id"], name="unique_recent_view"
            )
        ]
        indexes = [models.Index(fields=["user", "-viewed_at"], name="recent_user_idx")]

    def __str__(self) -> str:
        return self.label
