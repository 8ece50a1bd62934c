"""Abstract bases shared by Voronka's records, and the table of dated exchange rates."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .currencies import base_currency, rate_currencies


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OwnedRecord(TimeStampedModel):
    """A record with an owner (куратор) whose visibility is decided by `accounts.access`.

    `version` grows by one on every update, so an edit based on an old copy is refused
    instead of silently overwriting someone else's change.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class ListValue(models.Model):
    """An entry of one of the editable lists of values (lead sources, lost reasons,
    directions, activity types, outcomes): a name, its place in the list and whether it is
    still offered. An entry in use is deactivated, never deleted (`audit.values`), so the
    records that carry it keep their label."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RateSource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    CBR = "cbr", _("Central Bank of Russia")
    NBK = "nbk", _("National Bank of Kazakhstan")


class ExchangeRate(models.Model):
    """How many units of the base currency one unit of `currency` is worth on `date`.

    One row per currency and date. Feeds quoting per 10 or 100 units are divided on the way
    in, so a rate is always per one unit. A rate entered by hand replaces a feed's rate of the
    same date, and a feed never overwrites it (see `voronka.core.rates.services`).
    """

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)
    source = models.CharField(
        _("source"), max_length=10, choices=RateSource.choices, default=RateSource.MANUAL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique_day"),
        ]
        indexes = [
            # "The latest rate on or before a date" is answered from this index alone.
            models.Index(fields=["currency", "-date"], name="exchange_rate_latest_idx"),
            # The history page lists every currency newest first.
            models.Index(fields=["-date", "currency"], name="exchange_rate_history_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.date:%Y-%m-%d} {self.rate}"

    def clean(self) -> None:
        # Settings decide which currencies exist, so they are checked here rather than as
        # field choices (which would put the list into migrations).
        errors = {}
        self.currency = str(self.currency or "").strip().upper()
        if self.currency == base_currency():
            errors["currency"] = _("The base currency is always worth 1; it needs no rate.")
        elif self.currency not in rate_currencies():
            errors["currency"] = _("This currency is not among the configured currencies.")
        # A rate that is not a number at all was already reported by clean_fields().
        if isinstance(self.rate, Decimal) and not (self.rate.is_finite() and self.rate > 0):
            errors["rate"] = _("The rate must be a positive number.")
        if errors:
            raise ValidationError(errors)
