"""The five lists of values share one rule: an entry in use is deactivated, never deleted,
and an inactive entry is refused wherever a record is given it (form, API, bulk action)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from tests.factories import ActivityFactory, DealFactory, stage
from voronka.activities.models import ActivityType, Outcome
from voronka.activities.services import activity_create
from voronka.audit import values
from voronka.audit.models import HistoryEntry, StreamEvent, Verb
from voronka.sales.models import Deal, Direction, LeadSource, LostReason, StageKind
from voronka.sales.services import deal_create, deal_update

pytestmark = pytest.mark.django_db

LISTS = [
    ("lead-source", LeadSource, {}),
    ("lost-reason", LostReason, {}),
    ("direction", Direction, {}),
    ("activity-type", ActivityType, {"kind": "call"}),
    ("outcome", Outcome, {"kind": "success"}),
]


def _in_use(model, entry, owner):
    """Make a record point to the entry."""
    if model is LeadSource:
        DealFactory(owner=owner, lead_source=entry)
    elif model is Direction:
        DealFactory(owner=owner, direction=entry)
    elif model is LostReason:
        lost = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.LOST)
        DealFactory(owner=owner, stage=lost, lost_reason=entry)
    elif model is ActivityType:
        ActivityFactory(owner=owner, type=entry)
    else:
        ActivityFactory(owner=owner, outcome=entry, done=True)


@pytest.mark.parametrize(("name", "model", "extra"), LISTS)
def test_the_api_deactivates_an_entry_in_use_and_deletes_an_unused_one(
    name, model, extra, admin_user, owner
):
    used = model.objects.create(name="Используется", **extra)
    spare = model.objects.create(name="Лишнее", **extra)
    _in_use(model, used, owner)
    api = client_for(admin_user)

    answer = api.delete(reverse(f"api:{name}-detail", args=[used.pk]))
    assert answer.status_code == 200
    assert answer.json()["is_active"] is False
    used.refresh_from_db()
    assert used.is_active is False  # still there: its records keep their label

    assert api.delete(reverse(f"api:{name}-detail", args=[spare.pk])).status_code == 204
    assert not model.objects.filter(pk=spare.pk).exists()
    verbs = set(
        StreamEvent.objects.filter(entity=model._meta.label_lower).values_list("verb", flat=True)
    )
    assert verbs == {Verb.SETTING_DEACTIVATED, Verb.SETTING_DELETED}


def test_a_lead_source_in_use_stays_on_its_deals(admin_user, owner):
    source = LeadSource.objects.create(name="Выставка")
    deal = DealFactory(owner=owner, lead_source=source)
    client_for(admin_user).post(reverse("sales:lead-source-delete", args=[source.pk]))
    deal.refresh_from_db()
    assert deal.lead_source_id == source.pk


@pytest.mark.parametrize(("name", "model", "extra"), LISTS)
def test_only_an_administrator_changes_a_list(name, model, extra, owner):
    entry = model.objects.create(name="Запись", **extra)
    api = client_for(owner)
    assert api.get(reverse(f"api:{name}-list")).status_code == 200
    assert api.delete(reverse(f"api:{name}-detail", args=[entry.pk])).status_code == 403
    assert api.post(reverse(f"api:{name}-list"), {"name": "Новая", **extra}).status_code == 403
    assert model.objects.filter(pk=entry.pk).exists()


def test_inactive_entries_are_refused_by_the_services_and_the_api(owner):
    gone = LeadSource.objects.create(name="Старый сайт", is_active=False)
    with pytest.raises(ValidationError) as refused:
        deal_create(actor=owner, data={"name": "Тур", "lead_source": gone})
    assert "lead_source" in refused.value.message_dict

    response = client_for(owner).post(
        reverse("api:deal-list"),
        {"name": "Тур", "lead_source": gone.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "lead_source" in response.json()

    old_type = ActivityType.objects.create(name="Факс", kind="task", is_active=False)
    with pytest.raises(ValidationError):
        activity_create(
            actor=owner, data={"type": old_type, "subject": "Отправить факс", "kind": "task"}
        )


def test_a_deal_keeps_an_entry_that_was_deactivated_after_it_was_set(owner):
    source = LeadSource.objects.create(name="Форум")
    deal = DealFactory(owner=owner, lead_source=source)
    LeadSource.objects.filter(pk=source.pk).update(is_active=False)
    deal = deal_update(actor=owner, deal=deal, data={"name": "Тур в Лондон"}, version=None)
    assert deal.lead_source_id == source.pk


def test_a_bulk_stage_change_refuses_an_inactive_lost_reason(owner):
    reason = LostReason.objects.create(name="Дорого", is_active=False)
    deal = DealFactory(owner=owner)
    lost = next(s for s in deal.pipeline.stages.all() if s.kind == StageKind.LOST)
    client_for(owner).post(
        reverse("web:bulk", args=["deal"]),
        {"ids": [deal.pk], "action": "stage", "stage": lost.pk, "lost_reason": reason.pk},
    )
    assert Deal.objects.get(pk=deal.pk).stage_id == deal.stage_id


def test_a_settings_change_leaves_history_with_who_and_the_values(admin_user):
    source = values.value_save(actor=admin_user, value=LeadSource(name="Сайт"))
    source.name = "Сайт компании"
    values.value_save(actor=admin_user, value=source)
    rows = HistoryEntry.objects.filter(entity="sales.leadsource", object_id=source.pk)
    renamed = rows.get(field="name")
    assert (renamed.old_value, renamed.new_value, renamed.actor) == (
        "Сайт",
        "Сайт компании",
        admin_user,
    )
    assert rows.filter(field="__added__").exists()
