"""A visitor fills the site's form; the manager is told, opens the lead and converts it into
the company it turned out to be (found as a duplicate), a contact and a deal."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CompanyFactory, UserFactory, WebFormFactory
from voronka.contacts.models import Company, Contact
from voronka.leads.models import Lead, LeadStatus
from voronka.sales.models import Deal, LeadSource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / name), full_page=True)


def test_a_web_form_sending_becomes_a_lead_that_is_converted_into_the_existing_company(
    page: Page, browser, live_server, team
):
    aliya = UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    existing = CompanyFactory(name="ТОО «Ромашка»", owner=aliya, city="Алматы")
    web_form = WebFormFactory(
        owner=aliya,
        source=LeadSource.objects.create(name="Сайт"),
        title="Подберём тур",
        thank_you="Спасибо! Менеджер перезвонит.",
        # The browser fills the form faster than a person: no minimum time in this test.
        min_fill_seconds=0,
        fields=[
            {"name": "person_name", "label": "Ваше имя", "required": True},
            {"name": "company_name", "label": "Компания", "required": False},
            {"name": "phone", "label": "Телефон", "required": True},
            {"name": "question", "label": "Куда хотите поехать", "required": False},
        ],
    )
    base = live_server.url

    # A visitor of the site, not signed in, in another browser context.
    visitor = browser.new_context(locale="ru-RU")
    public = visitor.new_page()
    public.goto(f"{base}{web_form.public_url()}")
    expect(public.get_by_role("heading", name="Подберём тур")).to_be_visible()
    public.get_by_label("Ваше имя").fill("Болат Турсынхан")
    public.get_by_label("Компания").fill("Ромашка")
    public.get_by_label("Телефон").fill("8 701 555 12 34")
    public.get_by_label("Куда хотите поехать").fill("Лондон на майские, двое")
    _shot(public, "webform-public.png")
    with public.expect_response(lambda r: r.request.method == "POST"):
        public.get_by_role("button", name="Отправить").click()
    expect(public.get_by_test_id("thanks")).to_contain_text("Спасибо! Менеджер перезвонит.")
    visitor.close()
    lead = Lead.objects.get()
    assert lead.owner == aliya and lead.source.name == "Сайт"

    # The manager signs in and is told.
    page.goto(f"{base}/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_test_id("notifications-count")).to_have_text("1")
    page.get_by_test_id("notifications-bell").click()
    page.get_by_role("link", name=re.compile("Новый лид для вас: Болат Турсынхан")).click()
    expect(page.get_by_role("heading", name="Болат Турсынхан, Ромашка")).to_be_visible()
    expect(page.get_by_test_id("lead-status")).to_have_text("новый")
    expect(page.get_by_test_id("lead-question")).to_have_text("Лондон на майские, двое")
    _shot(page, "lead-detail.png")

    # Conversion: the existing company is shown as a probable duplicate and linked.
    page.get_by_test_id("convert").click()
    expect(page.get_by_test_id("company-duplicates")).to_be_visible()
    # The duplicate is offered first; the manager keeps that choice.
    expect(page.get_by_label(re.compile("Привязать к «ТОО «Ромашка»»"))).to_be_checked()
    expect(page.get_by_label("Фамилия")).to_have_value("Турсынхан")
    expect(page.get_by_label("Имя", exact=True)).to_have_value("Болат")
    page.get_by_label("Название сделки").fill("Ромашка: Лондон, май")
    _shot(page, "lead-convert.png")
    page.get_by_test_id("convert-submit").click()
    expect(page.get_by_role("heading", name="Ромашка: Лондон, май")).to_be_visible()

    deal = Deal.objects.get()
    lead.refresh_from_db()
    assert Company.objects.count() == 1
    assert deal.company == existing and deal.lead_source.name == "Сайт"
    contact = Contact.objects.get()
    assert contact.full_name == "Турсынхан Болат" and contact.company == existing
    assert contact.phones == ["+77015551234"]
    assert lead.status == LeadStatus.CONVERTED
    assert (lead.company, lead.contact, lead.deal) == (existing, contact, deal)

    # The lead keeps links to what it became.
    page.goto(f"{base}{lead.get_absolute_url()}")
    expect(page.get_by_test_id("lead-became")).to_contain_text("ТОО «Ромашка»")
    expect(page.get_by_test_id("lead-status")).to_have_text("преобразован")
