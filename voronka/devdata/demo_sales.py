"""The sales side of the demo: the agency's rules of the pipeline, a believable past for its
deals (stage history, closing dates, stream), exchange rates, and the seed's own deal played
through the services step by step, so its history reads as in the seed's screenshot."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from voronka.accounts.models import User
from voronka.analytics.models import PlanPeriod, SalesPlan
from voronka.audit.models import HistoryEntry, StreamEvent, Verb
from voronka.contacts.models import Company, Contact
from voronka.core import dates
from voronka.core.models import ExchangeRate
from voronka.sales.models import (
    Deal,
    LostReason,
    Pipeline,
    StageChange,
    StageChecklistItem,
    StageKind,
)
from voronka.sales.services import deal_create, deal_move_stage, deal_set_tick, deal_update

LOST_REASONS = [
    "Дорого",
    "Выбрал другое агентство",
    "Отложил поездку",
    "Не получил визу",
    "Нет мест в отеле",
    "Не выходит на связь",
]

WON_TOURS = "Закрыто с успехом / Отсутствие претензий Клиента"

# Stage name → colour, required fields, checklist, playbook ("книга корпоративных продаж").
TOUR_RULES = {
    "Разведка": (
        "#8aa4c8",
        [],
        [],
        "Выясните, куда и когда клиент хочет поехать, сколько взрослых и детей, бюджет и "
        "пожелания к отелю.\n«Добрый день! Меня зовут …, турагентство «Эпл Тур». Подскажите, "
        "куда и когда вы планируете поездку?»\nВ тот же день пришлите 2–3 варианта.",
    ),
    "Ком. предложение / Выставление счета": (
        "#5b8def",
        ["contact", "amount"],
        [],
        "Отправьте подборку из трёх отелей с ценами и условиями отмены и выставьте счёт на "
        "предоплату 30%.\nЧерез день перезвоните: «Удалось посмотреть варианты? Что "
        "понравилось больше?»",
    ),
    "Сборка заказа / Счет не оплачен": (
        "#f0a500",
        ["expected_close_date"],
        ["Счёт выставлен", "Получены копии паспортов"],
        "Забронируйте отель и перелёт, оформите страховку.\nЗа три дня до срока оплаты "
        "напомните о счёте.",
    ),
    WON_TOURS: (
        "#2e9d5b",
        [],
        ["Оплата получена"],
        "Отправьте ваучеры и билеты, организуйте трансфер.\nПосле возвращения позвоните и "
        "узнайте впечатления о поездке.",
    ),
    "Закрыто с потерей": ("#c0504d", [], [], ""),
}

CORPORATE_RULES = {
    "Коммерческое предложение": ("#5b8def", ["contact", "amount"], [], ""),
    "Договор на согласовании": ("#f0a500", [], ["Договор согласован юристом"], ""),
}

# KZT for one unit, around late 2026; the demo walks them a little day by day.
DEMO_RATES = {
    "USD": Decimal("505.20"),
    "EUR": Decimal("588.40"),
    "RUB": Decimal("6.41"),
    "GBP": Decimal("679.90"),
    "CNY": Decimal("70.95"),
    "TRY": Decimal("12.48"),
    "AED": Decimal("137.55"),
}


def configure_pipelines(tours: Pipeline, corporate: Pipeline) -> None:
    """The agency's rules. Set after the demo deals exist: they are history, made before."""
    for name in LOST_REASONS:
        LostReason.objects.get_or_create(name=name, defaults={"order": LOST_REASONS.index(name)})
    for pipeline, rules in ((tours, TOUR_RULES), (corporate, CORPORATE_RULES)):
        for stage in pipeline.stages.all():
            if stage.name == "Закрыто с успехом" and pipeline == tours:
                stage.name = WON_TOURS
            if stage.name not in rules:
                continue
            color, required, checklist, playbook = rules[stage.name]
            stage.color, stage.required_fields, stage.playbook = color, required, playbook
            stage.save()
            for order, text in enumerate(checklist, start=1):
                StageChecklistItem.objects.create(stage=stage, text=text, order=order)
    tours.strict_order = True
    tours.save(update_fields=["strict_order"])


