"""Marketing: groups and segments of companies and contacts, campaigns with their costs,
mass mailings with a row per recipient, unsubscriptions and questionnaires."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.core.models import TimeStampedModel
from voronka.core.money import currency_choices, default_currency

MARKETER_ROLE = "marketer"


class Audience(models.TextChoices):
    COMPANY = "company", _("companies")
    CONTACT = "contact", _("contacts")


class Sharing(models.TextChoices):
    PERSONAL = "personal", _("personal")
    TEAM = "team", _("team")
    EVERYONE = "everyone", _("everyone")


class Group(TimeStampedModel):
    """A static group of companies or contacts (seed 003: shared or personal, with a curator)."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    audience = models.CharField(_("made of"), max_length=10, choices=Audience.choices)
    sharing = models.CharField(
        _("shared with"), max_length=10, choices=Sharing.choices, default=Sharing.PERSONAL
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("curator"),
    )
    companies = models.ManyToManyField(
        "contacts.Company", blank=True, related_name="marketing_groups"
    )
    contacts = models.ManyToManyField(
        "contacts.Contact", blank=True, related_name="marketing_groups"
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:group-detail", args=[self.pk])


class Segment(TimeStampedModel):
    """A saved filter over companies or contacts; resolved with the viewer's rights."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    audience = models.CharField(_("made of"), max_length=10, choices=Audience.choices)
    filters = models.JSONField(_("conditions"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    is_shared = models.BooleanField(_("shared"), default=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:segment-detail", args=[self.pk])


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    EXHIBITION = "exhibition", _("exhibition")
    PRINT = "print", _("print advert")
    WEB = "web", _("web")
    CALLS = "calls", _("cold calls")
    EVENT = "event", _("event")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("campaign", "planned")
    ACTIVE = "active", pgettext_lazy("campaign", "active")
    FINISHED = "finished", pgettext_lazy("campaign", "finished")
    CANCELLED = "cancelled", pgettext_lazy("campaign", "cancelled")


class Campaign(TimeStampedModel):
    name = models.CharField(pgettext_lazy("object", "name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name=_("target segment"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:campaign-detail", args=[self.pk])


class CampaignCost(models.Model):
    """One actual cost of a campaign, on its date, in any currency (counted in the base
    currency at the rate of its date)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="costs")
    date = models.DateField(_("date"), default=timezone.localdate)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    note = models.CharField(_("what for"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.amount} {self.currency}"


class MailingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    SENDING = "sending", _("sending")
    PAUSED = "paused", _("paused")
    DONE = "done", pgettext_lazy("mailing", "sent")


class Mailing(TimeStampedModel):
    """A mass mailing: to a segment or a group, from a template, from a shared mailbox or
    plain SMTP settings, at a rate limit."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=200)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("campaign"),
    )
    segment = models.ForeignKey(
        Segment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("segment"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("group"),
    )
    template = models.ForeignKey(
        "mail.Template",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("letter template"),
    )
    mailbox = models.ForeignKey(
        "mail.Mailbox",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared mailbox"),
    )
    from_email = models.EmailField(_("from address"), blank=True)
    smtp_host = models.CharField(_("SMTP server"), max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=25)
    smtp_login = models.CharField(_("SMTP login"), max_length=255, blank=True)
    smtp_password = models.CharField(_("SMTP password"), max_length=255, blank=True)
    smtp_tls = models.BooleanField(_("STARTTLS"), default=False)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    per_minute = models.PositiveIntegerField(
        _("letters per minute"), default=60, validators=[MinValueValidator(1)]
    )
    track_opens = models.BooleanField(
        _("count opens (tracking pixel)"),
        default=False,
        help_text=_("Off by default: a hidden image tells us when a letter is opened."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MailingStatus.choices, default=MailingStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:mailing-detail", args=[self.pk])


class RecipientState(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    INTERRUPTED = "interrupted", _("interrupted (not resent)")
    NO_CONSENT = "no_consent", _("skipped: no consent")
    UNSUBSCRIBED = "unsubscribed", _("skipped: unsubscribed")
    NO_ADDRESS = "no_address", _("skipped: no address")
    SAME_ADDRESS = "same_address", _("skipped: the address has a letter already")
    BOUNCED = "bounced", _("bounced")


SKIPPED_STATES = (
    RecipientState.NO_CONSENT,
    RecipientState.UNSUBSCRIBED,
    RecipientState.NO_ADDRESS,
    RecipientState.SAME_ADDRESS,
)


class Recipient(models.Model):
    """One letter of a mailing: claimed atomically (pending → sending) before it is sent, so a
    worker killed mid-way never sends it twice."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="mailing_letters"
    )
    email = models.CharField(_("address"), max_length=320, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RecipientState.choices, default=RecipientState.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        # Not unique on (mailing, contact): merging two contacts moves their rows onto one.
        # A mailing is queued once (`services.queue`) and one address gets one letter.
        indexes = [
            models.Index(fields=["mailing", "state", "id"], name="recipient_state_idx"),
            models.Index(fields=["mailing", "contact"], name="recipient_contact_idx"),
        ]

    def __str__(self) -> str:
        return self.email


class Unsubscription(models.Model):
    """A contact said «no more mailings» (through a letter's link or by hand): when and from
    which mailing. Every later mailing skips the contact."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="unsubscriptions"
    )
    email = models.CharField(_("address"), max_length=320, blank=True)
    mailing = models.ForeignKey(
        Mailing, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("unsubscribed"), default=timezone.now)

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        ordering = ["-at"]

    def __str__(self) -> str:
        return self.email


class Questionnaire(TimeStampedModel):
    name = models.CharField(pgettext_lazy("object", "name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketing:questionnaire-detail", args=[self.pk])


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("one choice")
    MULTIPLE = "multiple", _("several choices")
    SCALE = "scale", _("scale 1–10")
    TEXT = "text", _("text")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    is_nps = models.BooleanField(
        _("NPS (scale 0–10)"),
        default=False,
        help_text=_("A scale question marked so is asked 0–10 and counted as NPS."),
    )
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def scale(self) -> range:
        return range(0, 11) if self.is_nps else range(1, 11)


def new_key() -> str:
    return secrets.token_urlsafe(24)


class SurveyLink(models.Model):
    """A public link to a questionnaire for one contact (and deal): answered once."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="links")
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key

    def get_absolute_url(self) -> str:
        return reverse("marketing:survey-public", args=[self.key])


class Response(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="survey_responses"
    )
    deal = models.ForeignKey(
        "sales.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link = models.OneToOneField(
        SurveyLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filled by"),
    )
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.questionnaire_id}/{self.contact_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.question_id}"


class DealCompetitor(models.Model):
    """Who else the client of an open deal considers."""

    deal = models.ForeignKey("sales.Deal", on_delete=models.CASCADE, related_name="+")
    competitor = models.ForeignKey(
        "contacts.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("competitor")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        # Not unique: merging two competitors moves both rows onto one (shown once).
        indexes = [models.Index(fields=["deal", "competitor"], name="deal_competitor_idx")]

    def __str__(self) -> str:
        return f"{self.deal_id}/{self.competitor_id}"
