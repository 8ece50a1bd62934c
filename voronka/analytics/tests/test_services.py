"""The analytics' writes go through services that leave who and when in the settings'
history: dashboards, saved reports, plans and the classification settings."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import client_for
from voronka.analytics import services
from voronka.analytics.models import ClassificationSettings, SalesPlan, SavedReport
from voronka.audit.models import HistoryEntry, StreamEvent, Verb

pytestmark = pytest.mark.django_db


def _history(setting):
    return HistoryEntry.objects.filter(entity=setting._meta.label_lower, object_id=setting.pk)


def test_arranging_the_dashboard_keeps_known_blocks_once_and_is_recorded(owner):
    layout = services.layout_save(user=owner, blocks=["months", "nonsense", "stages", "months"])
    assert layout.blocks == ["months", "stages"]
    assert _history(layout).filter(actor=owner).exists()
    client_for(owner).post(reverse("reports:layout"), {"reset": "1"})
    assert StreamEvent.objects.filter(
        entity="analytics.dashboardlayout", verb=Verb.SETTING_DELETED, actor=owner
    ).exists()


def test_a_saved_report_is_changed_only_by_its_author_and_recorded(owner, teammate):
    report = services.report_save(
        actor=owner,
        report=SavedReport(
            author=owner,
            name="Сделки",
            entity="deals",
            spec={"columns": ["name"]},
            sharing="private",
        ),
    )
    report.name = "Сделки по стадиям"
    services.report_save(actor=owner, report=report)
    renamed = _history(report).get(field="name")
    assert (renamed.old_value, renamed.new_value) == ("Сделки", "Сделки по стадиям")
    with pytest.raises(PermissionDenied):
        services.report_delete(actor=teammate, report=report)
    services.report_delete(actor=owner, report=report)
    assert not SavedReport.objects.filter(pk=report.pk).exists()


def test_a_plan_is_set_by_who_may_plan_and_recorded(owner, head):
    plan = SalesPlan(start=datetime.date(2026, 12, 1), owner=owner, amount=Decimal(100))
    with pytest.raises(PermissionDenied):
        services.plan_save(actor=owner, plan=plan)
    services.plan_save(actor=head, plan=plan)
    assert _history(plan).filter(actor=head, field="__added__").exists()


def test_classification_settings_are_the_administrators_and_recorded(owner, admin_user):
    settings = ClassificationSettings.get()
    with pytest.raises(PermissionDenied):
        services.classification_settings_save(actor=owner, settings=settings)
    settings.company_key_fields = ["city"]
    services.classification_settings_save(actor=admin_user, settings=settings)
    assert _history(settings).filter(field="company_key_fields", actor=admin_user).exists()