def give_deals_a_past(deals: list[Deal], *, rng: random.Random, now: datetime.datetime) -> None:
    """Stage histories from the first stage to the current one, closing dates, days in
    stage, and stream events dated when they happened."""
    StageChange.objects.filter(deal__in=deals).delete()
    StreamEvent.objects.filter(entity="deal", object_id__in=[d.pk for d in deals]).delete()
    reasons = list(LostReason.objects.all())
    changes, events = [], []
    for deal in deals:
        deal.refresh_from_db()
        stages = list(deal.pipeline.stages.order_by("order", "id"))
        opens = [s for s in stages if s.kind == StageKind.OPEN]
        if deal.stage.kind == StageKind.OPEN:
            path = opens[: opens.index(deal.stage) + 1]
        else:
            path = [*opens[: rng.randint(1, len(opens))], deal.stage]
        end = (
            now
            if deal.stage.kind == StageKind.OPEN
            else now - datetime.timedelta(days=rng.randint(1, 60))
        )
        end = max(end, deal.created_at + datetime.timedelta(hours=len(path)))
        step = (end - deal.created_at) / len(path)
        moment, previous = deal.created_at, None
        for stage in path:
            changes.append(
                StageChange(
                    deal=deal,
                    from_stage=previous,
                    to_stage=stage,
                    actor=deal.owner,
                    changed_at=moment,
                    stay_seconds=int(step.total_seconds()) if previous else None,
                )
            )
            previous, last_moved = stage, moment
            moment += step
        fields = {"stage_entered_at": last_moved}
        if deal.stage.kind != StageKind.OPEN:
            fields["closed_at"] = last_moved
        if deal.stage.kind == StageKind.LOST:
            fields["lost_reason"] = rng.choice(reasons)
        Deal.objects.filter(pk=deal.pk).update(**fields)
        common = dict(
            actor=deal.owner,
            entity="deal",
            object_id=deal.pk,
            label=deal.name,
            owner=deal.owner,
            company_id=deal.company_id,
            company_label=deal.company.name if deal.company else "",
            amount=deal.amount,
            currency=deal.currency,
        )
        events.append(StreamEvent(verb=Verb.CREATED, created_at=deal.created_at, **common))
        if deal.stage.kind == StageKind.WON:
            events.append(StreamEvent(verb=Verb.WON, created_at=last_moved, **common))
        elif deal.stage.kind == StageKind.LOST:
            events.append(
                StreamEvent(
                    verb=Verb.LOST,
                    created_at=last_moved,
                    data={"reason": fields["lost_reason"].name},
                    **common,
                )
            )
    StageChange.objects.bulk_create(changes)
    StreamEvent.objects.bulk_create(events)


def date_the_stream(models_: list) -> None:
    """Creation events of demo companies and contacts happened when the records were made."""
    for model in models_:
        for pk, created in model.objects.values_list("pk", "created_at"):
            StreamEvent.objects.filter(
                entity=model.access_entity, object_id=pk, verb=Verb.CREATED
            ).update(created_at=created)


def exchange_rates(*, rng: random.Random, today: datetime.date, days: int = 60) -> None:
    rows = []
    for code, rate in DEMO_RATES.items():
        for back in range(days, -1, -1):
            rate *= Decimal(1) + Decimal(rng.uniform(-0.004, 0.004)).quantize(Decimal("0.0001"))
            day = today - datetime.timedelta(days=back)
            rows.append(
                ExchangeRate(currency=code, date=day, rate=rate.quantize(Decimal("0.0001")))
            )
    ExchangeRate.objects.bulk_create(rows, ignore_conflicts=True)


