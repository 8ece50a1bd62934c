"""The recycle bin, webhooks and workflow rules: what an administrator runs the CRM with."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BinEntry(models.Model):
    """A deleted record with everything that went with it (a company's contacts, deals,
    activities, files), kept as rows until it is restored or purged."""

    entity = models.CharField(_("record type"), max_length=20)
    # The model of the record deleted (an attachment is kept under its record's entity).
    kind = models.CharField(_("kind"), max_length=100)
    object_id = models.PositiveBigIntegerField(_("record"))
    label = models.CharField(_("name"), max_length=255)
    # The owner of the record (of the file's record): the bin shows an entry to whoever may
    # delete that owner's records of the entity.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deleted_at = models.DateTimeField(_("deleted"), default=timezone.now, db_index=True)
    # [{"model": "contacts.contact", "pk": 1, "fields": {...}}, …] parents first.
    rows = models.JSONField(default=list)
    # Rows outside the entry whose link to it was cleared: [[model, pk, field, value], …].
    links = models.JSONField(default=list)
    # Stored files (storage names) that go when the entry is purged.
    files = models.JSONField(default=list)
    count = models.PositiveIntegerField(_("records"), default=0)

    class Meta:
        verbose_name = _("recycle bin entry")
        verbose_name_plural = _("recycle bin")
        ordering = ["-deleted_at", "-id"]
        indexes = [models.Index(fields=["entity", "owner"], name="bin_entity_owner_idx")]

    def __str__(self) -> str:
        return self.label


def _secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """A subscription: events of a kind are POSTed to a URL, signed with the secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100, default=_secret)
    # "company.created", "deal.won", "*" for all (events.EVENT_TYPES).
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One event sent (or to be sent) to one webhook, with every attempt's answer."""

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"


class Rule(models.Model):
    """A workflow rule: when (trigger) on what (entity), if (conditions), do (actions).
    Conditions and actions are data our code reads, never code or templates."""

    name = models.CharField(_("name"), max_length=100)
    entity = models.CharField(_("record type"), max_length=20)
    trigger = models.CharField(_("when"), max_length=30)
    # The trigger's own settings: {"field": "stage", "value": "5"} …
    trigger_options = models.JSONField(default=dict, blank=True)
    # [{"field": "amount", "op": "gte", "value": "1000"}, …], all must hold.
    conditions = models.JSONField(default=list, blank=True)
    # [{"type": "create_task", "owner": 3, "title": "…", "days": 1}, …]
    actions = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The administrator whose rights the actions use.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("workflow rule")
        verbose_name_plural = _("workflow rules")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RunOutcome(models.TextChoices):
    DONE = "done", _("done")
    SKIPPED = "skipped", _("conditions not met")
    FAILED = "failed", _("failed")
    STOPPED = "stopped", _("stopped: a loop")


class RuleRun(models.Model):
    rule = models.ForeignKey(
        Rule, on_delete=models.CASCADE, related_name="runs", verbose_name=_("rule")
    )
    entity = models.CharField(_("record type"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("record"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=RunOutcome.choices)
    message = models.TextField(_("details"), blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    ran_at = models.DateTimeField(_("ran"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.outcome}"
