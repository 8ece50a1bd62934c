"""The customer database: companies (контрагенты) and the people in them (контактные лица)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts.models import Entity
from voronka.core.models import ListValue, OwnedRecord
from voronka.core.phones import format_phone, normalize_phone_list
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for
from voronka.core.validators import (
    normalize_email_list,
    validate_bin,
    validate_inn,
    validate_kpp,
    validate_ogrn,
)


def _list_of_strings(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Expected a list of texts."), code="invalid_list")


class PhonesAndEmailsMixin:
    """Phones are kept in E.164 and e-mails in lower case, whoever writes them."""

    def clean_phones_and_emails(self) -> dict[str, ValidationError]:
        errors = {}
        if not isinstance(self.phones, list) or not isinstance(self.emails, list):
            return errors  # clean_fields() has already reported the wrong shape
        try:
            self.phones = normalize_phone_list(self.phones)
        except ValidationError as error:
            errors["phones"] = error
        try:
            self.emails = normalize_email_list(self.emails)
        except ValidationError as error:
            errors["emails"] = error
        return errors


class CompanyKind(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    SUPPLIER = "supplier", _("supplier")
    PARTNER = "partner", _("partner")
    COMPETITOR = "competitor", _("competitor")


class AbcClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class XyzClass(models.TextChoices):
    X = "X", "X"
    Y = "Y", "Y"
    Z = "Z", "Z"


class RelationshipStage(models.TextChoices):
    POTENTIAL = "potential", _("potential")
    ONE_TIME = "one_time", _("one-time")
    REGULAR = "regular", _("regular")
    LOST = "lost", pgettext_lazy("customer", "lost")


class Region(ListValue):
    """An entry of the editable list of regions a company's region is chosen from."""

    class Meta(ListValue.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Industry(ListValue):
    """An entry of the editable list of industries a company's industry is chosen from."""

    class Meta(ListValue.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")


class Company(PhonesAndEmailsMixin, OwnedRecord):
    """An organisation we deal with; at once a customer, supplier, partner or competitor."""

    access_entity = Entity.COMPANY

    name = models.CharField(_("company name"), max_length=255)
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    is_partner = models.BooleanField(_("partner"), default=False)
    is_competitor = models.BooleanField(_("competitor"), default=False)
    industry = models.CharField(_("industry"), max_length=150, blank=True)
    region = models.CharField(_("region"), max_length=150, blank=True)
    city = models.CharField(_("city"), max_length=150, blank=True)
    address = models.TextField(_("address"), blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True, validators=[_list_of_strings])
    emails = models.JSONField(_("e-mails"), default=list, blank=True, validators=[_list_of_strings])
    website = models.URLField(_("website"), max_length=300, blank=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[validate_bin])
    description = models.TextField(_("description"), blank=True)
    # Customer classification, recomputed nightly by analytics.classification (not typed in).
    abc_class = models.CharField(
        _("ABC class"), max_length=1, choices=AbcClass.choices, blank=True, editable=False
    )
    xyz_class = models.CharField(
        _("XYZ class"), max_length=1, choices=XyzClass.choices, blank=True, editable=False
    )
    relationship_stage = models.CharField(
        _("relationship stage"),
        max_length=10,
        choices=RelationshipStage.choices,
        default=RelationshipStage.POTENTIAL,
        editable=False,
    )
    classified_on = models.DateField(_("classified on"), null=True, blank=True, editable=False)
    # When the nearest planned activity with this company is due, kept by the activities'
    # services: empty means "without a next step".
    next_activity_at = models.DateTimeField(
        _("next planned activity"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            # Each list sort has an index in its exact order (the id breaks ties); a trailing
            # owner lets the access filter be checked in the index, without reading the table.
            models.Index(fields=["name", "id", "owner"], name="company_name_idx"),
            models.Index(fields=["owner", "name", "id"], name="company_owner_name_idx"),
            models.Index(fields=["city", "name", "id"], name="company_city_idx"),
            models.Index(
                fields=[
                    "city",
                    "owner",
                    "is_customer",
                    "is_supplier",
                    "is_partner",
                    "is_competitor",
                ],
                name="company_city_kind_idx",
            ),
            models.Index(fields=["-created_at", "-id"], name="company_created_idx"),
            models.Index(fields=["abc_class", "xyz_class", "owner"], name="company_abc_xyz_idx"),
            models.Index(fields=["relationship_stage", "owner"], name="company_stage_idx"),
            # The scorecard's customers without a next step, per manager, from the index alone.
            models.Index(
                fields=["owner"],
                condition=models.Q(is_customer__is=True),
                name="company_customer_owner_idx",
            ),
            # Customers with nothing planned, per manager: the scorecard and the list filter.
            models.Index(
                fields=["owner"],
                condition=models.Q(is_customer__is=True, next_activity_at__isnull=True),
                name="company_no_next_activity_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:company-detail", args=[self.pk])

    def clean(self) -> None:
        self.name = self.name.strip()
        self.kpp = self.kpp.strip().upper()
        errors = self.clean_phones_and_emails()
        if errors:
            raise ValidationError(errors)

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in CompanyKind.values if getattr(self, f"is_{kind}")]

    def get_kinds_display(self) -> list[str]:
        return [str(CompanyKind(kind).label) for kind in self.kinds]

    @property
    def phones_display(self) -> list[str]:
        return [format_phone(p) for p in self.phones]

    @property
    def tax_ids(self) -> list[str]:
        return [v for v in (self.inn, self.ogrn, self.bin) if v]

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(
            names=[self.name], emails=self.emails, phones=self.phones, tax_ids=self.tax_ids
        )


class CompanySearchToken(SearchTokenBase):
    record = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("company")


class Contact(PhonesAndEmailsMixin, OwnedRecord):
    """A person, usually working at a company."""

    access_entity = Entity.CONTACT

    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=150, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("company"),
    )
    position = models.CharField(_("position"), max_length=150, blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True, validators=[_list_of_strings])
    emails = models.JSONField(_("e-mails"), default=list, blank=True, validators=[_list_of_strings])
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    mailing_consent = models.BooleanField(
        _("agrees to mailings"),
        default=False,
        help_text=_("The person agreed to receive our mailings."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(
                fields=["last_name", "first_name", "id", "owner"], name="contact_name_idx"
            ),
            models.Index(
                fields=["owner", "last_name", "first_name", "id"], name="contact_owner_name_idx"
            ),
            models.Index(fields=["-created_at", "-id"], name="contact_created_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact-detail", args=[self.pk])

    def clean(self) -> None:
        self.last_name = self.last_name.strip()
        errors = self.clean_phones_and_emails()
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def phones_display(self) -> list[str]:
        return [format_phone(p) for p in self.phones]

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(
            names=[self.last_name, self.first_name, self.middle_name],
            emails=self.emails,
            phones=self.phones,
        )


class ContactSearchToken(SearchTokenBase):
    record = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("contact")
