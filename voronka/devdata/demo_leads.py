"""The demo's leads: requests from the site's form, the KITF exhibition and the forum, in
every status; one converted into the company it turned out to be; the site's web form; new
leads given in turn within the outbound tourism team."""

from __future__ import annotations

import datetime

from voronka.accounts.models import Team, User
from voronka.contacts.models import Company
from voronka.contacts.services import company_create
from voronka.leads.models import (
    DisqualificationReason,
    Distribution,
    Lead,
    LeadStatus,
    WebForm,
)
from voronka.leads.services import lead_create, lead_set_status, settings_save, web_form_save
from voronka.merging.conversion import lead_convert, split_person
from voronka.sales.models import LeadSource, Pipeline

# person, company as typed, phone, e-mail, source, question, owner, hours ago, status
LEADS = [
    (
        "Айгерим Сапарова",
        "",
        "+7 701 412 55 10",
        "aigerim.s@mail.kz",
        "Сайт",
        "Хотим в Стамбул на майские, двое взрослых и ребёнок 7 лет. Сколько стоит?",
        "aliya",
        2,
        LeadStatus.NEW,
    ),
    (
        "Ерлан Мухамеджанов",
        "ТОО «Каспий Логистик»",
        "+7 727 390 12 45",
        "erlan@caspian-log.kz",
        "Выставка KITF",
        "Корпоративный выезд на 25 человек в Анталью, октябрь.",
        "daniyar",
        30,
        LeadStatus.NEW,
    ),
    (
        "Марина Ли",
        "",
        "+7 705 118 22 91",
        "marina.li@inbox.ru",
        "Форум",
        "Спрашивала на форуме про визу в Великобританию и школы английского в Лондоне.",
        "aliya",
        50,
        LeadStatus.IN_WORK,
    ),
    (
        "Тимур Абенов",
        "ТОО «Алатау Трейд»",
        "+7 727 250 11 22",
        "t.abenov@alatau-trade.kz",
        "Выставка KITF",
        "Нужен тур-бонус для лучших дилеров: 10 человек, Дубай, ноябрь.",
        "ruslan",
        72,
        LeadStatus.QUALIFIED,
    ),
    (
        "Купить дешево",
        "",
        "",
        "best-offer@spam.example",
        "Сайт",
        "Продвижение сайта в ТОП-10 за неделю!!!",
        "olga",
        120,
        LeadStatus.DISQUALIFIED,
    ),
    (
        "Динара Касымова",
        "АО «Степной ветер»",
        "+7 717 255 40 40",
        "d.kasymova@steppe-wind.kz",
        "Сайт",
        "Командировки в Шанхай для инженеров, 4 поездки в квартал.",
        "ruslan",
        200,
        "convert",
    ),
    (
        "Сергей Волков",
        "",
        "+7 777 560 33 21",
        "",
        "Форум",
        "Горящие туры в Египет на следующую неделю?",
        "daniyar",
        5,
        LeadStatus.IN_WORK,
    ),
]


def demo_leads(*, admin: User, users: dict[str, User], now: datetime.datetime) -> int:
    sources = {
        name: LeadSource.objects.get_or_create(name=name, defaults={"order": 50})[0]
        for name in ("Сайт", "Выставка KITF", "Форум")
    }
    settings_save(
        actor=admin,
        data={
            "distribution": Distribution.ROUND_ROBIN,
            "owner": users["gulnara"],
            "team": Team.objects.get(name="Выездной туризм"),
            "overdue_hours": 4,
        },
    )
    web_form_save(
        actor=admin,
        form=WebForm(
            name="Заявка на тур с сайта",
            title="Подберём тур за 15 минут",
            submit_label="Отправить заявку",
            thank_you="Спасибо! Менеджер перезвонит вам в течение часа в рабочее время.",
            fields=[
                {"name": "person_name", "label": "Как к вам обращаться", "required": True},
                {"name": "phone", "label": "Телефон", "required": True},
                {"name": "email", "label": "E-mail", "required": False},
                {"name": "question", "label": "Куда и когда хотите поехать", "required": False},
            ],
            allowed_hosts="voronka-travel.kz\nwww.voronka-travel.kz",
            source=sources["Сайт"],
        ),
    )
    spam = DisqualificationReason.objects.get_or_create(name="Спам")[0]
    pipeline = Pipeline.objects.filter(is_active=True).order_by("order", "id").first()
    for person, company, phone, email, source, question, owner, hours, status in LEADS:
        lead = lead_create(
            actor=admin,
            data={
                "person_name": person,
                "company_name": company,
                "phone": phone,
                "email": email,
                "source": sources[source],
                "question": question,
                "owner": users[owner],
                "requested_at": now - datetime.timedelta(hours=hours),
            },
        )
        if status == "convert":
            existing = Company.objects.filter(name=company).first()
            lead_convert(
                actor=admin,
                lead=lead,
                company=existing,
                company_data=None if existing else {"name": company},
                contact_data=dict(
                    zip(("last_name", "first_name"), split_person(person)[:2], strict=True)
                ),
                deal_data={"name": f"{company}: командировки в Шанхай", "pipeline": pipeline},
            )
            Lead.objects.filter(pk=lead.pk).update(
                converted_at=now - datetime.timedelta(hours=hours - 20),
                first_contact_at=now - datetime.timedelta(hours=hours - 1),
            )
        elif status == LeadStatus.DISQUALIFIED:
            lead_set_status(actor=admin, lead=lead, status=status, reason=spam)
        elif status != LeadStatus.NEW:
            lead_set_status(actor=admin, lead=lead, status=status)
            Lead.objects.filter(pk=lead.pk).update(
                first_contact_at=now - datetime.timedelta(hours=max(hours - 1, 0))
            )
    # A double someone typed in by hand: the duplicates page finds it (same phone and name).
    company_create(
        actor=admin,
        data={
            "name": "Алатау Трейд, ТОО",
            "is_customer": True,
            "city": "Алматы",
            "phones": ["+7 727 250 11 22"],
            "owner": users["olga"],
        },
        allow_duplicates=True,
    )
    return Lead.objects.count()
