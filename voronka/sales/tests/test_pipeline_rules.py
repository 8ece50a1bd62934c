"""The steps of a sale: required fields, checklists, strict order, closing, reopening, and
the history they leave (the seed's seven rows)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import client_for
from tests.factories import CompanyFactory, ContactFactory, DealFactory, stage
from voronka.audit.models import StreamEvent, Verb
from voronka.audit.selectors import history
from voronka.audit.templatetags.audit import event_sentence
from voronka.sales.models import LostReason, StageChange, StageChecklistItem
from voronka.sales.services import deal_create, deal_move_stage, deal_set_tick, deal_update

pytestmark = pytest.mark.django_db

OFFER = "Ком. предложение / Выставление счета"
ORDER = "Сборка заказа / Счет не оплачен"


@pytest.fixture
def strict():
    """The default pipeline, strict, with the seed agency's rules."""
    pipeline = stage(0).pipeline
    pipeline.strict_order = True
    pipeline.save()
    offer = stage(OFFER)
    offer.required_fields = ["contact", "amount"]
    offer.save()
    StageChecklistItem.objects.create(stage=stage(ORDER), text="Счёт выставлен", order=1)
    return pipeline


@pytest.fixture
def reason():
    return LostReason.objects.create(name="Дорого")


def play_the_seed(owner):
    company = CompanyFactory(owner=owner, name="St. Christopher's Inn-Village")
    contact = ContactFactory(owner=owner, company=company)
    deal = deal_create(
        actor=owner,
        data={
            "name": "2010/11/2/Лондон",
            "company": company,
            "contact": contact,
            "stage": stage("Разведка"),
            "amount": Decimal("1000.00"),
            "currency": "USD",
        },
    )
    deal = deal_update(
        actor=owner,
        deal=deal,
        data={"stage": stage(OFFER), "amount": Decimal("3000.00")},
        version=1,
    )
    for item in stage(ORDER).checklist.all():
        deal_set_tick(actor=owner, deal=deal, item=item, ticked=True)
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    return deal_move_stage(actor=owner, deal=deal, stage=stage("Закрыто с успехом"))


def test_the_seeds_deal_leaves_the_seven_rows_of_its_history(owner, strict):
    deal = play_the_seed(owner)
    with translation.override("ru"):
        rows = [(r.label, r.old, r.new) for r in history(entity="deal", object_id=deal.pk)]
    # The seed's journal had no checklists; ours also keeps who ticked what, and when.
    assert rows[4] == ("Чек-лист", "—", "Счёт выставлен")
    assert [row for row in rows if row[0] != "Чек-лист"] == [
        ("Стадия продаж", ORDER, "Закрыто с успехом"),
        ("Вероятность, %", "90", "100"),
        ("Стадия продаж", OFFER, ORDER),
        ("Вероятность, %", "65", "90"),
        ("Сумма", "1\xa0000,00", "3\xa0000,00"),
        ("Стадия продаж", "Разведка", OFFER),
        ("Вероятность, %", "10", "65"),
    ]
    with translation.override("en"):
        amount_row = next(
            r for r in history(entity="deal", object_id=deal.pk) if r.field == "amount"
        )
    assert (amount_row.label, amount_row.old, amount_row.new) == ("Amount", "1,000.00", "3,000.00")
    assert {r.username for r in history(entity="deal", object_id=deal.pk)} == {owner.username}


def test_the_stream_tells_who_closed_which_deal_with_whom_for_how_much(owner, strict):
    deal = play_the_seed(owner)
    won = StreamEvent.objects.get(verb=Verb.WON, object_id=deal.pk)
    with translation.override("ru"):
        text = str(event_sentence(won))
    assert "Алия Нурланова закрыл(а) с успехом сделку" in text
    assert "2010/11/2/Лондон" in text
    assert "с <a href=" in text and "St. Christopher&#x27;s Inn-Village" in text
    assert "на сумму 3\xa0000,00\xa0$" in text
    body = client_for(owner).get(reverse("web:home")).content.decode()
    assert "закрыл(а) с успехом сделку" in body


def test_a_stage_that_needs_fields_names_the_missing_ones(owner, strict):
    deal = DealFactory(owner=owner, amount=Decimal(0))
    with pytest.raises(ValidationError) as error:
        deal_move_stage(actor=owner, deal=deal, stage=stage(OFFER))
    message = " ".join(error.value.messages)
    assert f"Чтобы перейти на стадию «{OFFER}», заполните: контакт, сумма." in message
    deal.refresh_from_db()
    assert deal.stage == stage(0)


