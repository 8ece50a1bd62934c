"""Cases that arrive by themselves: a letter to support@ opens one and the replies stay in its
thread; a web form can open cases instead of leads."""

import pytest
from django.test import Client
from django.utils import timezone

from conftest import client_for
from tests.factories import MailboxFactory, WebFormFactory
from voronka.leads.models import Lead
from voronka.mail import store
from voronka.mail.models import Folder
from voronka.mail.tests.conftest import letter
from voronka.service import services
from voronka.service.models import Case, CaseStatus, Channel

pytestmark = pytest.mark.django_db


def _incoming(mailbox, uid=1, **kwargs):
    folder, _created = Folder.objects.get_or_create(
        mailbox=mailbox, name="INBOX", defaults={"uidvalidity": 1}
    )
    return store.store_fetched(
        mailbox, folder, uid=uid, raw=letter(**kwargs), seen=False, internal_date=timezone.now()
    )


def test_a_letter_to_support_opens_a_case_and_the_replies_stay_in_its_thread(
    admin_user, team, teammate
):
    support = MailboxFactory(
        owner=admin_user,
        email="support@voronka.test",
        is_shared=True,
        team=team,
        cases_from_letters=True,
    )
    first = _incoming(
        support,
        sender="buyer@example.org",
        sender_name="Ержан Сапаров",
        subject="Сломался чайник",
        body="Чайник не включается.",
        message_id="<a1@example.org>",
    )
    case = Case.objects.get()
    assert (case.subject, case.channel, case.client_email, case.team, case.owner) == (
        "Сломался чайник",
        Channel.EMAIL,
        "buyer@example.org",
        team,
        None,
    )
    assert "не включается" in case.description
    assert ("case", case.pk) in set(first.links.values_list("entity", "object_id"))

    # Taken and waiting for the client; the client's answer in the thread restarts the clock.
    case = services.case_take(actor=teammate, case=case)
    case = services.case_set_status(actor=teammate, case=case, status="waiting")
    reply = _incoming(
        support,
        uid=2,
        sender="buyer@example.org",
        subject="Re: Сломался чайник",
        body="Вот фото.",
        in_reply_to="<a1@example.org>",
    )
    assert Case.objects.count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_WORK and not case.pauses.filter(ended_at=None).exists()
    assert ("case", case.pk) in set(reply.links.values_list("entity", "object_id"))
    page = client_for(teammate).get(case.get_absolute_url()).content.decode()
    assert "Re: Сломался чайник" in page

    # A mailbox without the option opens nothing.
    quiet = MailboxFactory(owner=admin_user, email="info@voronka.test")
    _incoming(quiet, sender="other@example.org", subject="Вопрос")
    assert Case.objects.count() == 1


def test_a_web_form_can_open_cases_instead_of_leads(owner):
    web_form = WebFormFactory(
        owner=owner,
        opens_case=True,
        min_fill_seconds=0,
        fields=[
            {"name": "person_name", "label": "Имя", "required": True},
            {"name": "email", "label": "E-mail", "required": True},
            {"name": "question", "label": "Что случилось", "required": True},
        ],
    )
    client = Client()
    page = client.get(web_form.public_url()).content.decode()
    stamp = page.split('name="ts" value="')[1].split('"')[0]
    response = client.post(
        web_form.public_url(),
        {
            "person_name": "Анна",
            "email": "anna@example.org",
            "question": "Не пришёл заказ\nНомер 15",
            "ts": stamp,
        },
    )
    assert response.status_code == 200
    assert not Lead.objects.exists()
    case = Case.objects.get()
    assert (case.subject, case.owner, case.channel, case.client_email) == (
        "Не пришёл заказ",
        owner,
        Channel.WEB_FORM,
        "anna@example.org",
    )
