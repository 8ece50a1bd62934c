"""A manager brings an Outlook export in Windows-1251 into the CRM through the wizard, in
Russian: upload, the suggested columns, the check, the import, the rejected rows, the undo."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from voronka.contacts.models import Contact
from voronka.imports.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATA = Path(__file__).resolve().parents[1] / "data"


def _shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / name), full_page=True)


def test_the_import_wizard_in_russian(page: Page, live_server, team):
    UserFactory(username="aliya", first_name="Алия", last_name="Нурланова", team=team,
                password="aliya-pass-2026")  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/contacts/")
    page.get_by_label("Имя пользователя").fill("aliya")
    page.get_by_label("Пароль").fill("aliya-pass-2026")
    page.get_by_role("button", name="Войти").click()

    page.get_by_test_id("import-link").click()
    expect(page.get_by_role("heading", name="Импорт", exact=True)).to_be_visible()
    expect(page.get_by_label("Строки файла —")).to_have_value("contact")
    page.get_by_label("Файл", exact=True).set_input_files(str(DATA / "outlook-contacts-cp1251.csv"))
    page.get_by_role("button", name="Загрузить").click()

    # The columns are suggested from the Russian headers; the preview shows the Cyrillic.
    expect(page.get_by_test_id("preview")).to_contain_text("Кузнецова")
    expect(page.get_by_label("Фамилия", exact=True)).to_have_value("last_name")
    expect(page.get_by_label("Мобильный телефон")).to_have_value("")
    expect(page.get_by_label("Рабочий телефон")).to_have_value("phones")
    page.get_by_label("обновить существующую запись").check()
    _shot(page, "import-mapping.png")
    page.get_by_role("button", name="Проверить").click()

    expect(page.get_by_test_id("dry-created")).to_have_text("1")
    expect(page.get_by_test_id("dry-failed")).to_have_text("3")
    expect(page.get_by_test_id("problems")).to_contain_text("«0.0.00» — не дата")
    _shot(page, "import-check.png")
    assert not Contact.objects.exists()
    page.get_by_role("button", name="Импорт").click()

    expect(page.get_by_test_id("import-status")).to_have_text("выполнен")
    expect(page.get_by_test_id("created")).to_have_text("1")
    expect(page.get_by_test_id("failed")).to_have_text("3")
    with page.expect_download() as download:
        page.get_by_test_id("report-link").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert report.splitlines()[0].endswith(";Ошибка")
    assert "'=HYPERLINK" in report  # the formula of the file is neutralised
    _shot(page, "import-result.png")
    assert Contact.objects.get().last_name == "Кузнецова"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Отменить импорт").click()
    expect(page.get_by_test_id("undone")).to_be_visible()
    assert not Contact.objects.exists()
    assert ImportJob.objects.get().status == "undone"
