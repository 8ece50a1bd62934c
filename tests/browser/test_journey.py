"""A manager's first session, in Russian, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from voronka.contacts.models import Company
from voronka.sales.models import Deal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_records_a_sale_and_finds_the_company(page: Page, live_server, team):
    UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    base = live_server.url

    # Sign in, in Russian.
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    # A company.
    page.get_by_role("link", name="Контрагенты").first.click()
    page.get_by_role("link", name="Новый контрагент").click()
    page.get_by_label("Название контрагента").fill("Отель Ромашка")
    page.locator("#id_phones").fill("8 701 555 12 34")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Отель Ромашка")).to_be_visible()
    expect(page.get_by_text("+7 701 555 1234")).to_be_visible()

    # A contact at it, choosing the company by typing in lower case.
    page.get_by_role("link", name="Контакты").first.click()
    page.get_by_role("link", name="Новый контакт").click()
    page.get_by_label("Фамилия").fill("Турсынхан")
    page.get_by_label("Имя", exact=True).fill("Болат")
    page.locator("#field-company .ts-control").click()
    page.keyboard.type("ромаш")
    page.locator(".ts-dropdown .option", has_text="Отель Ромашка").click()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Турсынхан Болат")).to_be_visible()

    # A deal for that person.
    page.get_by_role("link", name="Новая сделка").click()
    page.get_by_label("Название сделки").fill("2026/12/1/Лондон")
    page.get_by_label("Сумма").fill("1000")
    page.get_by_label("Валюта").select_option("USD")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="2026/12/1/Лондон")).to_be_visible()
    deal = Deal.objects.get(name="2026/12/1/Лондон")
    assert deal.company == Company.objects.get(name="Отель Ромашка")
    assert deal.contact.last_name == "Турсынхан"

    # The amount changes.
    page.get_by_test_id("edit").click()
    page.get_by_label("Сумма").fill("3000")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("deal-amount")).to_contain_text("3")
    expect(page.get_by_test_id("deal-amount")).to_contain_text("000,00")
    deal.refresh_from_db()
    assert deal.amount == 3000 and deal.version == 2

    # Lower-case Cyrillic finds the company.
    search = page.get_by_role("searchbox", name="Поиск").first
    search.fill("ромашка")
    search.press("Enter")
    expect(page.get_by_role("link", name="Отель Ромашка")).to_be_visible()

    # Sign out.
    page.get_by_role("button", name=re.compile("Алия")).click() if page.get_by_role(
        "button", name=re.compile("Алия")
    ).count() else page.get_by_role("link", name=re.compile("Алия")).click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()


def test_a_phone_width_screen_gets_the_collapsed_menu(page: Page, live_server, team):
    UserFactory(username="olga", team=team, password="olga-pass-2026")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("olga")
    page.get_by_label("Пароль").fill("olga-pass-2026")
    page.get_by_role("button", name="Войти").click()
    toggler = page.get_by_role("button", name="Меню")
    expect(toggler).to_be_visible()
    expect(page.get_by_role("link", name="Сделки")).to_be_hidden()
    toggler.click()
    page.get_by_role("link", name="Сделки").click()
    expect(page.get_by_role("heading", name="Сделки")).to_be_visible()
    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
