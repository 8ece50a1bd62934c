"""The demo's service: cases of every kind and state — a complaint resolved and rated, a
question waiting in the outbound team's queue, a request waiting for the client, a breached
complaint, thanks closed; the people around a corporate deal; a deputy for a holiday."""

from __future__ import annotations

import datetime

from django.utils import timezone

from voronka.accounts.models import Deputy, Team, User
from voronka.contacts.models import Company, Contact
from voronka.sales.models import Deal
from voronka.service import services
from voronka.service.models import Case

# subject, kind, priority, channel, company, owner (None: the team's queue), days ago, status,
# resolution, rating, product, description
CASES = [
    (
        "Рекламация: в отеле не было подтверждённого номера",
        "complaint",
        "high",
        "phone",
        "ТОО «Алатау Трейд»",
        "ruslan",
        12,
        "resolved",
        "Переселили в номер выше категории за счёт отеля, вернули разницу за первую ночь.",
        4,
        "Корпоративный тур в Анталью",
        "Группа из 12 человек прилетела в Анталью, отель не нашёл бронь на 3 номера.",
    ),
    (
        "Как получить закрывающие документы за сентябрь?",
        "question",
        "normal",
        "email",
        None,
        None,
        0,
        "new",
        "",
        None,
        "",
        "Бухгалтерия просит акт и счёт-фактуру за тур сотрудников в сентябре.",
    ),
    (
        "Перенести даты тура в Стамбул",
        "request",
        "normal",
        "phone",
        None,
        "aliya",
        2,
        "waiting",
        "",
        None,
        "Тур в Стамбул",
        "Клиент просит сдвинуть вылет на неделю; ждём от него копии новых паспортов.",
    ),
    (
        "Жалоба: трансфер из аэропорта опоздал на два часа",
        "complaint",
        "urgent",
        "email",
        "ТОО «Алатау Трейд»",
        "olga",
        5,
        "in_work",
        "",
        None,
        "Трансфер",
        "Водитель не встретил группу, ждали в аэропорту.",
    ),
    (
        "Спасибо за отличную организацию поездки в Лондон",
        "thanks",
        "low",
        "in_person",
        None,
        "daniyar",
        20,
        "closed",
        "Передали благодарность команде.",
        5,
        "Тур в Лондон",
        "",
    ),
]


def load_service(*, users: dict[str, User], teams: dict[str, Team], now: datetime.datetime) -> int:
    """Returns how many cases were made."""
    admin = users["admin"]
    for (
        subject, kind, priority, channel, company_name, owner, days, status, resolution,
        rating, product, description,
    ) in CASES:  # fmt: skip
        company = Company.objects.filter(name=company_name).first() if company_name else None
        data = {
            "subject": subject,
            "kind": kind,
            "priority": priority,
            "channel": channel,
            "company": company,
            "contact": Contact.objects.filter(company=company).first() if company else None,
            "product": product,
            "description": description,
            "opened_at": now - datetime.timedelta(days=days, hours=3),
            "team": teams["Выездной туризм"] if owner is None else None,
            "owner": users[owner] if owner else None,
        }
        if owner is None:
            data["client_name"] = "ТОО «Каспий Логистик», бухгалтерия"
            data["client_email"] = "buh@caspian-log.kz"
        case = services.case_create(actor=admin, data=data)
        actor = users[owner] if owner else admin
        if status in ("in_work", "waiting", "resolved", "closed"):
            case = services.case_set_status(actor=actor, case=case, status="in_work")
        if status == "waiting":
            case = services.case_set_status(actor=actor, case=case, status="waiting")
        if status in ("resolved", "closed"):
            case = services.case_set_status(
                actor=actor, case=case, status="resolved", resolution=resolution
            )
            if rating:
                services.rate(
                    rating=case.ratings.get(), score=rating, comment="Спасибо, всё решили."
                )
        if status == "closed":
            services.case_set_status(actor=actor, case=case, status="closed")
    services.check_deadlines(now=now)

    # The people around a corporate deal.
    deal = Deal.objects.filter(company__name="ТОО «Алатау Трейд»").order_by("pk").first()
    people = list(Contact.objects.filter(company=deal.company).order_by("pk")[:3]) if deal else []
    if deal is not None and people:
        roles = [
            ("decision_maker", "neutral"),
            ("technical", "champion"),
            ("gatekeeper", "supporter"),
        ]
        made = []
        for contact, (role, attitude) in zip(people, roles, strict=False):
            made.append(
                services.stakeholder_save(
                    actor=admin,
                    deal=deal,
                    contact=contact,
                    role=role,
                    attitude=attitude,
                    influences=made[:1],
                )
            )

    # Olga covers for Ruslan during his holiday next week.
    start = timezone.localdate() + datetime.timedelta(days=7)
    Deputy.objects.create(
        absent=users["ruslan"],
        deputy=users["olga"],
        starts_on=start,
        ends_on=start + datetime.timedelta(days=13),
    )
    return Case.objects.count()
