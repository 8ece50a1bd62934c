"""Service: cases (обращения, рекламации) with deadlines in working time, the client's rating,
the working calendar the deadlines count in, and the people around a deal (stakeholders)."""

from __future__ import annotations

import datetime
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts.models import Entity
from voronka.core.models import OwnedRecord
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for

from . import sla


class CaseKind(models.TextChoices):
    QUESTION = "question", _("question")
    REQUEST = "request", _("request")
    COMPLAINT = "complaint", _("complaint")
    FEEDBACK = "feedback", _("feedback")
    THANKS = "thanks", _("thanks")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class Channel(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    WEB_FORM = "web_form", _("web form")
    IN_PERSON = "in_person", _("in person")


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case", "new")
    IN_WORK = "in_work", pgettext_lazy("case", "in work")
    WAITING = "waiting", _("waiting for the client")
    RESOLVED = "resolved", pgettext_lazy("case", "resolved")
    CLOSED = "closed", pgettext_lazy("case", "closed")
    REOPENED = "reopened", pgettext_lazy("case", "reopened")


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.IN_WORK, CaseStatus.WAITING, CaseStatus.REOPENED)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class SlaState(models.TextChoices):
    OK = "ok", _("on time")
    WARNED = "warned", _("about to breach")
    BREACHED = "breached", _("breached")


def new_rating_key() -> str:
    return secrets.token_urlsafe(24)


class WorkCalendar(models.Model):
    """The organisation's working time: hours of a day, working days of the week, and the
    holidays and transferred days of its country's production calendar (`CalendarDay`)."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    country = models.CharField(_("country"), max_length=2, default="RU")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    starts = models.TimeField(_("working day starts"), default=datetime.time(9, 0))
    ends = models.TimeField(_("working day ends"), default=datetime.time(18, 0))
    weekdays = models.CharField(
        _("working days of the week"),
        max_length=7,
        default="01234",
        help_text=_("Digits of the working days: 0 is Monday, 6 is Sunday."),
    )
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name

    def as_calendar(self) -> sla.Calendar:
        try:
            zone = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_default_timezone()
        days = list(self.days.values_list("day", "is_working"))
        return sla.Calendar(
            zone=zone,
            starts=self.starts,
            ends=self.ends,
            weekdays=frozenset(int(c) for c in self.weekdays if c in "0123456"),
            holidays=frozenset(d for d, working in days if not working),
            working_days=frozenset(d for d, working in days if working),
        )


class CalendarDay(models.Model):
    """A day that differs from its weekday: a holiday (not working) or a transferred working
    day (a Saturday worked instead of a bridge day)."""

    calendar = models.ForeignKey(
        WorkCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    day = models.DateField(_("day"))
    is_working = models.BooleanField(_("working day"), default=False)
    note = models.CharField(_("note"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.note}"


class SlaRule(models.Model):
    """For a kind and priority of case: the working hours to the first answer and to the
    resolution. No rule: no deadline."""

    kind = models.CharField(_("type"), max_length=20, choices=CaseKind.choices)
    priority = models.CharField(_("priority"), max_length=20, choices=Priority.choices)
    first_response_hours = models.PositiveSmallIntegerField(_("first answer within, hours"))
    resolve_hours = models.PositiveSmallIntegerField(_("resolution within, hours"))

    class Meta:
        verbose_name = _("SLA rule")
        verbose_name_plural = _("SLA rules")
        ordering = ["kind", "priority"]
        constraints = [models.UniqueConstraint(fields=["kind", "priority"], name="sla_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} / {self.get_priority_display()}"


class Case(OwnedRecord):
    """A client's request, question or complaint: who asked, about what, who works it and by
    when. A new case may wait in a team's queue with no owner until a member takes it."""

    access_entity = Entity.CASE
    access_queue_team = "team"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=CaseKind.choices, default=CaseKind.QUESTION
    )
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contact"),
    )
    client_name = models.CharField(_("client's name"), max_length=255, blank=True)
    client_email = models.EmailField(_("client's e-mail"), blank=True)
    deal = models.ForeignKey(
        "sales.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("deal"),
    )
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("document"),
    )
    product = models.CharField(_("product"), max_length=255, blank=True)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team queue"),
    )
    resolution = models.TextField(_("resolution"), blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Deadlines as last computed (None: no rule, done, or the clock is paused).
    response_due_at = models.DateTimeField(_("first answer due"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_state = models.CharField(
        _("deadline"), max_length=20, choices=SlaState.choices, default=SlaState.OK
    )
    breached = models.BooleanField(_("deadline breached"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    mail_thread_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-opened_at"], name="case_status_idx"),
            models.Index(fields=["owner", "-opened_at"], name="case_owner_idx"),
            models.Index(fields=["team", "status"], name="case_team_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}" if self.pk else self.subject

    def get_absolute_url(self) -> str:
        return reverse("service:case-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == CaseStatus.WAITING

    @property
    def client_label(self) -> str:
        return str(self.contact or self.company or self.client_name or "—")

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(
            names=[self.subject, self.client_name, self.product],
            emails=[self.client_email] if self.client_email else [],
        )


class CaseSearchToken(SearchTokenBase):
    record = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("case")


class CasePause(models.Model):
    """A time the case waited for the client: its clock stood still."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.started_at} — {self.ended_at or '…'}"


class CaseRating(models.Model):
    """The client's rating of a resolved case, asked once by a public link."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ratings")
    key = models.CharField(max_length=48, unique=True, default=new_rating_key)
    # Whose work is rated: the owner at the time the case was resolved.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated manager"),
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score or '—'}"

    def public_url(self) -> str:
        return reverse("service:rate", args=[self.key])


class StakeholderRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("decision maker")
    ECONOMIC_BUYER = "economic_buyer", _("economic buyer")
    TECHNICAL = "technical", _("technical expert")
    USER = "user", _("user")
    INFLUENCER = "influencer", _("influencer")
    GATEKEEPER = "gatekeeper", _("gatekeeper")


class Attitude(models.TextChoices):
    CHAMPION = "champion", _("champion")
    SUPPORTER = "supporter", _("supporter")
    NEUTRAL = "neutral", _("neutral")
    OPPONENT = "opponent", _("opponent")


class Stakeholder(models.Model):
    """A contact involved in a deal, with their role in the decision and their attitude."""

    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.CASCADE, related_name="stakeholders", verbose_name=_("deal")
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.CASCADE,
        related_name="stakeholder_roles",
        verbose_name=_("contact"),
    )
    role = models.CharField(_("role"), max_length=20, choices=StakeholderRole.choices)
    attitude = models.CharField(
        _("attitude"), max_length=20, choices=Attitude.choices, default=Attitude.NEUTRAL
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    influences = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="influenced_by",
        verbose_name=_("influences"),
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "contact"], name="stakeholder_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact} — {self.get_role_display()}"


# The labels of the status buttons ("what it becomes").
ALLOWED_LABELS = {
    CaseStatus.IN_WORK: _("Take into work"),
    CaseStatus.WAITING: _("Wait for the client"),
    CaseStatus.RESOLVED: _("Resolved"),
    CaseStatus.CLOSED: _("Close"),
    CaseStatus.REOPENED: _("Reopen"),
}
