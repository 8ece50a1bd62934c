"""The board in a browser: a card dragged to the next stage moves the deal; a skip in a
strict pipeline is refused, named, and the card goes back. And the seed's deal, played
through the deal page, leaves its seven history rows."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ContactFactory, DealFactory, UserFactory, stage
from voronka.sales.models import Deal, StageChecklistItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFER = "Ком. предложение / Выставление счета"
ORDER = "Сборка заказа / Счет не оплачен"
WON = "Закрыто с успехом"


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )


@pytest.fixture
def strict_pipeline():
    pipeline = stage(0).pipeline
    pipeline.strict_order = True
    pipeline.save()
    offer = stage(OFFER)
    offer.required_fields = ["contact", "amount"]
    offer.save()
    StageChecklistItem.objects.create(stage=stage(ORDER), text="Счёт выставлен", order=1)
    StageChecklistItem.objects.create(stage=stage(WON), text="Оплата получена", order=1)
    return pipeline


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def drag(page: Page, card, column) -> None:
    """Pointer drag in small steps, as a hand does (SortableJS in fallback mode)."""
    box, target = card.bounding_box(), column.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    x, y = target["x"] + target["width"] / 2, target["y"] + 40
    page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + 20, steps=3)
    page.mouse.move(x, y, steps=15)
    page.mouse.up()


def test_a_card_dragged_to_the_next_stage_moves_the_deal(
    page: Page, live_server, manager, strict_pipeline
):
    deal = DealFactory(
        owner=manager,
        name="2026/12/1/Лондон",
        contact=ContactFactory(owner=manager),
        amount=Decimal("1000"),
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/deals/board/")
    card = page.get_by_test_id(f"card-{deal.pk}")
    drag(page, card, page.get_by_test_id(f"column-{stage(OFFER).pk}"))
    expect(
        page.get_by_test_id(f"column-{stage(OFFER).pk}").get_by_test_id(f"card-{deal.pk}")
    ).to_have_attribute("data-version", "2")
    expect(page.get_by_test_id("board-alert")).to_be_hidden()
    deal.refresh_from_db()
    assert deal.stage == stage(OFFER) and deal.probability == 65


def test_a_skip_in_a_strict_pipeline_is_refused_and_the_card_goes_back(
    page: Page, live_server, manager, strict_pipeline
):
    deal = DealFactory(owner=manager, name="2026/12/1/Вена", contact=ContactFactory(owner=manager))
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/deals/board/")
    drag(
        page,
        page.get_by_test_id(f"card-{deal.pk}"),
        page.get_by_test_id(f"column-{stage(ORDER).pk}"),
    )
    alert = page.get_by_test_id("board-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(f"следующая стадия — «{OFFER}»")
    expect(
        page.get_by_test_id(f"column-{stage(0).pk}").get_by_test_id(f"card-{deal.pk}")
    ).to_be_visible()
    deal.refresh_from_db()
    assert deal.stage == stage(0)


def test_a_card_dragged_past_a_required_field_is_refused_with_the_field_named(
    page: Page, live_server, manager, strict_pipeline
):
    deal = DealFactory(owner=manager, name="Без контакта", amount=Decimal("0"))
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/deals/board/")
    drag(
        page,
        page.get_by_test_id(f"card-{deal.pk}"),
        page.get_by_test_id(f"column-{stage(OFFER).pk}"),
    )
    expect(page.get_by_test_id("board-alert")).to_contain_text("заполните: контакт, сумма")
    deal.refresh_from_db()
    assert deal.stage == stage(0)


def test_the_seeds_deal_played_in_the_browser(page: Page, live_server, manager, strict_pipeline):
    contact = ContactFactory(owner=manager, last_name="Байжанов", first_name="Руслан")
    sign_in(page, live_server.url)
    base = live_server.url
    # Created at «Разведка» with 1,000.00.
    page.goto(f"{base}/deals/new/?contact={contact.pk}")
    page.get_by_label("Название сделки").fill("2010/11/2/Лондон")
    page.get_by_label("Сумма").fill("1000")
    page.get_by_label("Валюта").select_option("USD")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("deal-probability")).to_contain_text("10%")
    # To the offer with 3,000.00 (the edit form).
    page.get_by_test_id("edit").click()
    page.get_by_label("Сумма").fill("3000")
    page.get_by_label("Стадия продаж").select_option(label=f"{OFFER} (65%)")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("deal-probability")).to_contain_text("65%")
    # The checklist, then the next stage; then paid and won.
    item = StageChecklistItem.objects.get(text="Счёт выставлен")
    page.get_by_test_id(f"tick-{item.pk}").click()
    page.get_by_test_id("next-stage").click()
    expect(page.get_by_test_id("deal-probability")).to_contain_text("90%")
    paid = StageChecklistItem.objects.get(text="Оплата получена")
    page.get_by_test_id(f"tick-{paid.pk}").click()
    page.get_by_test_id("close-won").click()
    expect(page.get_by_test_id("deal-probability")).to_contain_text("100%")
    # The seed's seven rows, and the ticks that let the deal move (who ticked, and when).
    rows = page.get_by_test_id("history").locator("tbody tr")
    expect(rows).to_have_count(9)
    texts = [" | ".join(rows.nth(i).locator("td").all_inner_texts()[:3]) for i in range(9)]
    assert texts == [
        f"Стадия продаж | {ORDER} | {WON}",
        "Вероятность, % | 90 | 100",
        "Чек-лист | — | Оплата получена",
        f"Стадия продаж | {OFFER} | {ORDER}",
        "Вероятность, % | 65 | 90",
        "Чек-лист | — | Счёт выставлен",
        "Сумма | 1\xa0000,00 | 3\xa0000,00",
        f"Стадия продаж | Разведка | {OFFER}",
        "Вероятность, % | 10 | 65",
    ]
    page.goto(f"{base}/")
    expect(page.get_by_test_id("stream")).to_contain_text(
        "закрыл(а) с успехом сделку 2010/11/2/Лондон"
    )
    assert Deal.objects.get(name="2010/11/2/Лондон").stage == stage(WON)
