"""Seed 000 and 003 in a real browser, in Russian: a hotel's price list uploaded from XLSX,
a room found by its attributes, two lines on a deal, a КП and an invoice as PDF read back."""

import io
import os
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.factories import CompanyFactory, DealFactory, UserFactory
from voronka.documents.models import Requisites

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["Распо", "Класс номера:", "Тип номера:", "Количество гостей:", "Питание:", "Сумма"]
ROWS = [
    [
        "MB (Main Building) / Основное здание отеля",
        "STD (Standart) / Стандартная комната",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        2000,
    ],
    [
        "NV (Holiday Village) / Бунгало",
        "STD (Standart) / Стандартная комната",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        1000,
    ],
    [
        "MB (Main Building) / Основное здание отеля",
        "DLX (Deluxe) / Номер делюкс",
        "DBL (Double) / Двухместное размещение",
        2,
        "BB (bed & breakfast) / Только завтрак",
        5000,
    ],
    [
        "MB (Main Building) / Основное здание отеля",
        "STD (Standart) / Стандартная комната",
        "SGL (Single) / Одноместное размещение",
        1,
        "HB (half board) / Полупансион",
        900,
    ],
]


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _shot(page: Page, name: str) -> None:
    """Screenshots at 1440 and 390 px when SCREENSHOT_DIR is set (to look at the pages)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def _pdf_text(page: Page, url: str) -> str:
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    return "\n".join(p.extract_text() for p in reader.pages).replace("\u00a0", " ")


def test_price_list_to_quote_and_invoice_pdf(page: Page, live_server, team):
    aliya = UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    Requisites.objects.create(
        country="RU",
        name="ООО «Воронка Тур»",
        inn="7707083893",
        kpp="773601001",
        bank="ПАО Сбербанк",
        bik="044525225",
        account="40702810938000000001",
        correspondent_account="30101810400000000225",
        director="Иванов И. И.",
    )
    CompanyFactory(
        name="ADAM & EVE HOTELS", city="Лондон", is_supplier=True, is_customer=False, owner=aliya
    )
    client = CompanyFactory(name="ООО «Ромашка»", inn="7736050003", owner=aliya)
    deal = DealFactory(name="2026/12/7/Лондон", owner=aliya, company=client, currency="RUB")
    base = live_server.url

    page.goto(f"{base}/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Добро пожаловать"))).to_be_visible()

    # The hotel's price list, uploaded from XLSX with the seed's columns.
    page.goto(f"{base}/price-lists/")
    page.get_by_role("link", name="Новый прайс-лист").click()
    page.locator("#id_name").fill("Прайс на сентябрь")
    page.locator("#id_type").select_option(label="Гостиница")
    page.locator("#id_supplier").select_option(label="ADAM & EVE HOTELS")
    page.locator("#id_currency").select_option("RUB")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Прайс на сентябрь")).to_be_visible()
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "adam-eve.xlsx",
                "buffer": _xlsx(),
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ]
    )
    page.get_by_test_id("upload-price-list").click()
    expect(page.get_by_text("Загружено строк: 4")).to_be_visible()
    expect(page.get_by_test_id("lines-count")).to_have_text("4")
    expect(page.get_by_role("cell", name="Только завтрак").first).to_be_visible()
    _shot(page, "price-list")

    # A room found by its attributes, put on the deal twice over (two lines).
    page.goto(f"{base}{deal.get_absolute_url()}")
    page.get_by_role("searchbox", name="Поиск по прайс-листам").fill(
        "Лондон, 2 взрослых, завтрак, до 2500 руб"
    )
    page.get_by_role("button", name="Найти").click()
    results = page.get_by_test_id("price-results").locator("li")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("Бунгало")
    results.nth(0).get_by_role("button", name="Добавить").click()
    expect(page.get_by_test_id("deal-line")).to_have_count(1)
    page.get_by_test_id("price-results").locator("li").nth(1).get_by_role(
        "button", name="Добавить"
    ).click()
    expect(page.get_by_test_id("deal-line")).to_have_count(2)
    expect(page.get_by_test_id("lines-total")).to_contain_text("3 000,00")
    expect(page.get_by_test_id("deal-amount")).to_contain_text("3 000,00")
    _shot(page, "deal-lines")

    # A commercial proposal, then an invoice, each read back from its PDF.
    page.get_by_test_id("document-type").select_option(label="Коммерческое предложение")
    page.get_by_role("button", name="Сформировать документ").click()
    expect(
        page.get_by_role("heading", name=re.compile("Коммерческое предложение № КП-1"))
    ).to_be_visible()
    quote = _pdf_text(page, base + page.get_by_test_id("document-pdf").get_attribute("href"))
    assert "ООО «Ромашка», ИНН 7736050003" in quote
    assert "Бунгало" in quote and "Основное здание отеля" in quote
    assert "3 000,00" in quote and "Три тысячи рублей 00 копеек" in quote

    page.get_by_role("link", name="2026/12/7/Лондон").click()
    page.get_by_test_id("document-type").select_option(label="Счет на оплату")
    page.get_by_role("button", name="Сформировать документ").click()
    expect(page.get_by_role("heading", name=re.compile("Счет на оплату № 1"))).to_be_visible()
    expect(page.get_by_test_id("invoice-status")).to_have_text("выставлен")
    _shot(page, "invoice")
    if os.environ.get("SCREENSHOT_DIR"):
        pdf = page.request.get(base + page.get_by_test_id("document-pdf").get_attribute("href"))
        (Path(os.environ["SCREENSHOT_DIR"]) / "invoice.pdf").write_bytes(pdf.body())
    invoice = _pdf_text(page, base + page.get_by_test_id("document-pdf").get_attribute("href"))
    assert "Счет на оплату № 1 от" in invoice
    assert "ИНН 7736050003" in invoice and "044525225" in invoice
    assert "ADAM & EVE HOTELS — NV (Holiday Village) / Бунгало" in invoice
    assert "Всего к оплате" in invoice and "3 000,00" in invoice
    assert "Всего наименований 2, на сумму 3 000,00 руб." in invoice
    assert "Три тысячи рублей 00 копеек" in invoice