def play_the_seed_deal(
    *, manager: User, company: Company, contact: Contact, now: datetime.datetime
) -> Deal:
    """The seed's deal, step by step through the services: created at «Разведка» with
    1,000.00, moved to the offer with 3,000.00, to «Сборка заказа», and closed won."""
    tours = Pipeline.objects.get(name="Туры")
    stages = {s.name: s for s in tours.stages.all()}
    start = now - datetime.timedelta(days=26)
    deal = deal_create(
        actor=manager,
        data=dict(
            name=f"{start.year}/{start.month:02d}/2/Лондон",
            company=company,
            contact=contact,
            stage=stages["Разведка"],
            amount=Decimal("1000.00"),
            currency="USD",
            expected_close_date=start.date() + datetime.timedelta(days=1),
            description="Количество взрослых: 1\nКомментарии: рядом со станцией метро Кингс-Кросс",
        ),
    )
    deal = deal_update(
        actor=manager,
        deal=deal,
        version=deal.version,
        data={
            "stage": stages["Ком. предложение / Выставление счета"],
            "amount": Decimal("3000.00"),
        },
    )
    for item in stages["Сборка заказа / Счет не оплачен"].checklist.all():
        deal_set_tick(actor=manager, deal=deal, item=item, ticked=True)
    deal = deal_move_stage(
        actor=manager, deal=deal, stage=stages["Сборка заказа / Счет не оплачен"]
    )
    for item in stages[WON_TOURS].checklist.all():
        deal_set_tick(actor=manager, deal=deal, item=item, ticked=True)
    deal = deal_move_stage(actor=manager, deal=deal, stage=stages[WON_TOURS])
    # The seed's times: 09:09, 09:13 and 09:15 of one morning, three weeks and some ago.
    zone = zoneinfo.ZoneInfo(manager.timezone)
    morning = timezone.localtime(start, zone).replace(hour=9, minute=0, second=0, microsecond=0)
    entries = list(
        HistoryEntry.objects.filter(entity="deal", object_id=deal.pk).order_by("changed_at")
    )
    edits = dict.fromkeys(e.batch for e in entries if e.field != "checklist")
    minute_of = dict(zip(edits, (9, 13, 15), strict=False))
    # Our journal also keeps the checklist ticks: each a minute before the move it allowed.
    following = 15
    for entry in reversed(entries):
        if entry.field == "checklist":
            minute_of[entry.batch] = following - 1
        else:
            following = minute_of[entry.batch]
    for batch, minute in minute_of.items():
        HistoryEntry.objects.filter(batch=batch).update(
            changed_at=morning + datetime.timedelta(minutes=minute)
        )
    moves = list(StageChange.objects.filter(deal=deal).order_by("changed_at", "id"))
    for change, minute in zip(moves, (0, 9, 13, 15), strict=False):
        StageChange.objects.filter(pk=change.pk).update(
            changed_at=morning + datetime.timedelta(minutes=minute)
        )
    closed = morning + datetime.timedelta(minutes=15)
    Deal.objects.filter(pk=deal.pk).update(
        created_at=morning, closed_at=closed, stage_entered_at=closed
    )
    StreamEvent.objects.filter(entity="deal", object_id=deal.pk, verb=Verb.WON).update(
        created_at=closed
    )
    StreamEvent.objects.filter(entity="deal", object_id=deal.pk, verb=Verb.CREATED).update(
        created_at=morning
    )
    StreamEvent.objects.filter(entity="deal", object_id=deal.pk, verb=Verb.AMOUNT_CHANGED).update(
        created_at=morning + datetime.timedelta(minutes=9)
    )
    return deal


# Two years of purchases of the corporate customers: (company, months ago that bought, base
# amount in tenge, how much each month's amount varies). They land in different ABC/XYZ
# classes and relationship stages: steady, uneven, bursty, lapsed, one purchase.
CORPORATE_HISTORY = [
    ("ТОО «Алатау Трейд»", list(range(1, 24)), 2_400_000, 0.04),
    ("ТОО «Muratec Kazakhstan»", list(range(1, 24)), 900_000, 0.2),
    ("АО «Степной ветер»", [2, 3, 9, 15, 21], 1_500_000, 0.6),
    ("ТОО «Каспий Логистик»", [13, 15, 17, 19], 700_000, 0.1),
    ("ТОО «Медицинский центр Шипагер»", [2], 1_200_000, 0.0),
]


def _month_moment(now: datetime.datetime, months_ago: int, rng: random.Random):
    """A working moment in the month `months_ago` before now's."""
    local = timezone.localtime(now)
    month = dates.month_start(local.date(), back=months_ago)
    day = rng.randint(3, 26)
    moment = local.replace(year=month.year, month=month.month, day=day, hour=rng.randint(9, 17))
    return min(moment, now - datetime.timedelta(days=1))


