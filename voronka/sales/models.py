"""The sales domain: pipelines of stages, lead sources and deals."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from voronka.accounts.models import Entity
from voronka.core.models import ListValue, OwnedRecord
from voronka.core.money import currency_choices, default_currency
from voronka.core.search import SearchTokenBase, token_indexes, tokens_for


class Pipeline(models.Model):
    """An ordered set of stages a deal goes through (воронка продаж)."""

    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    strict_order = models.BooleanField(
        _("stages in strict order"),
        default=False,
        help_text=_("A deal moves only to the next open stage (or closes), never skips one."),
    )

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:pipeline-edit", args=[self.pk])

    def first_open_stage(self) -> "Stage | None":
        return self.stages.filter(kind=StageKind.OPEN).order_by("order", "id").first()


class StageKind(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


# Deal fields a stage may require to be filled before a deal enters it.
REQUIRABLE_FIELDS = {
    "company": _("company"),
    "contact": _("contact"),
    "amount": _("amount"),
    "expected_close_date": _("expected close date"),
    "lead_source": _("lead source"),
    "next_step": _("next step"),
    "description": _("description"),
}


def _requirable_fields(value) -> None:
    if not isinstance(value, list) or any(v not in REQUIRABLE_FIELDS for v in value):
        raise ValidationError(_("Unknown deal field among the required ones."), code="fields")


class InvoiceState(models.TextChoices):
    """How far the deal's invoices got, kept on the deal by the documents' services (the
    stage rules read it; sales knows nothing of documents)."""

    NONE = "", _("no invoice")
    ISSUED = "issued", _("an issued invoice")
    PAID = "paid", _("a paid invoice")


class Stage(models.Model):
    """A step of a pipeline with its probability of winning (стадия продаж), what must be
    true to enter it, and the playbook a manager follows while a deal sits in it."""

    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline")
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), default=0, validators=[MaxValueValidator(100)]
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=StageKind.choices, default=StageKind.OPEN
    )
    color = models.CharField(
        _("colour"),
        max_length=7,
        default="#5b8def",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #5b8def."))],
    )
    playbook = models.TextField(
        _("playbook"),
        blank=True,
        help_text=_("Guidance and scripts shown on a deal while it is at this stage."),
    )
    required_fields = models.JSONField(
        _("required deal fields"), default=list, blank=True, validators=[_requirable_fields]
    )
    required_invoice = models.CharField(
        _("required invoice"),
        max_length=10,
        choices=InvoiceState.choices,
        blank=True,
        help_text=_("An issued (or a paid) invoice the deal must have to enter this stage."),
    )
    requires_decision_maker = models.BooleanField(
        _("decision maker must be known"),
        default=False,
        help_text=_("The deal's stakeholder map must name a decision maker to enter this stage."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN

    def get_required_fields_display(self) -> list[str]:
        return [str(REQUIRABLE_FIELDS[f]) for f in self.required_fields if f in REQUIRABLE_FIELDS]


class StageChecklistItem(models.Model):
    """Something to tick on a deal before it may enter the stage ("счёт выставлен")."""

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("stage")
    )
    text = models.CharField(_("checklist item"), max_length=255)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["stage", "order", "id"]

    def __str__(self) -> str:
        return self.text


class LostReason(ListValue):
    """Why deals are lost: an editable list, asked for when a deal closes lost."""

    class Meta(ListValue.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


class LeadSource(ListValue):
    """Where an inquiry came from: a forum, the website, an ad, a referral, an exhibition…"""

    class Meta(ListValue.Meta):
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")


class Direction(ListValue):
    """A project or direction the company sells in (a destination, an exhibition, a product
    line): deals carry one, and reports and plans split by it."""

    class Meta(ListValue.Meta):
        verbose_name = _("direction")
        verbose_name_plural = _("directions")


class DealType(models.TextChoices):
    NEW = "new", _("new business")
    EXISTING = "existing", _("existing business")


class Deal(OwnedRecord):
    """A sales opportunity: what we hope to sell, to whom, for how much and when."""

    access_entity = Entity.DEAL

    name = models.CharField(_("deal name"), max_length=255)
    company = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("company"),
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("contact"),
    )
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.PROTECT, related_name="deals", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default=default_currency
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), validators=[MaxValueValidator(100)]
    )
    type = models.CharField(
        _("type"), max_length=10, choices=DealType.choices, default=DealType.NEW
    )
    lead_source = models.ForeignKey(
        LeadSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("lead source"),
    )
    # The marketing campaign the deal came from (voronka.marketing: its ROI counts the deal).
    campaign = models.ForeignKey(
        "marketing.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("campaign"),
    )
    direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("project / direction"),
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Units sold, when the plan counts them: m² of stand space, tourists…"),
    )
    next_step = models.CharField(_("next step"), max_length=255, blank=True)
    # The nearest planned activity (a call, meeting, task… not done), kept by the activities'
    # services: the board's cards show it and "without a next step" is where it is empty.
    next_activity_at = models.DateTimeField(
        _("next planned activity"), null=True, blank=True, editable=False
    )
    next_activity_subject = models.CharField(max_length=255, blank=True, editable=False)
    # The best state of the deal's invoices (none, issued, paid), kept by the documents'
    # services as the activities' services keep next_activity_at.
    invoice_state = models.CharField(
        _("invoices"), max_length=10, choices=InvoiceState.choices, blank=True, editable=False
    )
    # Whether the stakeholder map names a decision maker, kept by the service app's services.
    decision_maker_known = models.BooleanField(default=False, editable=False)
    description = models.TextField(_("description"), blank=True)
    stage_entered_at = models.DateTimeField(_("at this stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("lost reason"),
    )
    lost_to = models.ForeignKey(
        "contacts.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals_won_from_us",
        verbose_name=_("lost to (competitor)"),
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["name", "id", "owner"], name="deal_name_idx"),
            models.Index(fields=["owner", "-created_at", "-id"], name="deal_owner_created_idx"),
            models.Index(fields=["stage", "expected_close_date"], name="deal_stage_close_idx"),
            # The list filtered by a stage, newest first (its default order).
            models.Index(fields=["stage", "-created_at", "-id"], name="deal_stage_created_idx"),
            # Reports: deals won or lost in a period.
            models.Index(fields=["closed_at", "stage"], name="deal_closed_idx"),
            models.Index(fields=["expected_close_date", "id"], name="deal_close_idx"),
            models.Index(fields=["amount", "id"], name="deal_amount_idx"),
            models.Index(fields=["-created_at", "-id"], name="deal_created_idx"),
            # The scorecard's open deals without a next step, per manager and stage. Not
            # (owner, stage, id): SQLite then prefers it for every report of a department
            # (all owners' deals read instead of a period's), 3× slower.
            models.Index(fields=["owner", "stage"], name="deal_owner_stage_idx"),
            # Deals with nothing planned, per manager and stage: the scorecard, the home page
            # and the "without a next step" filter read this small index.
            models.Index(
                fields=["owner", "stage"],
                condition=models.Q(next_activity_at__isnull=True),
                name="deal_no_next_activity_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:deal-detail", args=[self.pk])

    def clean(self) -> None:
        if self.stage_id and self.pipeline_id and self.stage.pipeline_id != self.pipeline_id:
            raise ValidationError(
                {
                    "stage": _(
                        "The stage «%(stage)s» is not a stage of the pipeline «%(pipeline)s»: "
                        "choose one of its stages."
                    )
                    % {"stage": self.stage.name, "pipeline": self.pipeline.name}
                },
                code="stage_pipeline",
            )

    def search_tokens_wanted(self) -> set[tuple[int, str]]:
        return tokens_for(names=[self.name])

    @property
    def days_in_stage(self) -> int:
        return max(0, (timezone.now() - self.stage_entered_at).days)


class DealSearchToken(SearchTokenBase):
    record = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="search_tokens")

    class Meta:
        indexes = token_indexes("deal")


class DealChecklistTick(models.Model):
    """A checklist item ticked on a deal, by whom and when."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="ticks")
    item = models.ForeignKey(StageChecklistItem, on_delete=models.CASCADE, related_name="ticks")
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "item"], name="unique_deal_checklist_tick")
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.item_id}"


