"""A fresh demo, as a newcomer opens it: the customers are classified and the scorecard has
its figures at once (not after the first night), and no hint points a manager to a button
only an administrator sees."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from voronka.accounts.models import Role, User
from voronka.activities.defaults import create_default_types
from voronka.activities.models import ActivityType, Outcome
from voronka.devdata import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()


def test_a_fresh_demo_shows_abc_xyz_and_the_scorecard_to_a_manager(page: Page, live_server):
    create_default_types(ActivityType, Outcome)
    demo.load()
    aliya = User.objects.get(username="aliya")
    sign_in(page, live_server.url, "aliya", "aliya")

    page.goto(f"{live_server.url}/reports/abc-xyz/")
    matrix = page.get_by_test_id("abc-xyz-matrix")
    expect(matrix.locator(".card-header")).to_contain_text(re.compile(r"[1-9]\d* компани"))
    expect(page.get_by_test_id("last-run")).to_contain_text("Классификация на")

    page.goto(f"{live_server.url}/reports/scorecard/")
    row = page.get_by_test_id(f"row-manager-{aliya.pk}")
    cells = row.locator("td")
    expect(row).to_be_visible()
    # Key fields filled (companies, contacts): counted when the demo loaded.
    figures = cells.all_inner_texts()
    heads = page.get_by_test_id("scorecard").locator("thead tr").nth(1).locator("th")
    titles = heads.all_inner_texts()
    companies = titles.index("контрагенты") + 1  # the first cell is the manager's name
    assert figures[companies] != "—" and figures[companies + 1] != "—", figures
    effectiveness = next(i for i, t in enumerate(titles) if t.startswith("Эффективность")) + 1
    assert figures[effectiveness] != "—", figures


@pytest.mark.parametrize(("role", "button"), [("manager", False), ("admin", True)])
def test_the_abc_xyz_hint_points_to_a_button_only_for_who_sees_it(
    page: Page, live_server, team, role, button
):
    UserFactory(
        username="reader", password="reader-pass-2026", team=team, role=Role.objects.get(code=role)
    )
    sign_in(page, live_server.url, "reader", "reader-pass-2026")
    page.goto(f"{live_server.url}/reports/abc-xyz/")

    hint = page.get_by_test_id("last-run")
    expect(hint).to_contain_text("Классификации ещё нет")
    if button:
        expect(hint).to_contain_text("кнопкой выше")
        expect(page.get_by_test_id("recompute")).to_be_visible()
    else:
        expect(hint).not_to_contain_text("кнопк")
        expect(page.get_by_test_id("recompute")).to_have_count(0)
