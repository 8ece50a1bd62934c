"""Leads (предварительные контакты): inbound requests before they are a company, a person and a
deal; the distribution of new ones; the web forms people fill on the organisation's site."""

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts.models import Entity
from voronka.core.models import ListValue, OwnedRecord
from voronka.core.phones import format_phone, normalize_phone
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for


class LeadStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("lead", "new")
    IN_WORK = "in_work", pgettext_lazy("lead", "in work")
    QUALIFIED = "qualified", pgettext_lazy("lead", "qualified")
    DISQUALIFIED = "disqualified", pgettext_lazy("lead", "disqualified")
    CONVERTED = "converted", pgettext_lazy("lead", "converted")


# The statuses a person sets by hand (a lead becomes "converted" by its conversion only).
OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.IN_WORK, LeadStatus.QUALIFIED)


class DisqualificationReason(ListValue):
    """Why a lead is not worth working on (spam, a wrong number, no budget…): editable list."""

    class Meta(ListValue.Meta):
        verbose_name = _("disqualification reason")
        verbose_name_plural = _("disqualification reasons")


class Lead(OwnedRecord):
    """An inbound request as it came: the person and company as typed, how to reach them,
    what they asked and where they came from; then who works on it and what it became."""

    access_entity = Entity.LEAD

    person_name = models.CharField(_("person"), max_length=255, blank=True)
    company_name = models.CharField(_("company name as typed"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    source = models.ForeignKey(
        "sales.LeadSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("lead source"),
    )
    # The marketing campaign the lead came from (voronka.marketing: its cost per lead).
    campaign = models.ForeignKey(
        "marketing.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("campaign"),
    )
    web_form = models.ForeignKey(
        "WebForm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
        verbose_name=_("web form"),
    )
    question = models.TextField(_("what was asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualify_reason = models.ForeignKey(
        DisqualificationReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("disqualification reason"),
    )
    # A lead waiting in a team's queue: any member of the team may take it.
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("queue of the team"),
    )
    in_queue = models.BooleanField(_("in the team's queue"), default=False, editable=False)
    requested_at = models.DateTimeField(_("date of the request"), default=timezone.now)
    # When someone first worked on it (left "new"): a new lead older than the setting's hours
    # without it is overdue.
    first_contact_at = models.DateTimeField(
        _("first contact"), null=True, blank=True, editable=False
    )
    # What it became (set by the conversion).
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
        verbose_name=_("contact"),
    )
    deal = models.ForeignKey(
        "sales.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        editable=False,
        verbose_name=_("deal"),
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["-requested_at", "-id"], name="lead_requested_idx"),
            models.Index(fields=["owner", "-requested_at", "-id"], name="lead_owner_idx"),
            models.Index(fields=["status", "-requested_at", "-id"], name="lead_status_idx"),
            models.Index(fields=["source", "requested_at"], name="lead_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        parts = [p for p in (self.person_name, self.company_name) if p]
        return ", ".join(parts) or self.email or self.phone or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("leads:lead-detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        self.person_name = (self.person_name or "").strip()
        self.company_name = (self.company_name or "").strip()
        self.email = (self.email or "").strip().lower()
        self.phone = (self.phone or "").strip()
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as error:
                errors["phone"] = error
        if not any((self.person_name, self.company_name, self.phone, self.email)):
            errors["person_name"] = _("Give a name, a company, a phone or an e-mail.")
        if self.status == LeadStatus.DISQUALIFIED and self.disqualify_reason_id is None:
            errors["disqualify_reason"] = _("Say why the lead is disqualified.")
        if errors:
            raise ValidationError(errors)

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone) if self.phone.startswith("+") else self.phone

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, hours: int | None, now: datetime.datetime | None = None) -> bool:
        """New, never contacted, and older than the setting's hours."""
        if not hours or self.status != LeadStatus.NEW or self.first_contact_at is not None:
            return False
        now = now or timezone.now()
        return self.requested_at < now - datetime.timedelta(hours=hours)

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(
            names=[self.person_name, self.company_name],
            emails=[self.email] if self.email else [],
            phones=[self.phone] if self.phone.startswith("+") else [],
        )


class LeadSearchToken(SearchTokenBase):
    record = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("lead")


class Distribution(models.TextChoices):
    OWNER = "owner", _("to a chosen owner")
    QUEUE = "queue", _("to a team's queue")
    ROUND_ROBIN = "round_robin", _("in turn within a team")


class LeadSettings(models.Model):
    """How new leads are distributed and when one is overdue: one row for the organisation."""

    distribution = models.CharField(
        _("new leads go"),
        max_length=20,
        choices=Distribution.choices,
        default=Distribution.OWNER,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner of new leads"),
        help_text=_("Gets the new leads (and holds a team's queue)."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("For a queue or distribution in turn."),
    )
    overdue_hours = models.PositiveSmallIntegerField(
        _("overdue after, hours"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("A new lead without a first contact for this long shows as overdue."),
    )
    # Round robin: who got the last lead; the next goes to the member after them.
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("lead settings")
        verbose_name_plural = _("lead settings")

    def __str__(self) -> str:
        return str(_("Lead settings"))


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


# The fields a web form may ask, in the order they are shown: the lead's field and its default
# label. Nothing else a browser sends is kept.
FORM_FIELDS = {
    "person_name": _("Your name"),
    "company_name": pgettext_lazy("web form", "Company"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "question": _("Your question"),
}


class WebForm(models.Model):
    """A form on the organisation's site: which fields it asks, what it says after, where it
    may send the visitor. Its submissions become leads with its source."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    key = models.CharField(_("key"), max_length=32, unique=True, default=new_form_key)
    is_active = models.BooleanField(_("active"), default=True)
    # [{"name": "phone", "label": "Телефон", "required": true}, …] in the order shown.
    fields = models.JSONField(_("fields"), default=list)
    title = models.CharField(_("heading"), max_length=255, blank=True)
    submit_label = models.CharField(_("button text"), max_length=100, blank=True)
    thank_you = models.TextField(_("thank-you text"), blank=True)
    redirect_url = models.URLField(
        _("redirect after sending"),
        max_length=500,
        blank=True,
        help_text=_("An address of your own site to open after sending, instead of the text."),
    )
    allowed_hosts = models.TextField(
        _("addresses of your site"),
        blank=True,
        help_text=_(
            "One host per line (example.kz, www.example.kz): the only places the visitor may "
            "be sent after sending."
        ),
    )
    source = models.ForeignKey(
        "sales.LeadSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="web_forms",
        verbose_name=_("lead source"),
    )
    # The campaign its leads come from (voronka.marketing).
    campaign = models.ForeignKey(
        "marketing.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="web_forms",
        verbose_name=_("campaign"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner of its leads"),
        help_text=_("Empty: the distribution of the lead settings decides."),
    )
    opens_case = models.BooleanField(
        _("opens a case instead of a lead"),
        default=False,
        help_text=_(
            "For a support or complaints form: each sending becomes a service case (in the "
            "owner's hands, or the queue of the lead settings' team)."
        ),
    )
    min_fill_seconds = models.PositiveSmallIntegerField(
        _("minimum fill time, seconds"),
        default=3,
        validators=[MaxValueValidator(600)],
        help_text=_("A form sent faster than a person could fill it is a robot's."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("leads:form-edit", args=[self.pk])

    def public_url(self) -> str:
        return reverse("leads:public-form", args=[self.key])

    @property
    def hosts(self) -> set[str]:
        return {h.strip().lower() for h in self.allowed_hosts.split() if h.strip()}

    def allows_redirect(self, url: str) -> bool:
        """Only to an https (or http) address on one of the form's own hosts: never anywhere a
        visitor's request names (no open redirect)."""
        return (
            bool(url)
            and url_has_allowed_host_and_scheme(url, allowed_hosts=self.hosts, require_https=False)
            and urlsplit(url).hostname is not None
        )

    def clean(self) -> None:
        errors = {}
        self.allowed_hosts = "\n".join(sorted(self.hosts))
        if self.redirect_url and not self.allows_redirect(self.redirect_url):
            errors["redirect_url"] = _(
                "The address must be on one of the addresses of your site listed below."
            )
        if not isinstance(self.fields, list) or any(
            not isinstance(f, dict) or f.get("name") not in FORM_FIELDS for f in self.fields
        ):
            errors["fields"] = _("Unknown field among the form's fields.")
        elif not self.fields:
            errors["fields"] = _("Choose the fields of the form.")
        if errors:
            raise ValidationError(errors)
