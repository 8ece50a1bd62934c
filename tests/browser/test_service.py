"""Service, in Russian: a complaint taken down by hand goes to the team's queue, a colleague
takes it, waits for the client (the deadline clock stops), resolves it; the client rates the
work through the link, and the rating is in the managers' scorecard. Then the stakeholder map
of a deal is drawn by Cytoscape.js."""

import datetime
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ContactFactory, DealFactory, UserFactory
from voronka.service.models import Case, CaseStatus, Stakeholder, WorkCalendar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page: Page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / name), full_page=True)


def _login(page: Page, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()


@pytest.fixture
def round_the_clock(db):
    # Working time all day every day: the deadlines do not depend on when the test runs.
    WorkCalendar.objects.all().delete()
    WorkCalendar.objects.create(
        name="24/7",
        is_default=True,
        weekdays="0123456",
        time_zone="UTC",
        starts=datetime.time(0, 0),
        ends=datetime.time(23, 59, 59),
    )


def test_a_complaint_from_the_queue_to_the_clients_rating_in_the_scorecard(
    page: Page, browser, live_server, team, round_the_clock
):
    UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    daniyar = UserFactory(
        username="daniyar",
        first_name="Данияр",
        last_name="Ахметов",
        team=team,
        password="daniyar-pass-2026",
    )
    base = live_server.url

    # Aliya takes a complaint down by hand and puts it in the team's queue.
    _login(page, base, "aliya", "aliya-pass-2026")
    page.get_by_role("link", name="Сервис").first.click()
    expect(page.get_by_role("heading", name="Обращения")).to_be_visible()
    page.get_by_test_id("case-new").click()
    page.get_by_label("Тема").fill("Рекламация: в заказе не хватает двух коробок")
    page.get_by_label("Описание").fill("Клиент получил 8 коробок из 10.")
    page.get_by_label("Тип").select_option(label="рекламация")
    page.get_by_label("Приоритет").select_option(label="высокий")
    page.get_by_label("Канал").select_option(label="e-mail")
    page.get_by_label("E-mail клиента").fill("client@example.com")
    page.get_by_label("Очередь группы").select_option(label=team.name)
    page.get_by_label("Ответственный").select_option(value="")
    page.get_by_test_id("case-save").click()
    expect(page.get_by_test_id("case-owner")).to_contain_text("в очереди группы")
    expect(page.get_by_test_id("case-status")).to_have_text("новое")
    expect(page.get_by_test_id("case-left")).to_contain_text("осталось")
    case = Case.objects.get()
    assert case.owner_id is None

    # Daniyar, of the same team, finds it in the queue and takes it.
    _login(page, base, "daniyar", "daniyar-pass-2026")
    page.goto(f"{base}/cases/?my_team=true")
    page.get_by_role("link", name=re.compile("в заказе не хватает")).click()
    page.get_by_test_id("take").click()
    expect(page.get_by_test_id("case-owner")).to_have_text("Данияр Ахметов")
    expect(page.get_by_test_id("case-status")).to_have_text("в работе")

    # Waiting for the client: the clock stops.
    page.get_by_test_id("move-waiting").click()
    expect(page.get_by_test_id("case-status")).to_have_text("ждёт клиента")
    expect(page.get_by_test_id("case-paused")).to_have_text("часы остановлены")
    expect(page.get_by_test_id("case-resolve-due")).to_contain_text("часы остановлены")
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING and case.resolve_due_at is None
    _shot(page, "case-waiting.png")

    # Resolved, with the resolution; the rating link appears.
    page.get_by_label("Решение").fill("Довезли две коробки курьером.")
    page.get_by_test_id("move-resolved").click()
    expect(page.get_by_test_id("case-status")).to_have_text("решено")
    expect(page.get_by_test_id("case-resolution")).to_have_text("Довезли две коробки курьером.")
    link = page.get_by_test_id("rating-link").input_value()
    assert "/rate/" in link

    # The client, signed in nowhere, rates the work.
    client = browser.new_context(locale="ru-RU")
    public = client.new_page()
    public.goto(link)
    expect(public.get_by_role("heading", name="Оцените нашу работу")).to_be_visible()
    public.get_by_label("4").check()
    public.get_by_label("Комментарий").fill("Быстро разобрались, спасибо.")
    public.get_by_test_id("rate-send").click()
    expect(public.get_by_test_id("thanks")).to_have_text("Спасибо за оценку!")
    client.close()
    case.refresh_from_db()
    assert case.satisfaction == 4

    # The rating is on the case and in the scorecard (Daniyar's own row).
    page.reload()
    expect(page.get_by_test_id("case-satisfaction")).to_have_text("4 / 5")
    page.goto(f"{base}/reports/scorecard/")
    expect(page.get_by_test_id(f"rating-manager-{daniyar.pk}")).to_have_text(
        re.compile(r"^4[.,]0$")
    )
    _shot(page, "scorecard-rating.png")


def test_the_stakeholder_map_is_drawn(page: Page, live_server, team):
    aliya = UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
    )
    deal = DealFactory(owner=aliya, name="Поставка для ТОО «Ромашка»")
    boss = ContactFactory(owner=aliya, last_name="Иванов", first_name="Пётр")
    engineer = ContactFactory(owner=aliya, last_name="Петрова", first_name="Анна")
    base = live_server.url
    _login(page, base, "aliya", "aliya-pass-2026")
    page.goto(f"{base}{deal.get_absolute_url()}")
    expect(page.get_by_test_id("stakeholders")).to_contain_text("Пока никого")
    form = page.get_by_test_id("stakeholder-form")
    form.locator("select[name=contact]").evaluate(
        "(el, id) => { el.tomselect ? el.tomselect.addOption({value: id, text: 'x'}) : null;"
        " if (el.tomselect) { el.tomselect.setValue(id); } else {"
        " el.add(new Option('x', id, true, true)); } }",
        str(boss.pk),
    )
    form.get_by_label("Роль").select_option(label="лицо, принимающее решение")
    form.get_by_label("Отношение").select_option(label="нейтрален")
    page.get_by_test_id("stakeholder-add").click()
    expect(page.get_by_test_id("stakeholder-table")).to_contain_text("лицо, принимающее решение")

    form = page.get_by_test_id("stakeholder-form")
    form.locator("select[name=contact]").evaluate(
        "(el, id) => { if (el.tomselect) { el.tomselect.addOption({value: id, text: 'x'});"
        " el.tomselect.setValue(id); } else { el.add(new Option('x', id, true, true)); } }",
        str(engineer.pk),
    )
    form.get_by_label("Роль").select_option(label="технический эксперт")
    form.get_by_label("Отношение").select_option(label="союзник")
    form.get_by_label("Влияет на").select_option(label=str(boss))
    page.get_by_test_id("stakeholder-add").click()
    table = page.get_by_test_id("stakeholder-table")
    expect(table).to_contain_text("технический эксперт")
    expect(table).to_contain_text("союзник")
    # Cytoscape.js drew the two people on a canvas.
    chart = page.get_by_test_id("stakeholder-map")
    expect(chart).to_have_attribute("data-rendered", "2")
    expect(chart.locator("canvas").first).to_be_attached()
    assert Stakeholder.objects.get(contact=engineer).influences.get().contact == boss
    _shot(page, "stakeholder-map.png")