class StageChange(models.Model):
    """A deal's move from one stage to another: the stage history behind time-in-stage,
    conversion between stages and velocity."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("deal")
    )
    from_stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from stage"),
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moved by"),
    )
    changed_at = models.DateTimeField(_("moved at"), default=timezone.now)
    # How long the deal stayed in `from_stage`, kept when it moves on: the average days per
    # stage is then one AVG() by stage, not a pairing of consecutive rows.
    stay_seconds = models.PositiveBigIntegerField(_("seconds in the previous stage"), null=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [
            models.Index(fields=["deal", "changed_at"], name="stage_change_deal_idx"),
            models.Index(fields=["to_stage", "changed_at"], name="stage_change_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


class DealLine(models.Model):
    """A line of a deal: a product or a price-list line (its attributes copied when it was
    put on the deal), quantity, unit, price, discount and VAT. Prices include VAT. The deal's
    amount is the total of its lines while it has any (`services.deal_lines_total`)."""

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="lines", verbose_name=_("deal")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deal_lines",
        verbose_name=_("product"),
    )
    price_list_line = models.ForeignKey(
        "catalog.PriceListLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deal_lines",
        verbose_name=_("price-list line"),
    )
    name = models.CharField(pgettext_lazy("object", "name"), max_length=500)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit = models.CharField(_("unit"), max_length=20, default="шт")
    unit_code = models.CharField(_("OKEI code"), max_length=4, default="796")
    price = models.DecimalField(
        _("price"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    discount_percent = models.DecimalField(
        _("discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    vat_kind = models.CharField(_("VAT"), max_length=10, default="standard")
    cost_price = models.DecimalField(
        _("cost price"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, editable=False)

    class Meta:
        verbose_name = _("deal line")
        verbose_name_plural = _("deal lines")
        ordering = ["deal", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def compute_total(self) -> Decimal:
        gross = (self.quantity or 0) * (self.price or 0)
        discount = gross * (self.discount_percent or 0) / Decimal("100")
        return (gross - discount).quantize(Decimal("0.01"))

    @property
    def margin(self) -> Decimal | None:
        """Gross profit of the line when its cost is known (a supplier's price vs. ours)."""
        if self.cost_price is None:
            return None
        return self.total - (self.quantity * self.cost_price).quantize(Decimal("0.01"))
