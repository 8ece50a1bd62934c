"""Date rules: "N days before a date stored on a record, plan an activity for its owner".

A rule names an entity (contact, company, deal) and one of that model's date fields; the list
of fields is read from the models, so a new date field (a contract's end, say) can be used by a
new rule in Settings without code. A yearly rule (a birthday) fires for every anniversary, a
one-off rule (a deal's expected close) for the date itself. Each firing is remembered as a
`DateRuleHit`, unique per rule, record and occurrence, which makes the daily job idempotent.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from voronka.accounts.models import Entity

# The entities a rule can watch, and their models.
ENTITY_MODELS = {
    Entity.CONTACT: "contacts.Contact",
    Entity.COMPANY: "contacts.Company",
    Entity.DEAL: "sales.Deal",
}
ENTITY_CHOICES = [(entity.value, entity.label) for entity in ENTITY_MODELS]
# The link of an activity to the record, by entity.
ACTIVITY_LINK = {Entity.CONTACT: "contact", Entity.COMPANY: "company", Entity.DEAL: "deal"}


def entity_model(entity: str) -> type[models.Model]:
    return apps.get_model(ENTITY_MODELS[Entity(entity)])


def date_fields(entity: str) -> list[models.DateField]:
    """The model's own date fields (not date-and-time ones) a rule may watch."""
    return [
        field
        for field in entity_model(entity)._meta.concrete_fields
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    ]


def field_choices() -> list[tuple[str, str]]:
    """Every watchable field as ("contact.birthday", "Контакт → День рождения")."""
    choices = []
    for entity in ENTITY_MODELS:
        model = entity_model(entity)
        for field in date_fields(entity):
            label = f"{capfirst(model._meta.verbose_name)} → {capfirst(field.verbose_name)}"
            choices.append((f"{entity.value}.{field.name}", label))
    return choices


class DateRule(models.Model):
    name = models.CharField(_("name"), max_length=150)
    entity = models.CharField(_("record"), max_length=20, choices=ENTITY_CHOICES)
    field = models.CharField(_("date field"), max_length=100)
    yearly = models.BooleanField(
        _("every year"),
        default=False,
        help_text=_("A birthday repeats every year; a deadline happens once."),
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("days ahead"),
        default=0,
        validators=[MaxValueValidator(365)],
        help_text=_("How many days before the date the activity is planned (0 to 365)."),
    )
    activity_type = models.ForeignKey(
        "activities.ActivityType",
        on_delete=models.PROTECT,
        related_name="date_rules",
        verbose_name=_("activity type"),
    )
    subject = models.CharField(
        _("subject"),
        max_length=255,
        help_text=_("{name} is replaced by the record's name, {date} by the date."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("date rule")
        verbose_name_plural = _("date rules")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def model(self) -> type[models.Model]:
        return entity_model(self.entity)

    @property
    def field_label(self) -> str:
        return dict(field_choices()).get(f"{self.entity}.{self.field}", self.field)

    def clean(self) -> None:
        if self.entity not in ENTITY_MODELS:
            raise ValidationError({"field": _("Choose a date field.")}, code="entity")
        if self.field not in {field.name for field in date_fields(self.entity)}:
            raise ValidationError({"field": _("This record has no such date field.")}, code="field")


class DateRuleHit(models.Model):
    """A rule fired for a record's date: one per rule, record and occurrence (this year's
    birthday, next year's is another)."""

    rule = models.ForeignKey(DateRule, on_delete=models.CASCADE, related_name="hits")
    object_id = models.PositiveBigIntegerField()
    occurrence = models.DateField()
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_id", "occurrence"], name="date_rule_hit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.object_id}:{self.occurrence}"
