"""What the reports keep: classification settings and history, sales plans, saved reports and
each user's dashboard arrangement."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from voronka.contacts.models import RelationshipStage
from voronka.core.dates import month_label

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]

DEFAULT_COMPANY_KEY_FIELDS = ["industry", "region", "city", "phones", "emails", "inn"]
DEFAULT_CONTACT_KEY_FIELDS = ["position", "phones", "emails"]


def _default_company_fields() -> list[str]:
    return list(DEFAULT_COMPANY_KEY_FIELDS)


def _default_contact_fields() -> list[str]:
    return list(DEFAULT_CONTACT_KEY_FIELDS)


class ClassificationSettings(models.Model):
    """The thresholds of ABC, XYZ and the relationship stages, and the key fields of data
    completeness. One row (pk 1); `ClassificationSettings.get()` makes it on first use."""

    abc_a = models.DecimalField(
        _("class A: share of revenue, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PERCENT,
    )
    abc_b = models.DecimalField(
        _("class B: next share of revenue, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=PERCENT,
    )
    abc_months = models.PositiveSmallIntegerField(
        _("ABC: months of revenue"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    xyz_months = models.PositiveSmallIntegerField(
        _("XYZ: months of revenue"),
        default=12,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
    )
    xyz_x = models.DecimalField(
        _("class X: variation up to, %"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    xyz_y = models.DecimalField(
        _("class Y: variation up to, %"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    regular_months = models.PositiveSmallIntegerField(
        _("regular: bought in at least N months"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    regular_window = models.PositiveSmallIntegerField(
        _("regular: of the last M months"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    lost_after_days = models.PositiveIntegerField(
        _("lost: no purchase for K days"),
        default=180,
        validators=[MinValueValidator(1)],
    )
    company_key_fields = models.JSONField(
        _("key fields of a company"), default=_default_company_fields, blank=True
    )
    contact_key_fields = models.JSONField(
        _("key fields of a contact"), default=_default_contact_fields, blank=True
    )

    class Meta:
        verbose_name = _("classification settings")
        verbose_name_plural = _("classification settings")

    def __str__(self) -> str:
        return str(_("Classification settings"))

    def clean(self) -> None:
        errors = {}
        if self.abc_a is not None and self.abc_b is not None and self.abc_a + self.abc_b > 100:
            errors["abc_b"] = _("A and B together cannot exceed 100 %.")
        if self.xyz_x is not None and self.xyz_y is not None and self.xyz_y < self.xyz_x:
            errors["xyz_y"] = _("The Y bound cannot be below the X bound.")
        if (
            self.regular_months is not None
            and self.regular_window is not None
            and self.regular_months > self.regular_window
        ):
            errors["regular_months"] = _("N cannot be more than M.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def get(cls) -> ClassificationSettings:
        found = cls.objects.filter(pk=1).first()
        return found if found is not None else cls.objects.create(pk=1)


class ClassificationRun(models.Model):
    """One recompute of every company's class and stage: when, how long, how many changed."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    day = models.DateField(_("as of"))
    companies = models.PositiveIntegerField(_("companies"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )

    class Meta:
        verbose_name = _("classification run")
        verbose_name_plural = _("classification runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.day} ({self.companies})"


class ClassificationField(models.TextChoices):
    ABC = "abc", _("ABC class")
    XYZ = "xyz", _("XYZ class")
    STAGE = "stage", _("relationship stage")


class ClassificationChange(models.Model):
    """A company's class or stage changed on a recompute: the history the scorecard counts
    (one-time → regular, → lost) and the company page shows."""

    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.CASCADE,
        related_name="classification_changes",
        verbose_name=_("company"),
    )
    day = models.DateField(_("date"))
    field = models.CharField(_("what"), max_length=5, choices=ClassificationField.choices)
    old = models.CharField(_("was"), max_length=10, blank=True)
    new = models.CharField(_("became"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["company", "-day"], name="class_change_company_idx"),
            models.Index(fields=["field", "day", "new"], name="class_change_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.field}: {self.old} → {self.new}"

    def _shown(self, value: str) -> str:
        if self.field == ClassificationField.STAGE and value:
            return str(dict(RelationshipStage.choices).get(value, value))
        return value or "—"

    def old_display(self) -> str:
        return self._shown(self.old)

    def new_display(self) -> str:
        return self._shown(self.new)


class PlanPeriod(models.TextChoices):
    MONTH = "month", _("month")
    QUARTER = "quarter", _("quarter")


class SalesPlan(models.Model):
    """A target for a month or a quarter: for one manager, one team, or the whole department
    (neither), optionally for one direction; in money (base currency) and/or in units."""

    period = models.CharField(
        _("period"), max_length=10, choices=PlanPeriod.choices, default=PlanPeriod.MONTH
    )
    start = models.DateField(_("first day"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sales_plans",
        verbose_name=_("manager"),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sales_plans",
        verbose_name=_("team"),
    )
    direction = models.ForeignKey(
        "sales.Direction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sales_plans",
        verbose_name=_("project / direction"),
    )
    amount = models.DecimalField(
        _("revenue target"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    quantity = models.DecimalField(
        _("units target"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["start", "period"], name="plan_start_idx")]

    def __str__(self) -> str:
        if self.period == PlanPeriod.QUARTER:
            return gettext("Q%(number)s %(year)s") % {
                "number": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return month_label(self.start)

    def clean(self) -> None:
        errors = {}
        if self.owner_id and self.team_id:
            errors["team"] = _("A plan is for a manager or for a team, not both.")
        if self.amount is None and self.quantity is None:
            errors["amount"] = _("Give a revenue target, a units target or both.")
        if self.start and self.start.day != 1:
            errors["start"] = _("A plan starts on the first day of a month.")
        if self.start and self.period == PlanPeriod.QUARTER and (self.start.month - 1) % 3:
            errors["start"] = _("A quarter starts in January, April, July or October.")
        if errors:
            raise ValidationError(errors)


class ReportEntity(models.TextChoices):
    COMPANIES = "companies", _("Companies")
    CONTACTS = "contacts", _("Contacts")
    DEALS = "deals", _("Deals")
    ACTIVITIES = "activities", _("Activities")


class ReportSharing(models.TextChoices):
    PRIVATE = "private", _("only me")
    TEAM = "team", _("my team")
    EVERYONE = "everyone", _("everyone")


class ReportSchedule(models.TextChoices):
    NONE = "", _("not sent")
    WEEKLY = "weekly", _("weekly, on Monday")
    MONTHLY = "monthly", _("monthly, on the 1st")


class SavedReport(models.Model):
    """A report made in the builder: the entity, the columns, filters, grouping, sorting and
    chart (in `spec`, checked against the builder's whitelist), who may open it and when it
    is e-mailed. Whoever opens it sees only the rows their own access allows."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_reports",
        verbose_name=_("author"),
    )
    entity = models.CharField(_("what"), max_length=20, choices=ReportEntity.choices)
    spec = models.JSONField(_("definition"), default=dict)
    sharing = models.CharField(
        _("shared with"),
        max_length=10,
        choices=ReportSharing.choices,
        default=ReportSharing.PRIVATE,
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    schedule = models.CharField(
        _("e-mail it"),
        max_length=10,
        choices=ReportSchedule.choices,
        default=ReportSchedule.NONE,
        blank=True,
    )
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DashboardLayout(models.Model):
    """The blocks of a user's dashboard, in the order the user arranged them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dashboard_layout",
        verbose_name=_("user"),
    )
    blocks = models.JSONField(_("blocks"), default=list)

    class Meta:
        verbose_name = _("dashboard layout")
        verbose_name_plural = _("dashboard layouts")

    def __str__(self) -> str:
        return str(self.user)


class CompletenessSnapshot(models.Model):
    """How full the key fields of a manager's companies or contacts were on a day: counted
    nightly with the classification (over a million contacts it is too slow for a page)."""

    day = models.DateField(_("date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("manager"),
    )
    entity = models.CharField(_("what"), max_length=10)  # "company" or "contact"
    records = models.PositiveIntegerField(_("records"), default=0)
    fields = models.PositiveSmallIntegerField(_("key fields"), default=0)
    filled = models.PositiveBigIntegerField(_("filled"), default=0)

    class Meta:
        verbose_name = _("data completeness")
        verbose_name_plural = _("data completeness")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "owner", "entity"], name="completeness_once_a_day"
            )
        ]
        indexes = [models.Index(fields=["-day"], name="completeness_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.owner_id} {self.entity}"

    @property
    def share(self) -> float | None:
        cells = self.records * self.fields
        return round(100 * self.filled / cells, 1) if cells else None


class ActivityMonth(models.Model):
    """The activities a manager completed in a month, by kind and outcome kind: rebuilt nightly
    for the months before the current one (`activity_months.rebuild`), so that a scorecard of
    a quarter or a year adds up a few hundred rows instead of reading every activity. The
    current month, and any month not summed yet, is counted from the activities themselves."""

    month = models.DateField(_("month"))  # its first day
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("manager"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    outcome_kind = models.CharField(_("outcome"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("activities of a month")
        verbose_name_plural = _("activities by month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "owner", "kind", "outcome_kind"], name="activity_month_once"
            )
        ]
        indexes = [models.Index(fields=["month", "owner"], name="activity_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.owner_id} {self.kind} {self.outcome_kind}"
