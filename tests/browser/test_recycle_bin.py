"""In Russian: a manager deletes a company with its contact and deal, finds it in the
recycle bin and restores it; the contact is linked to it again."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CompanyFactory, ContactFactory, DealFactory, UserFactory
from voronka.contacts.models import Company, Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deleted_company_is_restored_from_the_bin(page: Page, live_server, team):
    aliya = UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    company = CompanyFactory(name="ТОО «Ромашка»", owner=aliya)
    contact = ContactFactory(owner=aliya, company=company, last_name="Петров")
    DealFactory(owner=aliya, company=company, contact=contact)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    page.goto(f"{base}{company.get_absolute_url()}delete/")
    expect(page.get_by_text("Запись попадёт в корзину")).to_be_visible()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_text("удалена", exact=False).first).to_be_visible()
    assert not Company.objects.filter(pk=company.pk).exists()

    page.goto(f"{base}/trash/")
    expect(page.get_by_role("heading", name="Корзина")).to_be_visible()
    row = page.get_by_test_id("trash").get_by_role("row").filter(has_text="ТОО «Ромашка»")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Восстановить").click()
    expect(page.get_by_text("«ТОО «Ромашка»» восстановлено.")).to_be_visible()
    expect(page.get_by_text("Корзина пуста.")).to_be_visible()
    assert Contact.objects.get(pk=contact.pk).company_id == company.pk
