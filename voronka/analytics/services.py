"""Writes of the analytics: each user's dashboard, saved reports, sales plans and the
classification settings. Each change is in the settings' history, with who and when."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from voronka.accounts import access
from voronka.audit.models import Verb
from voronka.audit.services import record_setting, setting_snapshot

from .dashboard import BLOCKS
from .models import ClassificationSettings, DashboardLayout, SalesPlan, SavedReport


def _saved(actor, setting, before) -> None:
    record_setting(
        actor=actor,
        setting=setting,
        verb=Verb.SETTING_ADDED if before is None else Verb.SETTING_CHANGED,
        before=before,
    )


def _snapshot_of_stored(setting):
    if setting.pk is None:
        return None
    stored = type(setting)._default_manager.filter(pk=setting.pk).first()
    return setting_snapshot(stored) if stored is not None else None


def layout_save(*, user, blocks: list[str]) -> DashboardLayout:
    """The user's dashboard: these blocks (unknown ones dropped, each once), in this order."""
    chosen = list(dict.fromkeys(key for key in blocks if key in BLOCKS))
    with transaction.atomic():
        layout = DashboardLayout.objects.filter(user=user).first()
        before = setting_snapshot(layout) if layout is not None else None
        layout, _created = DashboardLayout.objects.update_or_create(
            user=user, defaults={"blocks": chosen}
        )
        _saved(user, layout, before)
    return layout


def layout_reset(*, user) -> None:
    """Back to the default dashboard."""
    with transaction.atomic():
        for layout in DashboardLayout.objects.filter(user=user):
            record_setting(actor=user, setting=layout, verb=Verb.SETTING_DELETED)
            layout.delete()


def report_save(*, actor, report: SavedReport) -> SavedReport:
    """A saved report of the builder: its author, or an administrator, changes it."""
    if report.pk is not None and not access.can_change_report(actor, report):
        raise PermissionDenied(_("Only the author may change this report."))
    before = _snapshot_of_stored(report)
    report.full_clean()
    with transaction.atomic():
        report.save()
        _saved(actor, report, before)
    return report


def report_delete(*, actor, report: SavedReport) -> None:
    if not access.can_change_report(actor, report):
        raise PermissionDenied(_("Only the author may change this report."))
    with transaction.atomic():
        record_setting(actor=actor, setting=report, verb=Verb.SETTING_DELETED)
        report.delete()


def _require_plan(actor, plan: SalesPlan) -> None:
    if not access.can_plan(actor, owner=plan.owner, team=plan.team):
        raise PermissionDenied(_("You may not set this plan."))


def plan_save(*, actor, plan: SalesPlan) -> SalesPlan:
    """A sales plan, set by whoever may plan for its manager, team or the department."""
    _require_plan(actor, plan)
    before = _snapshot_of_stored(plan)
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        _saved(actor, plan, before)
    return plan


def plan_delete(*, actor, plan: SalesPlan) -> None:
    _require_plan(actor, plan)
    with transaction.atomic():
        record_setting(actor=actor, setting=plan, verb=Verb.SETTING_DELETED)
        plan.delete()


def classification_settings_save(
    *, actor, settings: ClassificationSettings
) -> ClassificationSettings:
    """The ABC/XYZ thresholds and the key fields of data completeness (administrators)."""
    access.require_configure(actor)
    before = _snapshot_of_stored(settings)
    settings.full_clean()
    with transaction.atomic():
        settings.save()
        _saved(actor, settings, before)
    return settings
