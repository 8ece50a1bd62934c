"""Acceptance 1 of the marketing (in Russian): a segment of class-A clients in one city, a
campaign with costs, a mailing to it through a local SMTP server (aiosmtpd), the counts; one
recipient unsubscribes through the link in the letter; a second mailing skips them."""

import email
import email.policy
import re
import socket

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CompanyFactory, ContactFactory, UserFactory
from voronka.accounts.models import Role
from voronka.contacts.models import Company
from voronka.mail.models import Template
from voronka.marketing.models import Campaign, Mailing, Segment, Unsubscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Sink:
    def __init__(self):
        self.letters = []

    async def handle_DATA(self, server, session, envelope):
        self.letters.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


def _mailing(page: Page, base: str, name: str, port: int) -> None:
    page.goto(f"{base}/marketing/segments/")
    page.get_by_role("link", name="Класс A в Алматы").click()
    page.get_by_role("link", name="Новая рассылка").click()
    page.fill("#id_name", name)
    page.select_option("#id_campaign", label="Выставка KITF")
    page.select_option("#id_template", label="Осенние туры")
    page.fill("#id_from_email", "news@turagent.kz")
    page.fill("#id_smtp_host", "127.0.0.1")
    page.fill("#id_smtp_port", str(port))
    page.fill("#id_per_minute", "6000")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_role("button", name="Отправить").click()
    expect(page.get_by_test_id("mailing-status")).to_have_text("отправлена")


def test_segment_campaign_mailing_and_unsubscribe(
    page: Page, browser, live_server, settings, smtp, team
):
    settings.VORONKA = {**settings.VORONKA, "OUTGOING_ALLOWED_NETWORKS": ["127.0.0.0/8"]}
    controller, sink = smtp
    marina = UserFactory(
        username="marina",
        first_name="Марина",
        last_name="Ким",
        team=team,
        role=Role.objects.get(code="marketer"),
        password="marina-pass-2026",
    )
    people = []
    for name, city, abc in (
        ("Ромашка", "Алматы", "A"),
        ("Лютик", "Алматы", "A"),
        ("Астра", "Астана", "A"),
        ("Мак", "Алматы", "B"),
    ):
        company = CompanyFactory(name=name, city=city, owner=marina)
        Company.objects.filter(pk=company.pk).update(abc_class=abc)
        people.append(
            ContactFactory(
                last_name=f"Сотрудник{name}",
                first_name="Анна",
                company=company,
                owner=marina,
                emails=[
                    f"anna@{name.lower()}.kz".replace("ромашка", "romashka")
                    .replace("лютик", "lyutik")
                    .replace("астра", "astra")
                    .replace("мак", "mak")
                ],
                mailing_consent=True,
            )
        )
    Template.objects.create(
        owner=marina,
        name="Осенние туры",
        is_shared=True,
        subject="{{ контакт.имя }}, осенние туры",
        body="Здравствуйте, {{ контакт.имя }}! Подборка: https://turagent.kz/autumn",
    )
    base = live_server.url

    page.goto(f"{base}/")
    page.get_by_label("Имя пользователя").fill("marina")
    page.get_by_label("Пароль").fill("marina-pass-2026")
    page.get_by_role("button", name="Войти").click()

    # The segment: class-A clients in Almaty, with a live count.
    page.get_by_test_id("more-menu").get_by_role("button", name="Ещё").or_(
        page.get_by_test_id("more-menu").get_by_role("link", name="Ещё")
    ).click()
    page.get_by_test_id("more-menu").get_by_role("link", name="Маркетинг").click()
    page.get_by_role("link", name="Сегменты и группы").click()
    page.get_by_role("link", name="Новый сегмент").click()
    page.fill("#id_name", "Класс A в Алматы")
    page.select_option("#id_audience", value="contact")
    page.select_option("#id_abc_class", value="A")
    page.fill("#id_city", "Алматы")
    page.locator("#id_city").dispatch_event("change")
    expect(page.get_by_test_id("segment-count")).to_have_text("Найдено: 2")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("segment-total")).to_have_text("Найдено: 2")
    segment = Segment.objects.get()

    # The campaign with a cost.
    page.goto(f"{base}/campaigns/")
    page.get_by_role("link", name="Новая кампания").click()
    page.fill("#id_name", "Выставка KITF")
    page.select_option("#id_channel", value="exhibition")
    page.select_option("#id_segment", value=str(segment.pk))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Выставка KITF")).to_be_visible()
    page.fill("#id_cost-amount", "150000")
    page.fill("#id_cost-note", "Стенд")
    page.get_by_role("button", name="Добавить расход").click()
    expect(page.get_by_test_id("costs")).to_contain_text("Стенд")
    assert Campaign.objects.get().costs.count() == 1

    # The first mailing: two letters, one per person, personal.
    _mailing(page, base, "Осень-1", controller.port)
    expect(page.get_by_test_id("stat-sent")).to_have_text("2")
    assert sorted(str(m["To"]) for m in sink.letters) == ["anna@lyutik.kz", "anna@romashka.kz"]
    letter = sink.letters[0]
    assert letter["Subject"] == "Анна, осенние туры"
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<([^>]+)>", str(letter["List-Unsubscribe"])).group(1)
    who = str(letter["To"])

    # The recipient unsubscribes through the link, without signing in.
    visitor = browser.new_context(locale="ru-RU")
    public = visitor.new_page()
    public.goto(base + unsubscribe[unsubscribe.index("/m/u/") :])
    public.get_by_role("button", name="Отписаться").click()
    expect(public.get_by_test_id("unsubscribed")).to_have_text("Вы отписались")
    visitor.close()
    assert Unsubscription.objects.get().email == who
    page.reload()
    expect(page.get_by_test_id("stat-unsubscribed")).to_have_text("1")

    # The second mailing skips them.
    _mailing(page, base, "Осень-2", controller.port)
    expect(page.get_by_test_id("stat-sent")).to_have_text("1")
    expect(page.get_by_test_id("stat-skipped-unsubscribed")).to_have_text("1")
    assert len(sink.letters) == 3 and str(sink.letters[2]["To"]) != who
    assert Mailing.objects.count() == 2
