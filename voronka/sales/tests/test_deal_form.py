"""The deal form: the pipeline first, then one of its stages (a stage of another pipeline is
refused with a clear message); the chosen stage's checklist is ticked in the form itself,
and every tick is in the deal's history with who and when."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from tests.factories import ContactFactory, DealFactory, stage
from voronka.audit.selectors import history
from voronka.sales.forms import DealForm
from voronka.sales.models import Pipeline, Stage, StageChecklistItem
from voronka.sales.services import deal_set_tick, deal_update

pytestmark = pytest.mark.django_db

OFFER = "Ком. предложение / Выставление счета"
ORDER = "Сборка заказа / Счет не оплачен"


@pytest.fixture
def corporate():
    pipeline = Pipeline.objects.create(name="Корпоративные клиенты", order=2)
    Stage.objects.create(pipeline=pipeline, name="Коммерческое предложение", order=1)
    Stage.objects.create(pipeline=pipeline, name="Договор подписан", order=2, kind="won")
    return pipeline


@pytest.fixture
def invoice():
    """The order stage needs «Счёт выставлен» ticked (the default pipeline, not strict)."""
    return StageChecklistItem.objects.create(stage=stage(ORDER), text="Счёт выставлен", order=1)


def form_data(deal, **changes) -> dict:
    data = {
        "name": deal.name,
        "pipeline": deal.pipeline_id,
        "stage": deal.stage_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "type": deal.type,
        "version": deal.version,
    }
    return {**data, **changes}


def test_the_form_offers_each_stage_with_its_pipeline(owner, corporate):
    form = DealForm(user=owner)
    html = str(form["stage"])
    offer = corporate.stages.get(name="Коммерческое предложение")
    assert f'value="{offer.pk}" data-pipeline="{corporate.pk}"' in html
    assert 'data-pipeline-field="pipeline"' in html
    assert form["pipeline"].initial == stage(0).pipeline_id


def test_a_stage_of_another_pipeline_is_refused_with_a_clear_message(owner, corporate):
    deal = DealFactory(owner=owner)
    response = client_for(owner).post(
        reverse("sales:deal-edit", args=[deal.pk]),
        form_data(deal, pipeline=corporate.pk, stage=stage(1).pk),
    )
    assert response.status_code == 200
    assert (
        f"Стадия «{OFFER}» не входит в воронку «Корпоративные клиенты»: "
        "выберите одну из её стадий." in response.content.decode()
    )
    deal.refresh_from_db()
    assert deal.stage == stage(0)


def test_another_pipeline_with_its_stage_moves_the_deal(owner, corporate):
    deal = DealFactory(owner=owner)
    offer = corporate.stages.get(name="Коммерческое предложение")
    response = client_for(owner).post(
        reverse("sales:deal-edit", args=[deal.pk]),
        form_data(deal, pipeline=corporate.pk, stage=offer.pk),
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.pipeline, deal.stage) == (corporate, offer)


def test_the_service_refuses_a_pipeline_that_is_not_the_stages(owner, corporate):
    deal = DealFactory(owner=owner)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        deal_update(
            actor=owner, deal=deal, data={"pipeline": corporate, "stage": stage(1)}, version=None
        )
    assert error.value.message_dict["stage"] == [
        f"The stage «{OFFER}» is not a stage of the pipeline «Корпоративные клиенты»: "
        "choose one of its stages."
    ]


def test_ticked_in_the_form_the_deal_moves_in_the_same_save(owner, invoice):
    deal = DealFactory(owner=owner, stage=stage(OFFER), contact=ContactFactory(owner=owner))
    response = client_for(owner).post(
        reverse("sales:deal-edit", args=[deal.pk]),
        form_data(deal, stage=stage(ORDER).pk, checklist=[invoice.pk]),
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage == stage(ORDER)
    assert deal.ticks.get().ticked_by == owner
    with translation.override("ru"):
        rows = history(entity="deal", object_id=deal.pk)
    tick = next(row for row in rows if row.field == "checklist")
    assert (tick.label, tick.old, tick.new, tick.username) == (
        "Чек-лист",
        "—",
        "Счёт выставлен",
        owner.username,
    )


def test_a_refused_move_keeps_nothing_of_the_save(owner, invoice):
    deal = DealFactory(owner=owner, stage=stage(OFFER))
    StageChecklistItem.objects.create(stage=stage(ORDER), text="Получены паспорта", order=2)
    with pytest.raises(ValidationError):
        deal_update(
            actor=owner,
            deal=deal,
            data={"stage": stage(ORDER), "checklist": [invoice]},
            version=None,
        )
    assert not deal.ticks.exists()
    assert history(entity="deal", object_id=deal.pk) == []


def test_unticking_in_the_form_is_kept_too_and_an_unchanged_tick_is_not(owner, invoice):
    deal = DealFactory(owner=owner, stage=stage(OFFER), amount=Decimal("10"))
    deal_set_tick(actor=owner, deal=deal, item=invoice, ticked=True)
    deal_set_tick(actor=owner, deal=deal, item=invoice, ticked=True)
    assert len(history(entity="deal", object_id=deal.pk)) == 1
    client_for(owner).post(reverse("sales:deal-edit", args=[deal.pk]), form_data(deal))
    assert not deal.ticks.exists()
    with translation.override("ru"):
        rows = [(r.label, r.old, r.new) for r in history(entity="deal", object_id=deal.pk)]
    assert rows == [("Чек-лист", "Счёт выставлен", "—"), ("Чек-лист", "—", "Счёт выставлен")]


def test_a_tick_on_the_deal_page_is_in_the_history(owner, invoice):
    deal = DealFactory(owner=owner, stage=stage(OFFER))
    client = client_for(owner)
    client.post(reverse("sales:deal-checklist-tick", args=[deal.pk, invoice.pk]), {"done": "1"})
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "Чек-лист" in page and "Счёт выставлен" in page
    assert history(entity="deal", object_id=deal.pk)[0].username == owner.username


def test_the_edit_form_groups_the_checklist_by_stage(owner, invoice, corporate):
    StageChecklistItem.objects.create(
        stage=corporate.stages.get(name="Договор подписан"), text="Договор согласован юристом"
    )
    deal = DealFactory(owner=owner, stage=stage(OFFER))
    groups = DealForm(instance=deal, user=owner).checklist_groups()
    assert [(s.name, [box.choice_label for box in boxes]) for s, boxes in groups] == [
        (ORDER, ["Счёт выставлен"]),
        ("Договор подписан", ["Договор согласован юристом"]),
    ]
    assert DealForm(user=owner).checklist_groups() == []


def test_the_ticks_of_one_save_read_in_the_checklist_order(owner, invoice):
    passports = StageChecklistItem.objects.create(
        stage=stage(ORDER), text="Получены копии паспортов", order=2
    )
    deal = DealFactory(owner=owner, stage=stage(OFFER), contact=ContactFactory(owner=owner))
    deal_update(
        actor=owner,
        deal=deal,
        data={"stage": stage(ORDER), "checklist": [passports, invoice]},
        version=None,
    )
    ticks = [
        row.new for row in history(entity="deal", object_id=deal.pk) if row.field == "checklist"
    ]
    assert ticks == ["Счёт выставлен", "Получены копии паспортов"]
