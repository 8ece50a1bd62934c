"""The Russian demo: the travel agency of seed 000 (hotels, tourists, tours as deals).

Loaded once by `manage.py load_demo` (which `make run` calls); a second run changes nothing.
Every record goes through the same services as the pages, so the demo is valid data.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from voronka.accounts.models import Role, Team, User
from voronka.activities.models import Activity, ActivityKind, Outcome, OutcomeKind
from voronka.activities.services import activity_create
from voronka.analytics import activity_months, classification, completeness
from voronka.contacts.models import Company, Contact
from voronka.contacts.services import company_create, contact_create
from voronka.core.validators import bin_is_valid
from voronka.devdata.demo_documents import load_documents
from voronka.devdata.demo_leads import demo_leads
from voronka.devdata.demo_mail import load_mail
from voronka.devdata.demo_sales import (
    configure_pipelines,
    date_the_stream,
    demo_plans,
    exchange_rates,
    give_deals_a_past,
    play_the_seed_deal,
    won_history,
)
from voronka.devdata.demo_service import load_service
from voronka.sales.defaults import STAGES as DEFAULT_STAGES
from voronka.sales.models import Deal, DealType, Direction, LeadSource, Pipeline, Stage, StageKind
from voronka.sales.services import deal_create

DEMO_TIMEZONE = "Asia/Almaty"


@dataclass
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None
    position: str


USERS = [
    DemoUser("admin", "Администратор", "", "admin", None, "Администратор CRM"),
    DemoUser(
        "gulnara", "Гульнара", "Сапарова", "head", "Отдел продаж", "Руководитель отдела продаж"
    ),
    DemoUser("aliya", "Алия", "Нурланова", "manager", "Выездной туризм", "Менеджер по туризму"),
    DemoUser("daniyar", "Данияр", "Ахметов", "manager", "Выездной туризм", "Менеджер по туризму"),
    DemoUser(
        "ruslan",
        "Руслан",
        "Бекетов",
        "manager",
        "Корпоративные клиенты",
        "Менеджер по работе с корпоративными клиентами",
    ),
    DemoUser(
        "olga",
        "Ольга",
        "Ким",
        "manager",
        "Корпоративные клиенты",
        "Менеджер по работе с корпоративными клиентами",
    ),
]

TOUR_STAGES = DEFAULT_STAGES  # the seed's stages, as in a new installation

CORPORATE_STAGES = [
    ("Квалификация", 10, StageKind.OPEN),
    ("Встреча и презентация", 30, StageKind.OPEN),
    ("Коммерческое предложение", 50, StageKind.OPEN),
    ("Договор на согласовании", 80, StageKind.OPEN),
    ("Оплачено", 100, StageKind.WON),
    ("Отказ", 0, StageKind.LOST),
]

LEAD_SOURCES = [
    "Форум",
    "Сайт",
    "Реклама в журнале",
    "Рекомендация",
    "Выставка",
    "Холодный звонок",
    "Повторное обращение",
]

# name, kinds, industry, region, city, address, phones, emails, website, owner
HOTELS = [
    (
        "ADAM & EVE HOTELS",
        "Анталья",
        "Белек",
        "Iskele Mevkii, Belek, Antalya, Türkiye",
        ["+90 242 710 04 00"],
        ["reservation@adamandeve.com.tr"],
        "https://www.adamevehotels.com",
        "aliya",
    ),
    (
        "St. Christopher's Inn-Village",
        "Лондон",
        "Лондон",
        "161-165 Borough High St, London SE1 1HR",
        ["+44 20 7939 9710"],
        ["village@st-christophers.co.uk"],
        "https://www.st-christophers.co.uk",
        "aliya",
    ),
    (
        "EMIR BEACH HOTEL",
        "Анталья",
        "Кемер",
        "Kiriş Mah., Kemer, Antalya, Türkiye",
        ["+90 242 824 60 00"],
        ["info@emirbeach.com"],
        "",
        "daniyar",
    ),
    (
        "Hotel in Hernals",
        "Вена",
        "Вена",
        "Hernalser Hauptstraße 160, 1170 Wien",
        ["+43 1 486 17 91"],
        ["office@hotel-hernals.at"],
        "",
        "daniyar",
    ),
    (
        "Royal Ascot Inn",
        "Беркшир",
        "Аскот",
        "High Street, Ascot SL5 7HZ",
        ["+44 1344 622 888"],
        ["stay@royalascotinn.co.uk"],
        "",
        "aliya",
    ),
    (
        "Hotel Arts Barcelona",
        "Каталония",
        "Барселона",
        "Carrer de la Marina 19-21, 08005 Barcelona",
        ["+34 932 21 10 00"],
        ["reservations@hotelartsbarcelona.com"],
        "https://www.hotelartsbarcelona.com",
        "daniyar",
    ),
    (
        "Copacabana Palace",
        "Рио-де-Жанейро",
        "Рио-де-Жанейро",
        "Av. Atlântica 1702, Rio de Janeiro",
        ["+55 21 2548 7070"],
        ["reservas@copacabanapalace.com.br"],
        "",
        "aliya",
    ),
    (
        "Hilton Makkah Convention Hotel",
        "Мекка",
        "Мекка",
        "Ibrahim Al Khalil St, Makkah",
        ["+966 12 534 0000"],
        ["makkah.info@hilton.com"],
        "",
        "daniyar",
    ),
    (
        "Sanya Bay Resort",
        "Хайнань",
        "Санья",
        "Sanya Bay Road, Sanya, Hainan",
        ["+86 898 8888 6666"],
        ["booking@sanyabayresort.cn"],
        "",
        "aliya",
    ),
]

# name, kinds, industry, city, address, phone, email, owner
CUSTOMERS = [
    (
        "ТОО «Алатау Трейд»",
        ["customer"],
        "Оптовая торговля",
        "Алматы",
        "пр. Абая, 52, офис 301",
        "+7 727 250 11 22",
        "office@alatau-trade.kz",
        "ruslan",
    ),
    (
        "ТОО «Muratec Kazakhstan»",
        ["customer"],
        "Оргтехника",
        "Алматы",
        "ул. Толе би, 101",
        "+7 727 333 45 67",
        "info@muratec.kz",
        "ruslan",
    ),
    (
        "АО «Степной ветер»",
        ["customer"],
        "Энергетика",
        "Астана",
        "пр. Кабанбай батыра, 15",
        "+7 7172 55 66 77",
        "hr@stepveter.kz",
        "olga",
    ),
    (
        "ТОО «Каспий Логистик»",
        ["customer"],
        "Логистика",
        "Актау",
        "мкр. 14, здание 3",
        "+7 7292 30 40 50",
        "travel@kaspiylog.kz",
        "olga",
    ),
    (
        "ТОО «Медицинский центр Шипагер»",
        ["customer"],
        "Медицина",
        "Алматы",
        "ул. Жандосова, 8",
        "+7 727 390 90 90",
        "admin@shipager.kz",
        "ruslan",
    ),
    (
        "ТОО «Эйр Тревел Консолидатор»",
        ["partner", "supplier"],
        "Авиабилеты",
        "Алматы",
        "ул. Фурманова, 65",
        "+7 727 244 00 44",
        "agents@airtravel.kz",
        "gulnara",
    ),
    (
        "СК «Номад Иншуранс»",
        ["partner"],
        "Страхование",
        "Алматы",
        "пр. Достык, 188",
        "+7 727 312 22 33",
        "travel@nomad-ins.kz",
        "gulnara",
    ),
    (
        "ТОО «Турсервис Азия»",
        ["competitor"],
        "Туризм",
        "Алматы",
        "ул. Богенбай батыра, 140",
        "+7 727 279 79 79",
        "info@tourservice-asia.kz",
        "gulnara",
    ),
]

# last, first, middle, company (name or None), position, phone, email, birthday (m, d), owner, notes
CONTACTS = [
    (
        "Турсынхан",
        "Болат",
        "Ерланович",
        None,
        "",
        "+7 701 555 12 34",
        "bolat.tursynkhan@mail.kz",
        (3, 14),
        "aliya",
        "Путешествует с семьёй: жена и двое детей (8 и 12 лет). Предпочитает отели 4–5* у моря.",
    ),
    (
        "Сейткали",
        "Алия",
        "Маратовна",
        None,
        "",
        "+7 777 210 45 67",
        "aliya.seitkali@gmail.com",
        (7, 2),
        "aliya",
        "Любит экскурсионные туры по Европе, не летает ночными рейсами.",
    ),
    (
        "Байжанов",
        "Руслан",
        "Кайратович",
        None,
        "",
        "+7 705 123 98 76",
        "ruslan.b@inbox.kz",
        (11, 29),
        "daniyar",
        "Ездит в Лондон по делам два раза в год, останавливается рядом с Кингс-Кросс.",
    ),
    (
        "Жумабаева",
        "Динара",
        "Сериковна",
        None,
        "",
        "+7 702 456 78 90",
        "dinara.zh@mail.ru",
        (1, 23),
        "daniyar",
        "Паломничество в Мекку с родителями.",
    ),
    (
        "Ким",
        "Виктор",
        "Анатольевич",
        None,
        "",
        "+7 771 300 20 10",
        "v.kim@yandex.kz",
        (5, 9),
        "aliya",
        "",
    ),
    (
        "Jensen",
        "Max",
        "",
        "Hotel in Hernals",
        "Reservations manager",
        "+43 1 486 17 92",
        "max.jensen@hotel-hernals.at",
        None,
        "daniyar",
        "Даёт скидку 10% при бронировании от 5 ночей.",
    ),
    (
        "Collins",
        "Sarah",
        "",
        "St. Christopher's Inn-Village",
        "Group bookings",
        "+44 20 7939 9711",
        "groups@st-christophers.co.uk",
        None,
        "aliya",
        "",
    ),
    (
        "Yılmaz",
        "Mehmet",
        "",
        "ADAM & EVE HOTELS",
        "Sales manager CIS",
        "+90 532 400 12 12",
        "mehmet.yilmaz@adamandeve.com.tr",
        None,
        "aliya",
        "Говорит по-русски. Присылает прайс на сезон в феврале.",
    ),
    (
        "Демир",
        "Айше",
        "",
        "EMIR BEACH HOTEL",
        "Менеджер по продажам",
        "+90 532 611 22 33",
        "ayse@emirbeach.com",
        None,
        "daniyar",
        "",
    ),
    (
        "Иванов",
        "Сергей",
        "Петрович",
        "ТОО «Алатау Трейд»",
        "Директор",
        "+7 701 711 11 11",
        "s.ivanov@alatau-trade.kz",
        (9, 1),
        "ruslan",
        "Решения о поездках принимает сам; секретарь — Ирина.",
    ),
    (
        "Иванова",
        "Ирина",
        "Викторовна",
        "ТОО «Алатау Трейд»",
        "Офис-менеджер",
        "+7 701 711 11 12",
        "office@alatau-trade.kz",
        (2, 17),
        "ruslan",
        "",
    ),
    (
        "Ахметжанов",
        "Ерлан",
        "Бауржанович",
        "ТОО «Muratec Kazakhstan»",
        "Коммерческий директор",
        "+7 707 800 90 10",
        "e.akhmetzhanov@muratec.kz",
        (6, 30),
        "ruslan",
        "Инсентив-туры для дилеров раз в год.",
    ),
    (
        "Петрова",
        "Наталья",
        "Игоревна",
        "АО «Степной ветер»",
        "HR-директор",
        "+7 701 900 80 70",
        "n.petrova@stepveter.kz",
        (12, 5),
        "olga",
        "Корпоративный отдых сотрудников, 40–60 человек.",
    ),
    (
        "Смагулов",
        "Арман",
        "Толеуович",
        "АО «Степной ветер»",
        "Финансовый директор",
        "+7 701 900 80 71",
        "a.smagulov@stepveter.kz",
        (4, 11),
        "olga",
        "",
    ),
    (
        "Оспанова",
        "Гаухар",
        "Нурлановна",
        "ТОО «Каспий Логистик»",
        "Помощник руководителя",
        "+7 778 120 30 40",
        "g.ospanova@kaspiylog.kz",
        (8, 19),
        "olga",
        "Командировки в Дубай и Стамбул.",
    ),
    (
        "Садыков",
        "Тимур",
        "Маратович",
        "ТОО «Медицинский центр Шипагер»",
        "Главный врач",
        "+7 701 222 33 44",
        "t.sadykov@shipager.kz",
        (10, 3),
        "ruslan",
        "Конференции в Вене и Барселоне.",
    ),
    (
        "Лим",
        "Елена",
        "Сергеевна",
        "ТОО «Эйр Тревел Консолидатор»",
        "Менеджер по работе с агентствами",
        "+7 701 444 55 66",
        "e.lim@airtravel.kz",
        None,
        "gulnara",
        "",
    ),
    (
        "Бекова",
        "Сауле",
        "Кабдуловна",
        "СК «Номад Иншуранс»",
        "Руководитель направления",
        "+7 701 666 77 88",
        "s.bekova@nomad-ins.kz",
        None,
        "gulnara",
        "",
    ),
]

DESTINATIONS = [
    ("Лондон", "St. Christopher's Inn-Village", "USD"),
    ("Аскот", "Royal Ascot Inn", "USD"),
    ("Барселона", "Hotel Arts Barcelona", "EUR"),
    ("Анталья", "ADAM & EVE HOTELS", "USD"),
    ("Кемер", "EMIR BEACH HOTEL", "USD"),
    ("Вена", "Hotel in Hernals", "EUR"),
    ("Рио-де-Жанейро", "Copacabana Palace", "USD"),
    ("Мекка", "Hilton Makkah Convention Hotel", "USD"),
    ("Хайнань", "Sanya Bay Resort", "USD"),
]

TOURISTS = ["Турсынхан", "Сейткали", "Байжанов", "Жумабаева", "Ким"]


def valid_bin(rng: random.Random) -> str:
    """A БИН with a correct check digit (for demo companies)."""
    while True:
        body = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}4{rng.randint(0, 9_999_999):07d}"
        for check in range(10):
            candidate = body[:11] + str(check)
            if bin_is_valid(candidate):
                return candidate


def _deal_name(day: datetime.date, city: str) -> str:
    week = (day.day - 1) // 7 + 1
    return f"{day.year}/{day.month:02d}/{week}/{city}"


def is_loaded() -> bool:
    return User.objects.filter(username="admin").exists()


@transaction.atomic
def load(*, stdout=None) -> dict[str, int]:
    """Create the demo; returns how many records of each kind were made."""
    rng = random.Random(691)  # the seed's number: the same demo every time
    today = timezone.localdate()
    now = timezone.now()

    teams = {}
    head_team = Team.objects.create(name="Отдел продаж")
    teams["Отдел продаж"] = head_team
    for name in ("Выездной туризм", "Корпоративные клиенты"):
        teams[name] = Team.objects.create(name=name, parent=head_team)

    roles = {role.code: role for role in Role.objects.all()}
    users: dict[str, User] = {}
    for spec in USERS:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@voronka.demo",
            role=roles[spec.role],
            team=teams.get(spec.team) if spec.team else None,
            position=spec.position,
            language="ru",
            timezone=DEMO_TIMEZONE,
            is_staff=spec.role == "admin",
            is_superuser=spec.role == "admin",
        )
        # Demo passwords equal the login; load_demo refuses to run outside DEBUG.
        user.set_password(spec.username)
        user.save()
        users[spec.username] = user
    admin = users["admin"]

    tours = Pipeline.objects.filter(name="Продажи").first()
    if tours is not None and not tours.deals.exists():
        tours.name = "Туры"
        tours.save(update_fields=["name"])
        tours.stages.all().delete()
    else:
        tours = Pipeline.objects.create(name="Туры", order=1)
    for order, (name, probability, kind) in enumerate(TOUR_STAGES, start=1):
        Stage.objects.create(
            pipeline=tours, name=name, probability=probability, kind=kind, order=order
        )
    corporate = Pipeline.objects.create(name="Корпоративные клиенты", order=2)
    for order, (name, probability, kind) in enumerate(CORPORATE_STAGES, start=1):
        Stage.objects.create(
            pipeline=corporate, name=name, probability=probability, kind=kind, order=order
        )
    sources = {}
    for order, name in enumerate(LEAD_SOURCES, start=1):
        sources[name] = LeadSource.objects.get_or_create(name=name, defaults={"order": order})[0]

    directions = {
        name: Direction.objects.get_or_create(name=name, defaults={"order": order})[0]
        for order, name in enumerate(
            [*dict.fromkeys(city for city, _h, _c in DESTINATIONS), "Корпоративные туры"], start=1
        )
    }

    companies: dict[str, Company] = {}
    for name, region, city, address, phones, emails, website, owner in HOTELS:
        companies[name] = company_create(
            actor=admin,
            data=dict(
                name=name,
                is_supplier=True,
                industry="Гостиница",
                region=region,
                city=city,
                address=address,
                phones=phones,
                emails=emails,
                website=website,
                owner=users[owner],
                description="Отель-партнёр: прайс-листы по сезонам.",
            ),
        )
    for name, kinds, industry, city, address, phone, email, owner in CUSTOMERS:
        companies[name] = company_create(
            actor=admin,
            data=dict(
                name=name,
                industry=industry,
                region="Казахстан",
                city=city,
                address=address,
                phones=[phone],
                emails=[email],
                bin=valid_bin(rng),
                owner=users[owner],
                **{f"is_{kind}": True for kind in kinds},
            ),
        )

    contacts: dict[str, Contact] = {}
    for last, first, middle, company, position, phone, email, birthday, owner, notes in CONTACTS:
        contacts[last] = contact_create(
            actor=admin,
            data=dict(
                last_name=last,
                first_name=first,
                middle_name=middle,
                company=companies.get(company) if company else None,
                position=position,
                phones=[phone],
                emails=[email],
                birthday=datetime.date(rng.randint(1965, 1995), *birthday) if birthday else None,
                owner=users[owner],
                notes=notes,
                mailing_consent=rng.random() < 0.6,
            ),
        )

    tour_stages = list(tours.stages.order_by("order"))
    corporate_stages = list(corporate.stages.order_by("order"))
    deals: list[Deal] = []
    managers = ["aliya", "daniyar"]
    for index in range(36):
        city, hotel, currency = DESTINATIONS[index % len(DESTINATIONS)]
        offset = rng.randint(-120, 90)
        start = today + datetime.timedelta(days=offset + 20)
        if offset < -20:
            stage = tour_stages[3] if rng.random() < 0.75 else tour_stages[4]
        else:
            stage = rng.choice(tour_stages[:3])
        tourist = contacts[TOURISTS[index % len(TOURISTS)]]
        adults = rng.randint(1, 4)
        amount = Decimal(rng.choice([1000, 1500, 2000, 2500, 3000, 4500, 5000, 7000, 9000, 10000]))
        if currency == "KZT":
            amount *= 450
        deal = deal_create(
            actor=admin,
            data=dict(
                name=_deal_name(start, city),
                company=companies[hotel],
                contact=tourist,
                stage=stage,
                amount=amount,
                currency=currency,
                expected_close_date=today + datetime.timedelta(days=offset),
                type=DealType.EXISTING if index % 3 == 0 else DealType.NEW,
                lead_source=sources[LEAD_SOURCES[index % len(LEAD_SOURCES)]],
                direction=directions[city],
                quantity=Decimal(adults),
                owner=users[managers[index % 2]],
                next_step=""
                if stage.is_closed
                else rng.choice(
                    [
                        "Отправить подборку отелей",
                        "Выставить счёт",
                        "Получить копии паспортов",
                        "Забронировать билеты",
                    ]
                ),
                description=f"Количество взрослых: {adults}\nОтель: {hotel}",
            ),
        )
        deals.append(deal)
    corporate_customers = [
        ("ТОО «Алатау Трейд»", "Иванов", "ruslan", "Инсентив-тур для лучших продавцов, Дубай"),
        ("ТОО «Muratec Kazakhstan»", "Ахметжанов", "ruslan", "Дилерская конференция, Анталья"),
        ("АО «Степной ветер»", "Петрова", "olga", "Корпоративный отдых, Боровое"),
        ("ТОО «Каспий Логистик»", "Оспанова", "olga", "Командировки на год, Дубай и Стамбул"),
        ("ТОО «Медицинский центр Шипагер»", "Садыков", "ruslan", "Конгресс кардиологов, Вена"),
    ]
    for index, (company, contact, owner, subject) in enumerate(corporate_customers * 2):
        offset = rng.randint(-150, 120)
        stage = (
            rng.choice(corporate_stages[4:]) if offset < -30 else rng.choice(corporate_stages[:4])
        )
        deals.append(
            deal_create(
                actor=admin,
                data=dict(
                    name=f"{subject} — {today.year + (1 if index >= 5 else 0)}",
                    company=companies[company],
                    contact=contacts[contact],
                    stage=stage,
                    amount=Decimal(rng.choice([4_500_000, 9_000_000, 13_500_000, 22_000_000])),
                    currency="KZT",
                    expected_close_date=today + datetime.timedelta(days=offset),
                    type=DealType.EXISTING if index >= 5 else DealType.NEW,
                    lead_source=sources[
                        rng.choice(["Рекомендация", "Выставка", "Холодный звонок"])
                    ],
                    direction=directions["Корпоративные туры"],
                    owner=users[owner],
                ),
            )
        )
    for deal in deals:
        created = now - datetime.timedelta(days=rng.randint(20, 200))
        Deal.objects.filter(pk=deal.pk).update(created_at=created)
    for model in (Company, Contact):
        for pk in model.objects.values_list("pk", flat=True):
            created = now - datetime.timedelta(
                days=rng.randint(200, 900), minutes=rng.randint(0, 600)
            )
            model.objects.filter(pk=pk).update(created_at=created)

    activity_count = 0
    zone = zoneinfo.ZoneInfo(DEMO_TIMEZONE)
    subjects = {
        ActivityKind.CALL: [
            "Уточнить даты поездки",
            "Согласовать отель",
            "Напомнить об оплате",
            "Узнать впечатления о туре",
        ],
        ActivityKind.MEETING: [
            "Встреча в офисе: выбор тура",
            "Подписание договора",
            "Презентация программы",
        ],
        ActivityKind.TASK: [
            "Выставить счёт",
            "Забронировать номер",
            "Отправить ваучеры",
            "Оформить страховку",
        ],
        ActivityKind.NOTE: [
            "Клиент просит номер с видом на море",
            "Нужен трансфер из аэропорта ночью",
        ],
    }
    # Calls and meetings done with an outcome, mostly a good one: the scorecard's
    # effectiveness has something to count.
    outcomes = {outcome.kind: outcome for outcome in Outcome.objects.filter(is_active=True)}
    good_and_bad = [
        outcomes.get(kind)
        for kind in (
            OutcomeKind.SUCCESS,
            OutcomeKind.SUCCESS,
            OutcomeKind.MATERIALS,
            OutcomeKind.SALE,
            OutcomeKind.REFUSED,
            OutcomeKind.POSTPONED,
        )
    ]
    for deal in deals:
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(list(subjects))
            day = timezone.localtime(now, timezone=zone) + datetime.timedelta(
                days=rng.randint(-40, 20)
            )
            due = day.replace(
                hour=rng.randint(9, 18), minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0
            )
            done = due < now and rng.random() < 0.8
            outcome = (
                rng.choice(good_and_bad)
                if done and kind in (ActivityKind.CALL, ActivityKind.MEETING)
                else None
            )
            activity = activity_create(
                actor=admin,
                data=dict(
                    kind=kind,
                    subject=rng.choice(subjects[kind]),
                    due_at=due,
                    done=done,
                    outcome=outcome,
                    deal=deal,
                    contact=deal.contact,
                    company=deal.company,
                    owner=deal.owner,
                ),
            )
            if done:  # done when it was due, not when the demo was loaded
                Activity.objects.filter(pk=activity.pk).update(done_at=due)
            activity_count += 1
    # Every manager starts the day with something to do: a call and a meeting today.
    local_now = timezone.localtime(now, timezone=zone)
    for username in ("aliya", "daniyar", "ruslan", "olga", "admin"):
        user = users[username]
        own_deals = [d for d in deals if d.owner_id == user.pk and not d.stage.is_closed] or deals[
            :3
        ]
        for kind, hour, subject in (
            (ActivityKind.CALL, 10, "Перезвонить по туру"),
            (ActivityKind.MEETING, 13, "Встреча с клиентом в офисе"),
            (ActivityKind.TASK, 15, "Подготовить коммерческое предложение"),
        ):
            deal = rng.choice(own_deals)
            activity_create(
                actor=admin,
                data=dict(
                    kind=kind,
                    subject=subject,
                    owner=user,
                    deal=deal,
                    contact=deal.contact,
                    company=deal.company,
                    due_at=local_now.replace(hour=hour, minute=0, second=0, microsecond=0),
                ),
            )
            activity_count += 1

    won_history(
        actor=admin,
        companies=companies,
        contacts=[contacts[name] for name in TOURISTS],
        managers=[users[name] for name in managers],
        tours=tours,
        corporate=corporate,
        directions=directions,
        destinations=DESTINATIONS,
        rng=rng,
        now=now,
    )
    demo_plans(
        managers=[users[name] for name in managers],
        team=users[managers[0]].team,
        directions=directions,
        today=today,
    )
    configure_pipelines(tours, corporate)
    give_deals_a_past(deals, rng=rng, now=now)
    date_the_stream([Company, Contact])
    exchange_rates(rng=rng, today=today, days=760)
    play_the_seed_deal(
        manager=users["aliya"],
        company=companies["St. Christopher's Inn-Village"],
        contact=contacts["Байжанов"],
        now=now,
    )
    client = companies["ТОО «Алатау Трейд»"]
    documents = load_documents(
        admin=admin,
        manager=users["ruslan"],
        hotel=companies["ADAM & EVE HOTELS"],
        client=client,
        contact=Contact.objects.filter(company=client).first(),
        today=today,
        valid_bin=valid_bin(rng),
    )

    leads = demo_leads(admin=admin, users=users, now=now)
    letters = load_mail(users=users, contacts=contacts, now=now)
    cases = load_service(users=users, teams=teams, now=now)

    # What the nightly job computes, at once: a fresh demo opens with its customers
    # classified (ABC/XYZ, relationship stages), the managers' data completeness and the
    # past months' activities summed for the scorecard, not with empty reports until 01:30.
    classification.recompute(day=today, actor=admin)
    completeness.count(day=today)
    activity_months.rebuild(today=today)

    return {
        "users": len(users),
        "leads": leads,
        "companies": Company.objects.count(),
        "contacts": Contact.objects.count(),
        "deals": Deal.objects.count(),
        "activities": Activity.objects.count(),
        "letters": letters,
        "documents": documents,
        "cases": cases,
    }
