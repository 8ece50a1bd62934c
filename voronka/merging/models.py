"""A merge of two duplicate records, kept so that it can be undone: the loser's values, the
survivor's values before, and exactly which rows were moved from one to the other."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Merge(models.Model):
    # The entity of both records (accounts.models.Entity: "company" or "contact").
    entity = models.CharField(_("entity"), max_length=20)
    survivor_id = models.BigIntegerField(_("kept record"))
    loser_id = models.BigIntegerField(_("merged record"))
    survivor_label = models.CharField(max_length=255)
    loser_label = models.CharField(max_length=255)
    # Every concrete field of the merged record as it was (to put it back).
    loser_values = models.JSONField(default=dict)
    # The kept record's fields that took the merged one's values: {field: old value}.
    survivor_before = models.JSONField(default=dict)
    # The rows re-pointed: [{"model": "sales.deal", "field": "company", "ids": [1, 2]}, …],
    # and the history and stream rows re-keyed: {"history": [ids], "stream": [ids],
    # "stream_company": [ids]}.
    moved = models.JSONField(default=list)
    rekeyed = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    reverted_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["entity", "survivor_id"], name="merge_survivor_idx"),
            models.Index(fields=["entity", "loser_id"], name="merge_loser_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.loser_label} → {self.survivor_label}"
