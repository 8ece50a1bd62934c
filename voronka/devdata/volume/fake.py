"""Realistic records for the volume data set, built in memory with ids chosen in advance.

Ids are allocated here (not by the database) so the search tokens and the links between
records (contact → company, deal → contact, activity → deal) are known before anything is
written, and so a given `--seed` produces the same data on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import math
import random
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from voronka.activities.models import Activity, ActivityKind
from voronka.contacts.models import Company, Contact
from voronka.core.validators import bin_is_valid
from voronka.sales import board as board_window
from voronka.sales.models import Deal, DealType, StageKind

from . import names
from .past import Past, PipelineInfo

HISTORY = datetime.timedelta(days=730)  # created_at spreads over the last 24 months
YEAR = datetime.timedelta(days=365)
# One company in KEY_ACCOUNT_EVERY is a large customer that gets KEY_ACCOUNT_SHARE of the
# people and deals: real customer bases are skewed, and a company page with hundreds of
# related rows is the case worth timing.
KEY_ACCOUNT_EVERY = 1000
KEY_ACCOUNT_SHARE = 0.05


class Picker:
    """Weighted choice with precomputed cumulative weights (random.choices recomputes them)."""

    def __init__(self, rng: random.Random, items: list | tuple, weights: list[float]) -> None:
        self.rng = rng
        self.items = list(items)
        self.cum = list(accumulate(weights))

    def __call__(self):
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


@dataclass
class Plan:
    """Ids to use and what is known about the records made so far, for linking later ones."""

    rng: random.Random
    owner_ids: list[int]
    owner_weights: list[float]
    main: PipelineInfo  # the main data set's deals
    lead_source_ids: list[int]
    direction_ids: list[int] = field(default_factory=list)  # in the order of names.DIRECTIONS
    past: Past | None = None  # the deals' history rows; None: deals without a past
    board: PipelineInfo | None = None  # the board case's pipeline
    board_open: int = 0  # open deals in it
    board_closed: int = 0  # and deals closed in it in the last CLOSED_DAYS days
    # The owner of the deal with the long history (the benchmark's manager).
    long_history_owner: int | None = None
    now: datetime.datetime = field(default_factory=timezone.now)
    company_first_id: int = 1
    contact_first_id: int = 1
    deal_first_id: int = 1
    activity_first_id: int = 1
    company_owner: array = field(default_factory=lambda: array("q"))
    company_domain: list[str] = field(default_factory=list)
    company_name: list[str] = field(default_factory=list)
    contact_company: array = field(default_factory=lambda: array("q"))  # index or -1
    contact_owner: array = field(default_factory=lambda: array("q"))
    deal_company: array = field(default_factory=lambda: array("q"))
    deal_contact: array = field(default_factory=lambda: array("q"))
    deal_owner: array = field(default_factory=lambda: array("q"))
    board_deals: dict[int, str] = field(default_factory=dict)  # deal index → open / closed
    long_history_deal: int | None = None

    def __post_init__(self) -> None:
        self.owner = Picker(self.rng, self.owner_ids, self.owner_weights)
        self.city = Picker(self.rng, names.CITIES, [w for _c, _r, w in names.CITIES])
        by_kind = {kind: [s for s in self.main.stages if s[2] == kind] for kind in StageKind.values}
        # Most deals are in progress; of the closed ones more are won than lost.
        stage_weights = {StageKind.OPEN: 0.55, StageKind.WON: 0.28, StageKind.LOST: 0.17}
        items, weights = [], []
        for kind, stages in by_kind.items():
            for stage in stages:
                items.append(stage)
                weights.append(stage_weights[kind] / len(stages))
        self.stage = Picker(self.rng, items, weights)
        if self.direction_ids:
            self.direction = Picker(self.rng, self.direction_ids, [w for _n, w in names.DIRECTIONS])
        self.activity_kind = Picker(
            self.rng, list(names.ACTIVITY_SUBJECTS), [40, 15, 30, 15]
        )  # call, meeting, task, note
        if self.board is not None:
            # Early stages are crowded: few deals get as far as the contract.
            opens = self.board.open_stages
            self.board_open_stage = Picker(
                self.rng, opens, [0.45, 0.35, 0.2][: len(opens)] + [0.2] * (len(opens) - 3)
            )
            self.board_closed_stage = Picker(
                self.rng,
                [self.board.closed_stage(StageKind.WON), self.board.closed_stage(StageKind.LOST)],
                [0.55, 0.45],
            )

    def choose_board_deals(self, total: int) -> None:
        """Which of `total` deals (the main ones and the board's) are the board's, spread over
        the ids so that created_at still grows with the id."""
        wanted = self.board_open + self.board_closed
        if self.board is None or not wanted:
            return
        chosen = self.rng.sample(range(total), wanted)
        self.board_deals = dict.fromkeys(chosen[: self.board_open], "open")
        self.board_deals.update((index, "closed") for index in chosen[self.board_open :])

    def created_at(self, index: int, total: int) -> datetime.datetime:
        """Older records have smaller ids, as in a database filled over two years."""
        share = (index + self.rng.random()) / max(total, 1)
        return self.now - HISTORY + HISTORY * share

    def related_owner(self, owner_id: int, keep: float) -> int:
        """The linked record's owner most of the time, someone else now and then."""
        return owner_id if self.rng.random() < keep else self.owner()

    def company_index(self, total: int) -> int:
        if self.rng.random() < KEY_ACCOUNT_SHARE and total >= KEY_ACCOUNT_EVERY:
            return self.rng.randrange(total // KEY_ACCOUNT_EVERY) * KEY_ACCOUNT_EVERY
        return self.rng.randrange(total)


def owner_weights(rng: random.Random, count: int) -> list[float]:
    """Uneven workloads: a few managers own several times more records than others."""
    return [math.exp(rng.gauss(0, 0.6)) for _ in range(count)]


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def kz_bin(rng: random.Random, created: datetime.datetime) -> str:
    """A БИН of a legal entity: YYMM of registration, '4' (legal entity), then the check digit."""
    while True:
        body = f"{created:%y%m}4{rng.choice('0123')}{_digits(rng, 5)}"
        for last in "0123456789":
            if bin_is_valid(body + last):
                return body + last


def ru_inn(rng: random.Random) -> str:
    digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def ru_ogrn(rng: random.Random) -> str:
    body = str(rng.choice([1, 5])) + _digits(rng, 11)
    return body + str(int(body) % 11 % 10)


def phone(rng: random.Random, *, russia: bool, city: str = "", mobile: bool = True) -> str:
    if russia:
        return f"+7{rng.choice(names.RU_MOBILE_CODES)}{_digits(rng, 7)}"
    if not mobile and city in names.KZ_LANDLINE_CODES:
        return f"+7{names.KZ_LANDLINE_CODES[city]}{_digits(rng, 7)}"
    return f"+7{rng.choice(names.KZ_MOBILE_CODES)}{_digits(rng, 7)}"


def make_companies(plan: Plan, start: int, count: int, total: int) -> list[Company]:
    rng = plan.rng
    rows = []
    for index in range(start, start + count):
        owner_id = plan.owner()
        created = plan.created_at(index, total)
        city, region, _weight = plan.city()
        russia = city in names.RUSSIAN_CITIES
        root, suffix = rng.choice(names.COMPANY_ROOTS), rng.choice(names.COMPANY_SUFFIXES)
        domain = names.translit(root + suffix) + (".ru" if russia else ".kz")
        form = rng.random()
        if form < 0.15:
            surname = rng.choice(names.SURNAMES)
            initials = f"{rng.choice(names.MALE_FIRST_NAMES)[0]}.{rng.choice('АВГДЕИМНОС')}."
            name = f"ИП {surname} {initials}"
            domain = names.translit(surname) + (".ru" if russia else ".kz")
        else:
            legal = ("ООО" if form < 0.93 else "ПАО") if russia else ("ТОО" if form < 0.9 else "АО")
            name = f"{legal} «{root} {suffix}{rng.choice(names.COMPANY_TAILS)}»"
        kind = rng.random()
        phones = [phone(rng, russia=russia, city=city, mobile=rng.random() < 0.6)]
        if rng.random() < 0.25:
            phones.append(phone(rng, russia=russia))
        if rng.random() < 0.08:
            phones = []
        emails = [f"info@{domain}"] if rng.random() < 0.7 else []
        if rng.random() < 0.2:
            emails.append(f"sales@{domain}")
        has_tax_id = rng.random() < 0.6
        rows.append(
            Company(
                id=plan.company_first_id + index,
                owner_id=owner_id,
                created_at=created,
                name=name,
                is_customer=kind < 0.78,
                is_supplier=0.7 < kind < 0.88,
                is_partner=0.86 < kind < 0.96,
                is_competitor=kind >= 0.96,
                industry=rng.choice(names.INDUSTRIES) if rng.random() < 0.7 else "",
                region=region,
                city=city,
                address=f"{rng.choice(names.STREETS)}, {rng.randint(1, 250)}"
                if rng.random() < 0.7
                else "",
                phones=phones,
                emails=emails,
                website=f"https://{domain}" if rng.random() < 0.5 else "",
                bin="" if russia or not has_tax_id else kz_bin(rng, created),
                inn=ru_inn(rng) if russia and has_tax_id else "",
                kpp=f"{rng.randint(1000, 9999)}01001" if russia and has_tax_id else "",
                ogrn=ru_ogrn(rng) if russia and has_tax_id else "",
            )
        )
        plan.company_owner.append(owner_id)
        plan.company_domain.append(domain)
        plan.company_name.append(name)
    return rows


def make_contacts(plan: Plan, start: int, count: int, total: int) -> list[Contact]:
    rng = plan.rng
    companies = len(plan.company_owner)
    rows = []
    for index in range(start, start + count):
        female = rng.random() < 0.5
        surname = rng.choice(names.SURNAMES)
        last_name = names.feminine(surname) if female else surname
        first_name = rng.choice(names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)
        middle_name = ""
        if rng.random() < 0.7:
            middle_name = rng.choice(names.FEMALE_PATRONYMICS if female else names.MALE_PATRONYMICS)
        company = plan.company_index(companies) if companies and rng.random() < 0.8 else -1
        if company >= 0:
            owner_id = plan.related_owner(plan.company_owner[company], keep=0.8)
        else:
            owner_id = plan.owner()
        emails = []
        if rng.random() < 0.75:
            local = f"{names.translit(first_name)[0]}.{names.translit(surname)}"
            if company >= 0 and rng.random() < 0.6:
                emails.append(f"{local}@{plan.company_domain[company]}")
            else:
                emails.append(f"{local}{rng.randint(1, 999)}@{rng.choice(names.MAIL_DOMAINS)}")
        phones = [phone(rng, russia=rng.random() < 0.15)] if rng.random() < 0.85 else []
        if rng.random() < 0.15:
            phones.append(phone(rng, russia=False))
        rows.append(
            Contact(
                id=plan.contact_first_id + index,
                owner_id=owner_id,
                created_at=plan.created_at(index, total),
                last_name=last_name,
                first_name=first_name,
                middle_name=middle_name,
                company_id=plan.company_first_id + company if company >= 0 else None,
                position=rng.choice(names.POSITIONS) if rng.random() < 0.7 else "",
                phones=phones,
                emails=emails,
                birthday=datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16000))
                if rng.random() < 0.3
                else None,
                mailing_consent=rng.random() < 0.4,
            )
        )
        plan.contact_company.append(company)
        plan.contact_owner.append(owner_id)
    return rows


