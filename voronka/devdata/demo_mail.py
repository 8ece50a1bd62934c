"""The demo's mail: Aliya's mailbox and the sales department's shared one, with letters from
the agency's tourists (one in KOI8-R, as old mailers write), a reply sent from the CRM, a
letter nobody is known for, templates and a signature.

The demo mailboxes point at example servers and are switched off, so nothing is synced or
sent: their letters are stored as a sync would store them (`mail.store.store_fetched`).
"""

from __future__ import annotations

import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from voronka.accounts.models import Team, User
from voronka.contacts.models import Contact
from voronka.mail import crypto, services, store
from voronka.mail.models import Folder, Mailbox, Message, SendStatus, Template
from voronka.sales.models import Deal


def _letter(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    at: datetime.datetime,
    message_id: str,
    reply_to: str = "",
    html: str = "",
) -> bytes:
    letter = EmailMessage()
    letter["From"] = sender
    letter["To"] = to
    letter["Subject"] = subject
    letter["Date"] = format_datetime(at)
    letter["Message-ID"] = message_id
    if reply_to:
        letter["In-Reply-To"] = reply_to
        letter["References"] = reply_to
    letter.set_content(body)
    if html:
        letter.add_alternative(html, subtype="html")
    return letter.as_bytes()


def _mailbox(**fields) -> Mailbox:
    return Mailbox.objects.create(
        imap_host="imap.example.com",
        imap_login=fields["email"],
        imap_password=crypto.encrypt("demo"),
        smtp_host="smtp.example.com",
        is_active=False,
        **fields,
    )


def load_mail(
    *, users: dict[str, User], contacts: dict[str, Contact], now: datetime.datetime
) -> int:
    aliya = users["aliya"]
    mailbox = _mailbox(owner=aliya, name="Почта Алии", email="aliya@voronka.demo")
    team = Team.objects.filter(name="Выездной туризм").first()
    shared = _mailbox(
        owner=users["admin"],
        name="Отдел продаж",
        email="sales@voronka.demo",
        is_shared=True,
        team=team,
    )
    inbox = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)
    shared_inbox = Folder.objects.create(mailbox=shared, name="INBOX", uidvalidity=1)

    bolat = contacts["Турсынхан"]
    baizhanov = contacts["Байжанов"]
    deal = Deal.objects.filter(contact=bolat).order_by("pk").first()
    letters = [
        (
            inbox,
            _letter(
                sender=f"Болат Турсынхан <{bolat.emails[0]}>",
                to=mailbox.email,
                subject="Тур в Анталью на каникулы",
                body="Алия, добрый день!\n\nИщем отель 5* у моря на 10 ночей в июне, "
                "нас четверо: двое взрослых и двое детей (8 и 12 лет).\n\nБолат",
                at=now - datetime.timedelta(days=3, hours=2),
                message_id="<antalya-1@mail.kz>",
            ),
        ),
        (
            inbox,
            _letter(
                sender=f"Ерлан Байжанов <{baizhanov.emails[0]}>",
                to=mailbox.email,
                subject="Документы для визы",
                body="Высылаю сканы паспортов. Подскажите, нужна ли справка с работы?",
                html="<p>Высылаю <b>сканы паспортов</b>.</p><p>Подскажите, нужна ли справка "
                "с работы?</p><img src='https://tracker.example.com/open.gif' alt=''>",
                at=now - datetime.timedelta(days=1, hours=5),
                message_id="<visa-1@example.kz>",
            ),
        ),
        (
            inbox,
            (
                "From: =?koi8-r?B?7cHSyc7BIPPPy8/Mz9fB?= <sokolova@example.ru>\r\n"
                f"To: {mailbox.email}\r\nSubject: =?koi8-r?B?98/Q0s/TIM/CINTV0sU=?=\r\n"
                f"Date: {format_datetime(now - datetime.timedelta(hours=7))}\r\n"
                "Message-ID: <koi8-1@example.ru>\r\n"
                "Content-Type: text/plain; charset=koi8-r\r\n"
                "Content-Transfer-Encoding: 8bit\r\n\r\n"
            ).encode()
            + "Здравствуйте! Есть ли туры в Стамбул на майские?".encode("koi8_r"),
        ),
        (
            shared_inbox,
            _letter(
                sender="Айгерим Ахметова <aigerim@corp.example.kz>",
                to=shared.email,
                subject="Корпоративный выезд на 30 человек",
                body="Добрый день! Планируем корпоративный выезд в сентябре. "
                "Пришлите, пожалуйста, варианты.",
                at=now - datetime.timedelta(hours=3),
                message_id="<corp-1@corp.example.kz>",
            ),
        ),
    ]
    for uid, (folder, raw) in enumerate(letters, start=1):
        store.store_fetched(
            folder.mailbox, folder, uid=uid, raw=raw, seen=uid == 1, internal_date=None
        )
    first = Message.objects.get(message_id="<antalya-1@mail.kz>")
    if deal is not None:
        services.thread_set_deal(actor=aliya, thread=first.thread, deal=deal)
    # Aliya's answer, as the Sent folder gives it back.
    sent = Folder.objects.create(mailbox=mailbox, name="Sent", uidvalidity=1, is_sent=True)
    answer = store.store_fetched(
        mailbox,
        sent,
        uid=1,
        raw=_letter(
            sender=f"Алия Нурланова <{mailbox.email}>",
            to=bolat.emails[0],
            subject="Re: Тур в Анталью на каникулы",
            body="Болат, добрый день!\n\nПодобрала три отеля в Белеке: Regnum Carya, "
            "Maxx Royal и Gloria Serenity. Цены на июнь пришлю сегодня.\n\n-- \nАлия",
            at=now - datetime.timedelta(days=2, hours=20),
            message_id="<antalya-2@voronka.demo>",
            reply_to="<antalya-1@mail.kz>",
        ),
        seen=True,
        internal_date=None,
    )
    Message.objects.filter(pk=answer.pk).update(status=SendStatus.SENT, author=aliya)

    Template.objects.create(
        owner=users["admin"],
        name="Коммерческое предложение",
        is_shared=True,
        subject="Предложение: {{ сделка.название }}",
        body="Здравствуйте, {{ контакт.имя }}!\n\nНаправляем предложение по туру "
        "«{{ сделка.название }}» на сумму {{ сделка.сумма }} {{ сделка.валюта }}.\n"
        "Будем рады ответить на вопросы.",
    )
    Template.objects.create(
        owner=aliya,
        name="Напоминание об оплате",
        subject="Оплата тура",
        body="{{ контакт.имя }}, добрый день! Напоминаю о предоплате по туру "
        "«{{ сделка.название }}».",
    )
    services.signature_save(
        user=aliya, text="Алия Нурланова\nменеджер по выездному туризму\n+7 701 000 00 01"
    )
    return Message.objects.count()
