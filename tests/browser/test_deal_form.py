"""Issue 10, section 2, in a browser: the deal form asks for the pipeline first and offers
only its stages; a checklist item the chosen stage needs is ticked in the form itself, the
deal moves at the first click on «Сохранить», and the tick is in the change history."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_autocomplete import human_click
from tests.browser.test_calendar import sign_in
from tests.factories import CompanyFactory, ContactFactory, DealFactory, UserFactory, stage
from voronka.sales.models import Deal, Pipeline, Stage, StageChecklistItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFER = "Ком. предложение / Выставление счета"
ORDER = "Сборка заказа / Счет не оплачен"


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
        timezone="Asia/Almaty",
    )


@pytest.fixture
def corporate():
    pipeline = Pipeline.objects.create(name="Корпоративные клиенты", order=2)
    for order, (name, probability, kind) in enumerate(
        [
            ("Коммерческое предложение", 20, "open"),
            ("Договор на согласовании", 60, "open"),
            ("Договор подписан", 100, "won"),
            ("Отказ", 0, "lost"),
        ],
        start=1,
    ):
        Stage.objects.create(
            pipeline=pipeline, name=name, probability=probability, kind=kind, order=order
        )
    return pipeline


def stage_options(page: Page) -> list[str]:
    return [
        text.strip()
        for text in page.get_by_label("Стадия продаж").locator("option").all_inner_texts()
        if text.strip() not in ("", "—")
    ]


def test_the_deal_form_offers_the_stages_of_the_chosen_pipeline(
    page: Page, live_server, manager, corporate
):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/deals/new/")
    pipeline = page.get_by_label("Воронка продаж")
    expect(pipeline).to_have_value(str(stage(0).pipeline_id))
    stages = page.get_by_label("Стадия продаж")
    expect(stages.locator("option", has_text="Разведка")).to_have_count(1)
    expect(stages.locator("option", has_text="Договор на согласовании")).to_have_count(0)

    pipeline.select_option(label="Корпоративные клиенты")
    expect(stages.locator("option", has_text="Разведка")).to_have_count(0)
    assert stage_options(page) == [
        "Коммерческое предложение (20%)",
        "Договор на согласовании (60%)",
        "Договор подписан (100%)",
        "Отказ (0%)",
    ]
    expect(stages).to_have_value(str(corporate.first_open_stage().pk))

    page.get_by_label("Название сделки").fill("Конгресс кардиологов, Вена — 2027")
    page.get_by_label("Сумма").fill("12000")
    human_click(page, page.get_by_role("button", name="Сохранить"))
    expect(page.get_by_role("heading", name="Конгресс кардиологов, Вена — 2027")).to_be_visible()
    deal = Deal.objects.get(name="Конгресс кардиологов, Вена — 2027")
    assert (deal.pipeline, deal.stage.name) == (corporate, "Коммерческое предложение")

    # Editing: the deal's pipeline and its stages only.
    page.get_by_test_id("edit").click()
    expect(page.get_by_label("Воронка продаж")).to_have_value(str(corporate.pk))
    assert "Разведка (10%)" not in stage_options(page)


@pytest.fixture
def strict():
    """The seed's pipeline, strict: an offer needs the contact and the amount; the order
    stage needs «Счёт выставлен» ticked."""
    pipeline = stage(0).pipeline
    pipeline.strict_order = True
    pipeline.save()
    offer = stage(OFFER)
    offer.required_fields = ["contact", "amount"]
    offer.save()
    StageChecklistItem.objects.create(stage=stage(ORDER), text="Счёт выставлен", order=1)
    return pipeline


def test_a_checklist_item_is_ticked_in_the_edit_form_and_the_deal_moves(
    page: Page, live_server, manager, strict
):
    client = CompanyFactory(owner=manager, name="St. Christopher's Inn-Village")
    deal = DealFactory(
        owner=manager,
        company=client,
        contact=ContactFactory(owner=manager, company=client),
        name="2026/10/2/Лондон",
        stage=stage(OFFER),
        amount=Decimal("3000.00"),
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    page.get_by_test_id("edit").click()
    checklist = page.get_by_test_id("stage-checklist")
    expect(checklist).to_be_hidden()  # the current stage asks for nothing

    page.get_by_label("Стадия продаж").select_option(label=f"{ORDER} (90%)")
    expect(checklist).to_be_visible()
    tick = checklist.get_by_label("Счёт выставлен")
    expect(tick).not_to_be_checked()
    tick.check()
    human_click(page, page.get_by_role("button", name="Сохранить"))

    expect(page.get_by_text(re.compile("«2026/10/2/Лондон» сохранен"))).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage == stage(ORDER)
    assert deal.ticks.get().ticked_by == manager

    page.get_by_role("tab", name="Журнал изменений").click()
    history = page.get_by_test_id("history")
    row = history.locator("tr", has_text="Счёт выставлен")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Чек-лист")
    expect(row).to_contain_text("Алия Нурланова")
    expect(row.locator("td").last).to_have_text(re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d"))
    expect(history.locator("tr", has_text="Стадия продаж")).to_contain_text(ORDER)


def test_a_move_the_checklist_stops_keeps_what_was_typed(page: Page, live_server, manager, strict):
    deal = DealFactory(
        owner=manager,
        contact=ContactFactory(owner=manager),
        name="2026/10/2/Лондон",
        stage=stage(OFFER),
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{deal.get_absolute_url()}edit/")
    page.get_by_label("Стадия продаж").select_option(label=f"{ORDER} (90%)")
    page.get_by_label("Следующий шаг").fill("Получить копии паспортов")
    human_click(page, page.get_by_role("button", name="Сохранить"))
    expect(page.locator("#field-stage")).to_contain_text("отметьте: Счёт выставлен")
    expect(page.get_by_label("Следующий шаг")).to_have_value("Получить копии паспортов")
    expect(page.get_by_test_id("stage-checklist")).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage == stage(OFFER) and deal.next_step == ""
