"""What a newcomer hit on the board and the lists: the board warned of a missing next step on
won and lost deals too (only open deals need one), and every yes/no filter offered
«Неизвестно» where a person expects «Все»."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import DealFactory, UserFactory, stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPEN, WON, LOST = "Разведка", "Закрыто с успехом", "Закрыто с потерей"
WARNING = "Следующий шаг не запланирован"


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def test_only_open_deals_on_the_board_warn_of_a_missing_next_step(page: Page, live_server, manager):
    now = timezone.now()
    open_deal = DealFactory(owner=manager, name="Открытая", stage=stage(OPEN))
    won = DealFactory(owner=manager, name="Выигранная", stage=stage(WON), closed_at=now)
    lost = DealFactory(owner=manager, name="Проигранная", stage=stage(LOST), closed_at=now)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/deals/board/")

    expect(page.get_by_test_id(f"card-{open_deal.pk}")).to_contain_text(WARNING)
    for deal in (won, lost):
        card = page.get_by_test_id(f"card-{deal.pk}")
        expect(card).to_be_visible()
        expect(card.get_by_text(WARNING)).to_be_hidden()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/deals/", "Без следующего шага"),
        ("/deals/board/", "Без следующего шага"),
        ("/companies/", "Клиенты без следующего шага"),
        ("/contacts/", "Согласие на рассылки"),
        ("/activities/", "Выполнено"),
    ],
)
def test_a_yes_no_filter_reads_all_yes_no(page: Page, live_server, manager, path, label):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{path}")
    choice = page.get_by_label(label, exact=True)
    expect(choice.locator("option")).to_have_text(["Все", "Да", "Нет"])
    expect(choice).to_have_value("")
    # The choice is kept after the list is shown with it.
    choice.select_option(label="Да")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_label(label, exact=True)).to_have_value("true")