def test_a_checklist_item_must_be_ticked_first(owner, strict):
    deal = DealFactory(owner=owner, stage=stage(OFFER), contact=ContactFactory(owner=owner))
    with pytest.raises(ValidationError) as error:
        deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    assert "отметьте: Счёт выставлен" in " ".join(error.value.messages)
    deal_set_tick(actor=owner, deal=deal, item=stage(ORDER).checklist.get(), ticked=True)
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    assert deal.stage == stage(ORDER) and deal.probability == 90


def test_a_strict_pipeline_refuses_a_skip_but_allows_a_step_back(owner, strict):
    deal = DealFactory(owner=owner, contact=ContactFactory(owner=owner))
    with pytest.raises(ValidationError) as error:
        deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    assert f"следующая стадия — «{OFFER}»" in " ".join(error.value.messages)
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(OFFER))
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage("Разведка"))
    assert deal.stage == stage("Разведка")


def test_a_strict_pipeline_starts_a_deal_at_its_first_stage(owner, strict):
    with pytest.raises(ValidationError):
        deal_create(actor=owner, data={"name": "Сразу к счёту", "stage": stage(ORDER)})


def test_without_strict_order_a_deal_may_skip_when_requirements_hold(owner):
    deal = DealFactory(owner=owner)
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    assert deal.stage == stage(ORDER)


def test_closing_lost_needs_a_reason_and_records_the_winner(owner, reason):
    deal = DealFactory(owner=owner)
    competitor = CompanyFactory(owner=owner, is_competitor=True, name="Турсервис")
    with pytest.raises(ValidationError) as error:
        deal_move_stage(actor=owner, deal=deal, stage=stage("Закрыто с потерей"))
    assert "lost_reason" in error.value.message_dict
    deal = deal_move_stage(
        actor=owner,
        deal=deal,
        stage=stage("Закрыто с потерей"),
        lost_reason=reason,
        lost_to=competitor,
    )
    assert (deal.lost_reason, deal.lost_to, deal.probability) == (reason, competitor, 0)
    assert deal.closed_at is not None
    assert StreamEvent.objects.filter(verb=Verb.LOST, object_id=deal.pk).exists()


def test_a_closed_deal_reopens_no_further_than_it_was(owner, strict, reason):
    deal = DealFactory(owner=owner, contact=ContactFactory(owner=owner))
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(OFFER))
    deal = deal_move_stage(
        actor=owner, deal=deal, stage=stage("Закрыто с потерей"), lost_reason=reason
    )
    with pytest.raises(ValidationError):
        deal_move_stage(actor=owner, deal=deal, stage=stage(ORDER))
    deal = deal_move_stage(actor=owner, deal=deal, stage=stage(OFFER))
    assert deal.closed_at is None and deal.lost_reason is None
    assert StreamEvent.objects.filter(verb=Verb.REOPENED, object_id=deal.pk).exists()


def test_every_move_is_kept_with_its_time_and_actor(owner, head):
    deal = deal_create(actor=owner, data={"name": "x", "owner": owner})
    deal = deal_move_stage(actor=head, deal=deal, stage=stage(OFFER))
    moves = list(StageChange.objects.filter(deal=deal).order_by("changed_at", "id"))
    assert [(m.from_stage, m.to_stage, m.actor) for m in moves] == [
        (None, stage(0), owner),
        (stage(0), stage(OFFER), head),
    ]
    deal.refresh_from_db()
    assert deal.stage_entered_at == moves[-1].changed_at or deal.days_in_stage == 0


def test_a_big_amount_change_is_news_and_a_small_one_is_not(owner):
    deal = DealFactory(owner=owner, amount=Decimal("1000"))
    deal = deal_update(actor=owner, deal=deal, data={"amount": Decimal("1100")}, version=1)
    assert not StreamEvent.objects.filter(verb=Verb.AMOUNT_CHANGED).exists()
    deal_update(actor=owner, deal=deal, data={"amount": Decimal("5000")}, version=2)
    assert StreamEvent.objects.filter(verb=Verb.AMOUNT_CHANGED, object_id=deal.pk).count() == 1


def test_the_deal_page_moves_and_says_what_is_missing(owner, strict):
    deal = DealFactory(owner=owner, amount=Decimal(0))
    client = client_for(owner)
    response = client.post(
        reverse("sales:deal-move", args=[deal.pk]), {"stage": stage(OFFER).pk}, follow=True
    )
    assert "заполните: контакт, сумма" in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == stage(0)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "Чтобы перейти" not in page  # the refusal was a message, not a state
    assert 'data-testid="next-stage"' in page