def won_history(
    *,
    actor: User,
    companies: dict,
    contacts: list[Contact],
    managers: list[User],
    tours: Pipeline,
    corporate: Pipeline,
    directions: dict,
    destinations: list[tuple[str, str, str]],
    rng: random.Random,
    now: datetime.datetime,
) -> list[Deal]:
    """Deals won over the past two years, dated: what «Итого по месяцам», revenue by
    direction, plans and ABC/XYZ have to count. Made before the pipelines get their rules."""
    won_tours = tours.stages.get(kind=StageKind.WON)
    won_corporate = corporate.stages.get(kind=StageKind.WON)
    made: list[tuple[Deal, datetime.datetime]] = []
    for company, months, base, spread in CORPORATE_HISTORY:
        for months_ago in months:
            amount = Decimal(round(base * (1 + rng.uniform(-spread, spread)), -3))
            won_at = _month_moment(now, months_ago, rng)
            deal = deal_create(
                actor=actor,
                data=dict(
                    name=f"Командировки и туры, {won_at:%m.%Y}",
                    company=companies[company],
                    stage=won_corporate,
                    amount=amount,
                    currency="KZT",
                    direction=directions["Корпоративные туры"],
                    quantity=Decimal(rng.randint(2, 12)),
                    owner=companies[company].owner,
                ),
            )
            made.append((deal, won_at))
    for months_ago in range(1, 24):
        for _n in range(rng.randint(2, 4)):
            city, hotel, currency = rng.choice(destinations)
            won_at = _month_moment(now, months_ago, rng)
            adults = rng.randint(1, 4)
            deal = deal_create(
                actor=actor,
                data=dict(
                    name=f"{won_at:%Y/%m}/{adults}/{city}",
                    company=companies[hotel],
                    contact=rng.choice(contacts),
                    stage=won_tours,
                    amount=Decimal(adults * rng.choice([700, 900, 1200, 1500])),
                    currency=currency,
                    direction=directions[city],
                    quantity=Decimal(adults),
                    owner=rng.choice(managers),
                ),
            )
            made.append((deal, won_at))
    events = []
    for deal, won_at in made:
        created = won_at - datetime.timedelta(days=rng.randint(5, 40))
        Deal.objects.filter(pk=deal.pk).update(
            created_at=created,
            updated_at=won_at,
            stage_entered_at=won_at,
            closed_at=won_at,
            expected_close_date=timezone.localtime(won_at).date(),
        )
        StageChange.objects.filter(deal=deal).update(changed_at=won_at)
        StreamEvent.objects.filter(entity="deal", object_id=deal.pk).update(created_at=created)
        events.append(
            StreamEvent(
                verb=Verb.WON,
                actor=deal.owner,
                entity="deal",
                object_id=deal.pk,
                label=deal.name,
                owner=deal.owner,
                company_id=deal.company_id,
                company_label=deal.company.name if deal.company else "",
                amount=deal.amount,
                currency=deal.currency,
                created_at=won_at,
            )
        )
    StreamEvent.objects.bulk_create(events)
    return [deal for deal, _at in made]


def demo_plans(*, managers: list[User], team, directions: dict, today: datetime.date) -> None:
    """Plans of last, this and next month for the tour managers, their team and the
    department, and a quarter's plan for the Hainan direction."""
    month = dates.month_start(today)
    starts = [dates.add_months(month, -1), month, dates.next_month(month)]
    for start in starts:
        for manager in managers:
            SalesPlan.objects.create(
                start=start, owner=manager, amount=Decimal(3_000_000), quantity=Decimal(12)
            )
        if team is not None:
            SalesPlan.objects.create(start=start, team=team, amount=Decimal(6_500_000))
        SalesPlan.objects.create(start=start, amount=Decimal(25_000_000))
    quarter = dates.quarter_start(today)
    SalesPlan.objects.create(
        period=PlanPeriod.QUARTER,
        start=quarter,
        direction=directions["Хайнань"],
        amount=Decimal(4_000_000),
        quantity=Decimal(20),
    )