_AMOUNTS = {"KZT": (2_000_000, 1000), "USD": (5_000, 10), "EUR": (4_000, 10)}


def make_deals(plan: Plan, start: int, count: int, total: int) -> list[Deal]:
    """Deals of the main pipeline and, at the indices `choose_board_deals` picked, of the
    board's; each with its past (see `past.Past`) when the plan has one."""
    rng = plan.rng
    contacts, companies = len(plan.contact_owner), len(plan.company_owner)
    today = plan.now.date()
    # Closed within the board's window, with two days to spare for a benchmark run later.
    closed_since = plan.now - datetime.timedelta(days=board_window.CLOSED_DAYS - 2)
    rows = []
    for index in range(start, start + count):
        board = plan.board_deals.get(index)
        # The board's key clients always have a contact person: the contract stage needs one.
        with_contact = contacts and (board is not None or rng.random() < 0.85)
        contact = rng.randrange(contacts) if with_contact else -1
        company = plan.contact_company[contact] if contact >= 0 else -1
        if company < 0 and companies and rng.random() < 0.7:
            company = plan.company_index(companies)
        if company >= 0:
            owner_id = plan.related_owner(plan.company_owner[company], keep=0.8)
        elif contact >= 0:
            owner_id = plan.related_owner(plan.contact_owner[contact], keep=0.8)
        else:
            owner_id = plan.owner()
        if board is None:
            pipeline = plan.main
            stage_id, probability, kind, _name = plan.stage()
        else:
            pipeline = plan.board
            picker = plan.board_open_stage if board == "open" else plan.board_closed_stage
            stage_id, probability, kind, _name = picker()
        currency = "KZT" if rng.random() < 0.75 else ("USD" if rng.random() < 0.7 else "EUR")
        median, step = _AMOUNTS[currency]
        if board is not None:
            median *= 4  # large customers
        amount = max(step, round(median * math.exp(rng.gauss(0, 1.2)) / step) * step)
        name = f"{rng.choice(names.DEAL_ACTIONS)} {rng.choice(names.DEAL_OBJECTS)}"
        if rng.random() < 0.3:
            name += f" №{rng.randint(1, 9999)}"
        deal = Deal(
            id=plan.deal_first_id + index,
            owner_id=owner_id,
            created_at=plan.created_at(index, total),
            name=name,
            company_id=plan.company_first_id + company if company >= 0 else None,
            contact_id=plan.contact_first_id + contact if contact >= 0 else None,
            pipeline_id=pipeline.pk,
            stage_id=stage_id,
            amount=Decimal(amount),
            currency=currency,
            expected_close_date=today + datetime.timedelta(days=rng.randint(-365, 365)),
            probability=probability,
            type=DealType.NEW if rng.random() < 0.7 else DealType.EXISTING,
            lead_source_id=rng.choice(plan.lead_source_ids)
            if plan.lead_source_ids and rng.random() < 0.7
            else None,
            next_step=rng.choice(names.DEAL_NEXT_STEPS),
        )
        if plan.direction_ids and rng.random() < 0.85:
            deal.direction_id = plan.direction()
            if rng.random() < 0.5:
                deal.quantity = Decimal(max(1, round(math.exp(rng.gauss(2, 1)))))
        deal.stage_entered_at = deal.created_at
        if plan.past is not None:
            company_label = plan.company_name[company] if company >= 0 else ""
            long_history = (
                plan.long_history_deal is None
                and board is None
                and owner_id == plan.long_history_owner
                and index >= total // 2
                and kind == StageKind.OPEN
            )
            if long_history:
                plan.long_history_deal = deal.pk
                plan.past.long_history(deal, pipeline, company_label)
            else:
                since = closed_since if board == "closed" else None
                plan.past.deal(deal, pipeline, company_label, closed_since=since)
        rows.append(deal)
        plan.deal_company.append(company)
        plan.deal_contact.append(contact)
        plan.deal_owner.append(owner_id)
    return rows


