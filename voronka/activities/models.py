"""Activities: calls, meetings, tasks, letters and notes, each linked to a company, contact or
deal, planned in the calendar, reminded of, and closed with a formal outcome.

An activity's *type* comes from an editable list (Входящий звонок, Исходящий звонок, Встреча…);
each type behaves as one of the fixed *kinds* (call, meeting, task, e-mail, letter, note), which
is what the code looks at (a note needs no date, a meeting has participants and an end).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity
from voronka.core.models import ListValue, OwnedRecord
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for


class ActivityKind(models.TextChoices):
    CALL = "call", _("call")
    MEETING = "meeting", _("meeting")
    TASK = "task", _("task")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")
    NOTE = "note", _("note")


class Direction(models.TextChoices):
    NONE = "", _("—")
    INCOMING = "in", _("incoming")
    OUTGOING = "out", _("outgoing")


class ActivityType(ListValue):
    """An entry of the editable list of activity types (Settings → Activity types)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, blank=True, default=""
    )
    color = models.CharField(_("colour"), max_length=7, default="#0d6efd")

    class Meta(ListValue.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["order", "id"]

    @property
    def kind_if_unsaid(self) -> str:
        """The kind, where the name does not say it already: «Визит» is a meeting, but
        «Встреча» and «Письмо (e-mail)» need no «(встреча)», «(e-mail)» after them."""
        kind = str(self.get_kind_display())
        return "" if kind.casefold() in self.name.casefold() else kind


class OutcomeKind(models.TextChoices):
    SUCCESS = "success", _("success")
    POSTPONED = "postponed", _("postponed")
    REFUSED = "refused", _("refused")
    MATERIALS = "materials", _("materials sent")
    INVITATION = "invitation", _("invitation sent")
    SALE = "sale", _("sale")
    OTHER = "other", _("other (free text)")


class Outcome(ListValue):
    """An entry of the editable list of outcomes an activity is completed with."""

    kind = models.CharField(_("kind"), max_length=10, choices=OutcomeKind.choices)

    class Meta(ListValue.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["order", "id"]

    @property
    def needs_date(self) -> bool:
        """A postponement names the new date; the follow-up is planned for it at once."""
        return self.kind == OutcomeKind.POSTPONED

    @property
    def needs_note(self) -> bool:
        """A postponement and a refusal give the reason; "other" is the free text itself."""
        return self.kind in (OutcomeKind.POSTPONED, OutcomeKind.REFUSED, OutcomeKind.OTHER)


# Reminder choices offered in the form, in minutes before the start.
REMIND_CHOICES = [
    (0, _("at the start")),
    (5, _("5 minutes before")),
    (15, _("15 minutes before")),
    (30, _("30 minutes before")),
    (60, _("1 hour before")),
    (24 * 60, _("1 day before")),
]


# How long an activity without an end lasts on a calendar.
DEFAULT_LENGTH = datetime.timedelta(minutes=30)


class Activity(OwnedRecord):
    access_entity = Entity.ACTIVITY

    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("type"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    purpose = models.TextField(_("purpose"), blank=True)
    due_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    end_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    participants = models.ManyToManyField(
        "accounts.User", blank=True, related_name="meetings", verbose_name=_("participants")
    )
    remind_before = models.PositiveIntegerField(
        _("reminder"), null=True, blank=True, help_text=_("Minutes before the start.")
    )
    # When the reminder is due (due_at − remind_before) and when it was sent: the job looks
    # for remind_at ≤ now with reminded_at empty.
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome = models.ForeignKey(
        Outcome,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("outcome"),
    )
    outcome_note = models.TextField(_("outcome note"), blank=True)
    follow_up = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="postponed_from",
        verbose_name=_("follow-up"),
    )
    assigned_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_activities",
        verbose_name=_("assigned by"),
    )
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
    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("lead"),
    )
    # A service case (the service app, above this one: named by its label, never imported).
    case = models.ForeignKey(
        "service.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("case"),
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
            models.Index(fields=["remind_at"], name="activity_remind_idx"),
            models.Index(fields=["deal", "done", "due_at"], name="activity_deal_due_idx"),
            # A contact's and a company's timeline and activities card, newest first, read from
            # the index however many activities (letters) they have.
            models.Index(fields=["contact", "-due_at", "-id"], name="activity_contact_date_idx"),
            models.Index(fields=["company", "-due_at", "-id"], name="activity_company_date_idx"),
            models.Index(
                fields=["contact", "done", "-due_at", "-id"], name="activity_contact_card_idx"
            ),
            models.Index(
                fields=["company", "done", "-due_at", "-id"], name="activity_company_card_idx"
            ),
            # The scorecard: what was done in a period, by whom, of what kind and outcome, read
            # from the index alone.
            models.Index(
                fields=["done_at", "owner", "kind", "outcome", "company"],
                condition=models.Q(done__is=True),
                name="activity_done_idx",
            ),
            # "Without a next step": is anything planned with this client / on this deal? A
            # small index of the open activities only.
            models.Index(
                fields=["company"],
                condition=models.Q(done__is=False) & ~models.Q(kind="note"),
                name="activity_open_company_idx",
            ),
            # The same for deals; with `done` in it, SQLite prefers it to the deal's full index.
            models.Index(
                fields=["deal", "done"],
                condition=models.Q(done__is=False) & ~models.Q(kind="note"),
                name="activity_open_deal_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("activities:activity-detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime.datetime | None:
        """The end, or the start plus the usual length when none was given."""
        if self.end_at:
            return self.end_at
        return self.due_at + DEFAULT_LENGTH if self.due_at else None

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.kind != ActivityKind.NOTE
            and not self.done
            and self.due_at
            and self.due_at < timezone.now()
        )

    @property
    def is_postponed(self) -> bool:
        return self.outcome is not None and self.outcome.kind == OutcomeKind.POSTPONED

    def compute_remind_at(self) -> datetime.datetime | None:
        if self.remind_before is None or self.due_at is None or self.kind == ActivityKind.NOTE:
            return None
        return self.due_at - datetime.timedelta(minutes=self.remind_before)

    def clean(self) -> None:
        if self.kind != ActivityKind.NOTE and not self.due_at:
            raise ValidationError(
                {"due_at": _("Plan a date and time for a call, meeting or task.")},
                code="due_required",
            )
        if self.end_at and self.due_at and self.end_at < self.due_at:
            raise ValidationError(
                {"end_at": _("The end cannot be before the start.")}, code="end_before_start"
            )

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(names=[self.subject])


class ActivitySearchToken(SearchTokenBase):
    record = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("activity")
