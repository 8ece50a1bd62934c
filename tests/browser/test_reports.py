"""The reports in a browser: the blocks load after the page and draw their charts, a quarter
is one click away, a bar opens the deals behind it, and each user arranges their blocks."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import wait_until
from tests.factories import DealFactory, UserFactory, stage
from voronka.sales.models import StageKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_q2_in_one_click_and_a_bar_opens_its_deals(page: Page, live_server, manager):
    won = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    year = timezone.localdate().year
    for month, name in ((4, "Апрельский тур"), (5, "Майский тур"), (5, "Ещё майский")):
        DealFactory(
            owner=manager,
            name=name,
            stage=won,
            amount=Decimal("100000.00"),
            currency="KZT",
            closed_at=timezone.make_aware(datetime.datetime(year, month, 10, 12, 0)),
        )
    sign_in(page, live_server.url)

    page.get_by_role("link", name="Отчёты").first.click()
    page.get_by_role("link", name="II квартал этого года", exact=True).click()

    expect(page.get_by_test_id("won-count")).to_have_text("3")
    expect(page.get_by_test_id("won-total")).to_contain_text("300 000,00")
    months = page.get_by_test_id("block-months")
    expect(months.get_by_role("cell", name=f"май {year}")).to_be_visible()
    canvas = months.locator("canvas")
    expect(canvas).to_be_visible()
    wait_until(page, "!!document.querySelector('[data-testid=block-months] canvas').chart")
    page.wait_for_timeout(1200)  # the bars' grow-in animation
    # The May bar (the second of three), where Chart.js drew it.
    bar = page.evaluate(
        """() => { const bar = document.querySelector('[data-testid=block-months] canvas')
             .chart.getDatasetMeta(0).data[1]; return {x: bar.x, y: (bar.y + bar.base) / 2}; }"""
    )
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
    expect(page).to_have_url(re.compile(r"/deals/\?.*status=won"))
    expect(page.get_by_role("link", name="Майский тур")).to_be_visible()
    expect(page.get_by_role("link", name="Апрельский тур")).to_have_count(0)


def test_a_user_arranges_the_blocks(page: Page, live_server, manager):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_test_id("block-sources")).to_be_visible()
    page.get_by_test_id("arrange").click()
    page.get_by_label("Все сделки по источникам предварительных контактов").uncheck()
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_text("Блоки отчётов сохранены.")).to_be_visible()
    expect(page.get_by_test_id("block-months")).to_be_visible()
    expect(page.get_by_test_id("block-sources")).to_have_count(0)