def make_activities(plan: Plan, start: int, count: int, total: int) -> list[Activity]:
    rng = plan.rng
    deals, contacts = len(plan.deal_owner), len(plan.contact_owner)
    companies = len(plan.company_owner)
    rows = []
    for index in range(start, start + count):
        company = contact = deal = -1
        owner_id = 0
        link = rng.random()
        if link < 0.45 and deals:
            deal = rng.randrange(deals)
            company, contact = plan.deal_company[deal], plan.deal_contact[deal]
            owner_id = plan.deal_owner[deal]
        elif link < 0.80 and contacts:
            contact = rng.randrange(contacts)
            company = plan.contact_company[contact]
            owner_id = plan.contact_owner[contact]
        elif link < 0.95 and companies:
            company = plan.company_index(companies)
            owner_id = plan.company_owner[company]
        owner_id = plan.related_owner(owner_id, keep=0.85) if owner_id else plan.owner()
        kind = plan.activity_kind()
        # Two thirds of the calendar is behind us; nearly all of the past is done, and a
        # quarter of the future (tasks done early) — about 70% done in all.
        past = rng.random() < 0.65
        offset = YEAR * rng.random()
        due_at = plan.now - offset if past else plan.now + offset
        done = rng.random() < (0.95 if past else 0.25)
        if kind == ActivityKind.NOTE and rng.random() < 0.5:
            due_at = None
        done_at = None
        if done:
            finished = (due_at or plan.now) + datetime.timedelta(hours=rng.randint(0, 48))
            done_at = min(finished, plan.now)
        rows.append(
            Activity(
                id=plan.activity_first_id + index,
                owner_id=owner_id,
                created_at=plan.created_at(index, total),
                kind=kind,
                subject=rng.choice(names.ACTIVITY_SUBJECTS[kind]),
                due_at=due_at,
                done=done,
                done_at=done_at,
                company_id=plan.company_first_id + company if company >= 0 else None,
                contact_id=plan.contact_first_id + contact if contact >= 0 else None,
                deal_id=plan.deal_first_id + deal if deal >= 0 else None,
                description="Клиент попросил перезвонить после обеда."
                if rng.random() < 0.1
                else "",
            )
        )
    return rows
