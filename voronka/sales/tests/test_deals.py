from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory, stage
from voronka.sales.models import Deal, Pipeline, Stage, StageKind
from voronka.sales.services import deal_create, deal_update, pipeline_save

pytestmark = pytest.mark.django_db


def test_probability_defaults_from_the_stage(owner):
    deal = deal_create(actor=owner, data={"name": "2010/11/2/Лондон", "stage": stage("Разведка")})
    assert deal.probability == 10
    assert deal.pipeline == stage("Разведка").pipeline
    assert deal.owner == owner


def test_a_new_deal_starts_at_the_first_open_stage(owner):
    deal = deal_create(actor=owner, data={"name": "Без стадии"})
    assert deal.stage == stage(0)


def test_moving_to_a_stage_brings_its_probability_unless_one_is_typed(owner):
    deal = deal_create(actor=owner, data={"name": "2010/11/2/Лондон", "amount": Decimal("1000")})
    deal = deal_update(
        actor=owner, deal=deal, data={"stage": stage(1), "amount": Decimal("3000")}, version=1
    )
    assert (deal.probability, deal.amount) == (65, Decimal("3000"))
    deal = deal_update(
        actor=owner, deal=deal, data={"stage": stage(2), "probability": 75}, version=2
    )
    assert deal.probability == 75
    deal = deal_update(
        actor=owner, deal=deal, data={"stage": stage(3), "probability": 75}, version=3
    )
    assert deal.probability == 100  # unchanged from before: the stage decides


def test_the_pipeline_follows_the_stage(owner):
    other = Pipeline.objects.create(name="Корпоративные клиенты", order=5)
    other_stage = Stage.objects.create(pipeline=other, name="Квалификация", probability=20, order=1)
    deal = DealFactory(owner=owner)
    deal = deal_update(actor=owner, deal=deal, data={"stage": other_stage}, version=1)
    assert deal.pipeline == other
    assert deal.probability == 20


def test_a_stage_of_another_pipeline_is_refused_by_the_model(owner):
    other = Pipeline.objects.create(name="Другая", order=5)
    other_stage = Stage.objects.create(pipeline=other, name="Этап", order=1)
    deal = Deal(name="x", owner=owner, pipeline=stage(0).pipeline, stage=other_stage, probability=1)
    with pytest.raises(ValidationError) as error:
        deal.full_clean()
    assert "stage" in error.value.message_dict


def test_amount_cannot_be_negative(owner):
    with pytest.raises(ValidationError) as error:
        deal_create(actor=owner, data={"name": "x", "amount": Decimal("-1")})
    assert "amount" in error.value.message_dict


def test_the_deal_form_creates_and_edits_a_deal(owner):
    company = CompanyFactory(owner=owner, name="St. Christopher's Inn-Village")
    contact = ContactFactory(owner=owner, company=company)
    client = client_for(owner)
    response = client.post(
        reverse("sales:deal-create"),
        {
            "name": "2010/11/2/Лондон",
            "company": company.pk,
            "contact": contact.pk,
            "stage": stage(0).pk,
            "amount": "1000.00",
            "currency": "USD",
            "type": "existing",
            "expected_close_date": "2010-09-21",
        },
    )
    deal = Deal.objects.get()
    assert response.status_code == 302
    assert (deal.company, deal.contact, deal.probability) == (company, contact, 10)
    response = client.post(
        reverse("sales:deal-edit", args=[deal.pk]),
        {
            "name": deal.name,
            "company": company.pk,
            "stage": stage(1).pk,
            "amount": "3000.00",
            "currency": "USD",
            "type": "existing",
            "probability": "10",
            "version": "1",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.amount, deal.probability, deal.version) == (Decimal("3000.00"), 65, 2)


def test_the_new_deal_form_can_start_from_a_contact(owner):
    company = CompanyFactory(owner=owner, name="Ромашка")
    contact = ContactFactory(owner=owner, company=company, last_name="Иванов")
    body = (
        client_for(owner)
        .get(reverse("sales:deal-create"), {"contact": contact.pk})
        .content.decode()
    )
    assert f'<option value="{contact.pk}" selected>' in body
    assert f'<option value="{company.pk}" selected>Ромашка</option>' in body


def test_deal_list_filters_by_status_and_pipeline(owner):
    DealFactory(owner=owner, name="Открытая", stage=stage(0))
    DealFactory(owner=owner, name="Выигранная", stage=stage(3))
    client = client_for(owner)
    body = client.get(reverse("sales:deal-list"), {"status": StageKind.WON}).content.decode()
    assert "Выигранная" in body and "Открытая" not in body
    body = client.get(
        reverse("sales:deal-list"), {"pipeline": stage(0).pipeline_id, "sort": "amount"}
    ).content.decode()
    assert "Выигранная" in body and "Открытая" in body


def test_an_administrator_edits_a_pipeline(admin_user):
    pipeline = stage(0).pipeline
    stages = list(pipeline.stages.order_by("order"))
    data = {
        "name": "Туры",
        "is_active": "on",
        "stages-TOTAL_FORMS": str(len(stages) + 1),
        "stages-INITIAL_FORMS": str(len(stages)),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
    }
    for i, s in enumerate(stages):
        data |= {
            f"stages-{i}-id": s.pk,
            f"stages-{i}-name": s.name,
            f"stages-{i}-probability": s.probability,
            f"stages-{i}-kind": s.kind,
            f"stages-{i}-ORDER": i + 1 if i == 0 else i + 2,
        }
    # A new stage between the first and the second one.
    n = len(stages)
    data |= {
        f"stages-{n}-name": "Бронирование",
        f"stages-{n}-probability": "40",
        f"stages-{n}-kind": "open",
        f"stages-{n}-ORDER": "2",
    }
    response = client_for(admin_user).post(reverse("sales:pipeline-edit", args=[pipeline.pk]), data)
    assert response.status_code == 302
    names = list(pipeline.stages.order_by("order").values_list("name", flat=True))
    assert names[:3] == ["Разведка", "Бронирование", "Ком. предложение / Выставление счета"]
    assert Pipeline.objects.get(pk=pipeline.pk).name == "Туры"


def test_only_an_administrator_configures_pipelines(owner, head):
    for user in (owner, head):
        client = client_for(user)
        assert client.get(reverse("sales:pipeline-list")).status_code == 200
        assert client.get(reverse("sales:pipeline-create")).status_code == 403
        assert (
            client.get(reverse("sales:pipeline-edit", args=[stage(0).pipeline_id])).status_code
            == 403
        )


def test_a_stage_with_deals_cannot_be_removed(admin_user, owner):
    pipeline = stage(0).pipeline
    DealFactory(owner=owner, stage=stage(0))
    kept = [
        {"id": s.pk, "name": s.name, "probability": s.probability, "kind": s.kind}
        for s in pipeline.stages.order_by("order")[1:]
    ]
    with pytest.raises(ValidationError):
        pipeline_save(actor=admin_user, pipeline=pipeline, stages=kept)
    assert pipeline.stages.count() == 5


def test_a_pipeline_needs_an_open_stage(admin_user):
    with pytest.raises(ValidationError):
        pipeline_save(
            actor=admin_user,
            pipeline=Pipeline(name="Пустая"),
            stages=[{"name": "Итог", "probability": 100, "kind": "won"}],
        )
