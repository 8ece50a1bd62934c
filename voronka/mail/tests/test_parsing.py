"""Letters as they come: real-world samples of other projects' test suites (tests/data/mail,
with their origin), Russian letters in KOI8-R and Windows-1251, 8-bit headers, broken MIME and
huge letters are read without an error, and shown."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from tests.factories import MailboxFactory
from voronka.mail import store
from voronka.mail.models import Folder
from voronka.mail.parsing import MAX_BODY, parse

CORPUS = sorted((Path(__file__).resolve().parents[3] / "tests" / "data" / "mail").rglob("*.eml"))


def test_the_corpus_is_there():
    assert len(CORPUS) >= 25


@pytest.mark.django_db
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_world_letters(path, owner):
    raw = path.read_bytes()
    parsed = parse(raw)
    assert parsed.message_id
    mailbox = MailboxFactory(owner=owner)
    folder = Folder.objects.create(mailbox=mailbox, name="INBOX", uidvalidity=1)
    message = store.store_fetched(
        mailbox, folder, uid=1, raw=raw, seen=False, internal_date=timezone.now()
    )
    client = client_for(owner)
    assert client.get(message.thread.get_absolute_url()).status_code == 200
    assert client.get(reverse("mail:message-body", args=[message.pk])).status_code == 200
    assert client.get(reverse("mail:inbox")).status_code == 200


def test_koi8_r_subject_and_body():
    body = "Добрый день! Счёт во вложении.".encode("koi8_r")
    raw = (
        b"From: =?koi8-r?B?8MXU0s/XIO/MxcfHIA==?= <oleg@example.ru>\r\n"
        b"Subject: =?KOI8-R?B?896j1CDOwSDP0MzB1NU=?=\r\n"
        b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body
    )
    parsed = parse(raw)
    assert parsed.subject == "Счёт на оплату"
    assert parsed.text == "Добрый день! Счёт во вложении."


def test_windows_1251_without_a_declared_charset():
    raw = (
        b"From: client@example.ru\r\nSubject: \xc7\xe0\xea\xe0\xe7 \xf2\xf3\xf0\xe0\r\n\r\n"
        + "Прошу забронировать тур в Анталью.".encode("cp1251")
    )
    parsed = parse(raw)
    assert parsed.subject == "Заказ тура"
    assert parsed.text == "Прошу забронировать тур в Анталью."


def test_koi8_r_body_without_a_declared_charset():
    raw = b"From: client@example.ru\r\nSubject: x\r\n\r\n" + "Прошу счёт за путёвку".encode(
        "koi8_r"
    )
    assert parse(raw).text == "Прошу счёт за путёвку"


def test_an_unknown_charset_is_read_anyway():
    raw = (
        b"From: a@example.ru\r\nSubject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
        + "Привет".encode("cp1251")
    )
    assert parse(raw).text == "Привет"


def test_rubbish_is_a_letter_too():
    for raw in (b"", b"\x00\xff\xfe garbage", b"Content-Type: multipart/mixed\r\n\r\n--x\r\n"):
        parsed = parse(raw)
        assert parsed.message_id.startswith("<")


def test_a_huge_letter_is_cut_for_the_page_and_says_so():
    raw = b"From: a@example.com\r\nSubject: big\r\n\r\n" + b"a" * (MAX_BODY + 10)
    parsed = parse(raw)
    assert len(parsed.text) == MAX_BODY
    assert any("cut" in p for p in parsed.problems)


def test_a_date_from_nowhere_is_no_date():
    parsed = parse(b"From: a@example.com\r\nDate: 31 Feb 99999 99:99\r\n\r\nx")
    assert parsed.date is None


def test_words_beside_encoded_words_keep_their_spaces():
    from email.message import EmailMessage

    letter = EmailMessage()
    letter["Subject"] = "Корпоративный выезд на 30 человек в 2027 году"
    letter["From"] = "a@example.com"
    letter.set_content("x")
    assert parse(letter.as_bytes()).subject == "Корпоративный выезд на 30 человек в 2027 году"
