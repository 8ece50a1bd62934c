"""The editable lists of values (lead sources, lost reasons, directions, activity types,
outcomes: `core.models.ListValue`): one rule for all of them, whoever writes — a settings
page, the API or a bulk action.

- Administrators add, change and delete entries; each change is in the settings' history.
- An entry in use (any record points to it) is deactivated, never deleted: the records keep
  their label, and nothing silently loses its value (a deleted lead source used to vanish from
  its deals).
- An inactive entry is no longer offered and is refused when a record is given it; a record
  that already has it keeps it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.core.models import ListValue

from .models import Verb
from .services import record_setting, setting_snapshot


def in_use(value: ListValue) -> bool:
    """Whether any record points to this entry (through any relation, of any app)."""
    for relation in value._meta.related_objects:
        if not relation.concrete and relation.many_to_many:
            continue
        related = relation.related_model._default_manager
        if related.filter(**{relation.field.name: value}).exists():
            return True
    return False


def value_save(*, actor, value: ListValue) -> ListValue:
    """Add or change an entry (administrators only), with its history."""
    access.require_configure(actor)
    before = None
    if value.pk is not None:
        stored = type(value)._default_manager.filter(pk=value.pk).first()
        before = setting_snapshot(stored) if stored is not None else None
    value.full_clean()
    with transaction.atomic():
        value.save()
        record_setting(
            actor=actor,
            setting=value,
            verb=Verb.SETTING_ADDED if before is None else Verb.SETTING_CHANGED,
            before=before,
        )
    return value


def value_delete(*, actor, value: ListValue) -> bool:
    """Delete an entry nobody uses; deactivate one in use. True if it was deleted."""
    access.require_configure(actor)
    with transaction.atomic():
        if in_use(value):
            if value.is_active:
                before = setting_snapshot(value)
                value.is_active = False
                value.save(update_fields=["is_active"])
                record_setting(
                    actor=actor, setting=value, verb=Verb.SETTING_DEACTIVATED, before=before
                )
            return False
        record_setting(actor=actor, setting=value, verb=Verb.SETTING_DELETED)
        value.delete()
    return True


def require_active(**values: models.Model | None) -> None:
    """Refuse entries of the lists that are no longer in use, by field: call it with the
    values a record is being given (not the ones it already had)."""
    errors = {
        field: _("“%(name)s” is no longer in use: choose another.") % {"name": value}
        for field, value in values.items()
        if isinstance(value, ListValue) and not value.is_active
    }
    if errors:
        raise ValidationError(errors)
