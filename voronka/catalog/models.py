"""The catalogue: products and services in groups, units of measure (ОКЕИ), the dated VAT
table, and price lists (a hotel's rooms, a fair's stands) whose line attributes are defined
per price-list type in the settings, not in the code."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.core.money import currency_choices, default_currency
from voronka.core.search import SearchTokenBase, token_indexes


class Unit(models.Model):
    """A unit of measure with its code of the Russian classifier ОКЕИ (796 — штука)."""

    code = models.CharField(_("OKEI code"), max_length=4, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)

    class Meta:
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name


class VatKind(models.TextChoices):
    STANDARD = "standard", _("standard rate")
    REDUCED = "reduced", _("reduced rate")
    ZERO = "zero", _("zero rate")
    NONE = "none", _("without VAT")


class VatRate(models.Model):
    """A VAT rate of a country from a date on. A change of law is a new row: a document
    takes the rate in force on its own date (`selectors.vat_rate`)."""

    country = models.CharField(_("country"), max_length=2)
    kind = models.CharField(_("kind"), max_length=10, choices=VatKind.choices)
    rate = models.DecimalField(
        _("rate, %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: without VAT."),
    )
    valid_from = models.DateField(_("applies from"))

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["country", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "valid_from"], name="vat_rate_unique_from"
            )
        ]

    def __str__(self) -> str:
        rate = _("without VAT") if self.rate is None else f"{self.rate.normalize()} %"
        return f"{self.country} {rate} ({self.valid_from:%d.%m.%Y})"


class ProductGroup(models.Model):
    """A group of products (seed 002: «группы товаров»)."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product or service we sell, with its default price, unit and VAT."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=255)
    group = models.ForeignKey(
        ProductGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("group"),
    )
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    price = models.DecimalField(
        _("price"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost_price = models.DecimalField(
        _("cost price"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    vat_kind = models.CharField(
        _("VAT"), max_length=10, choices=VatKind.choices, default=VatKind.STANDARD
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["sku"], name="product_sku_idx")]

    def __str__(self) -> str:
        return self.name


class AttributeKind(models.TextChoices):
    TEXT = "text", _("text")
    NUMBER = "number", _("number")


class PriceListType(models.Model):
    """What the lines of a price list describe: a hotel's price list has building, room
    class, room type, guests and meals; another type has its own attributes."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150, unique=True)

    class Meta:
        verbose_name = _("price-list type")
        verbose_name_plural = _("price-list types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriceListAttribute(models.Model):
    """A column of the lines of a price-list type."""

    type = models.ForeignKey(
        PriceListType,
        on_delete=models.CASCADE,
        related_name="attributes",
        verbose_name=_("price-list type"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=AttributeKind.choices, default=AttributeKind.TEXT
    )
    aliases = models.CharField(
        _("other column names"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated headers an uploaded file may use for this column."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("price-list attribute")
        verbose_name_plural = _("price-list attributes")
        ordering = ["type", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["type", "code"], name="price_attr_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class PriceList(models.Model):
    """A supplier's price list (a hotel's, for a season) or our own. Uploading replaces or
    extends its current lines; the replaced ones stay (not current) for the deals that
    quoted them."""

    name = models.CharField(_("title"), max_length=255)
    type = models.ForeignKey(
        PriceListType,
        on_delete=models.PROTECT,
        related_name="price_lists",
        verbose_name=_("price-list type"),
    )
    supplier = models.ForeignKey(
        "contacts.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="price_lists",
        verbose_name=_("supplier"),
        help_text=_("Empty: our own price list."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    valid_from = models.DateField(_("valid from"), default=datetime.date.today)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:price-list-detail", args=[self.pk])

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end is before the start.")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class PriceListLine(models.Model):
    """A line of a price list: its attributes (by the codes of its type) and its price.
    `is_current` is False once an upload replaced it; deal lines keep a copy anyway."""

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="lines", verbose_name=_("price list")
    )
    attributes = models.JSONField(_("attributes"), default=dict)
    price = models.DecimalField(
        _("price"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost_price = models.DecimalField(
        _("cost price"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # Copied from the price list so that search filters without a join.
    currency = models.CharField(_("currency"), max_length=3)
    is_current = models.BooleanField(_("current"), default=True)
    # One readable line of the attributes, as it goes onto a deal and a document.
    label = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("price-list line")
        verbose_name_plural = _("price-list lines")
        ordering = ["price_list", "id"]
        indexes = [
            models.Index(fields=["price_list", "is_current"], name="price_line_list_idx"),
            # The search walks the cheapest current lines first.
            models.Index(fields=["is_current", "price", "id"], name="price_line_price_idx"),
        ]

    def __str__(self) -> str:
        return self.label


class PriceListLineSearchToken(SearchTokenBase):
    """Folded words of a current line's attributes, its supplier's name, city and region: a search
    («Лондон, 2 взрослых, завтрак, до 150 $») is a few prefix lookups, not a scan."""

    record = models.ForeignKey(
        PriceListLine, on_delete=models.CASCADE, related_name="search_tokens"
    )

    class Meta:
        indexes = [
            *token_indexes("price_line"),
            models.Index(
                fields=["record", "token"],
                name="price_line_rec_token_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]