def test_the_board_move_answers_json(owner, strict, reason):
    deal = DealFactory(owner=owner, contact=ContactFactory(owner=owner))
    client = client_for(owner)
    url = reverse("sales:deal-move", args=[deal.pk])
    refused = client.post(url, {"stage": stage(ORDER).pk}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 422
    assert any("следующая стадия" in p for p in refused.json()["problems"])
    lost = client.post(
        url, {"stage": stage("Закрыто с потерей").pk}, HTTP_ACCEPT="application/json"
    )
    assert lost.status_code == 422 and lost.json()["needs_lost_reason"]
    moved = client.post(
        url, {"stage": stage(OFFER).pk, "version": 1}, HTTP_ACCEPT="application/json"
    )
    assert moved.json() == {"ok": True, "stage": stage(OFFER).pk, "version": 2}


def test_the_api_moves_a_deal_by_the_same_rules(owner, strict):
    deal = DealFactory(owner=owner, contact=ContactFactory(owner=owner))
    client = client_for(owner)
    url = reverse("api:deal-move", args=[deal.pk])
    refused = client.post(url, {"stage": stage(ORDER).pk}, content_type="application/json")
    assert refused.status_code == 400
    assert "следующая стадия" in str(refused.json()["stage"])
    moved = client.post(url, {"stage": stage(OFFER).pk}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["probability"] == 65
    history_rows = client.get(reverse("api:deal-history", args=[deal.pk])).json()
    assert [row["field"] for row in history_rows] == ["stage", "probability"]
    tick = client.post(
        reverse("api:deal-checklist", args=[deal.pk]),
        {"item": stage(ORDER).checklist.get().pk, "done": True},
        content_type="application/json",
    )
    assert tick.status_code == 200
    assert (
        client.post(url, {"stage": stage(ORDER).pk}, content_type="application/json").status_code
        == 200
    )


def test_a_teammate_cannot_tick_or_move(owner, teammate):
    deal = DealFactory(owner=owner)
    client = client_for(teammate)
    assert (
        client.post(reverse("sales:deal-move", args=[deal.pk]), {"stage": stage(1).pk}).status_code
        == 403
    )


def test_the_pipeline_settings_keep_rules_and_ticks(admin_user, owner):
    pipeline = stage(0).pipeline
    order_stage = stage(ORDER)
    item = StageChecklistItem.objects.create(stage=order_stage, text="Счёт выставлен", order=1)
    deal = DealFactory(owner=owner)
    deal_set_tick(actor=owner, deal=deal, item=item, ticked=True)
    stages = list(pipeline.stages.order_by("order"))
    data = {
        "name": pipeline.name,
        "is_active": "on",
        "strict_order": "on",
        "stages-TOTAL_FORMS": str(len(stages)),
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
            f"stages-{i}-color": "#112233",
            f"stages-{i}-ORDER": i + 1,
        }
    index = stages.index(order_stage)
    data |= {
        f"stages-{index}-checklist": "Счёт выставлен\nПолучены копии паспортов",
        f"stages-{index}-required_fields": ["amount", "expected_close_date"],
        f"stages-{index}-playbook": "Забронируйте отель.",
    }
    response = client_for(admin_user).post(reverse("sales:pipeline-edit", args=[pipeline.pk]), data)
    assert response.status_code == 302
    order_stage.refresh_from_db()
    pipeline.refresh_from_db()
    assert pipeline.strict_order
    assert order_stage.required_fields == ["amount", "expected_close_date"]
    assert order_stage.playbook == "Забронируйте отель."
    assert [i.text for i in order_stage.checklist.all()] == [
        "Счёт выставлен",
        "Получены копии паспортов",
    ]
    assert deal.ticks.filter(item=item).exists()  # the kept item kept its tick


def test_the_deal_page_shows_the_playbook_and_the_next_stage_needs(owner, strict):
    first = stage(0)
    first.playbook = "Выясните бюджет и даты поездки."
    first.save()
    deal = DealFactory(owner=owner, amount=Decimal(0))
    body = client_for(owner).get(deal.get_absolute_url()).content.decode()
    assert "Выясните бюджет и даты поездки." in body
    assert "Заполнено поле «контакт»" in body
    assert "Счёт выставлен" in body
