"""Activities: calls, meetings, tasks and notes, each linked to a company, contact or deal.

Minimal for now; outcomes, reminders and the calendar grow it later.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity
from voronka.core.models import OwnedRecord
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for


class ActivityKind(models.TextChoices):
    CALL = "call", _("call")
    MEETING = "meeting", _("meeting")
    TASK = "task", _("task")
    NOTE = "note", _("note")


class Activity(OwnedRecord):
    access_entity = Entity.ACTIVITY

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    due_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("contact"),
    )
    deal = models.ForeignKey(
        "sales.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("deal"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["owner", "done", "due_at"], name="activity_owner_due_idx"),
            models.Index(fields=["due_at", "id", "owner"], name="activity_due_idx"),
            models.Index(fields=["-created_at", "-id"], name="activity_created_idx"),
            models.Index(fields=["subject", "id", "owner"], name="activity_subject_idx"),
            models.Index(
                fields=["kind", "done", "due_at", "id", "owner"], name="activity_kind_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activities:activity-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.kind != ActivityKind.NOTE
            and not self.done
            and self.due_at
            and self.due_at < timezone.now()
        )

    def clean(self) -> None:
        if self.kind != ActivityKind.NOTE and not self.due_at:
            raise ValidationError(
                {"due_at": _("Plan a date and time for a call, meeting or task.")},
                code="due_required",
            )

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(names=[self.subject])


class ActivitySearchToken(SearchTokenBase):
    record = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("activity")
