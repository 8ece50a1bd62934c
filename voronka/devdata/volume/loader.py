"""Writing the volume data set fast: batched bulk_create of records and their search tokens.

Each batch of records and its tokens is one transaction, so an interrupted load leaves only
whole records with their tokens. Settings that trade durability for speed (SQLite
`synchronous=OFF`, PostgreSQL `synchronous_commit=off`) last for this connection only: a crash
during the load may lose the last batches, never corrupt the database.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction
from django.db.models import Max
from django.db.models.sql import InsertQuery
from psycopg import sql

from voronka.accounts.models import Role, Team, User
from voronka.activities.models import Activity, ActivitySearchToken
from voronka.audit.models import HistoryEntry, StreamEvent
from voronka.contacts.models import Company, CompanySearchToken, Contact, ContactSearchToken
from voronka.core import money
from voronka.core.models import ExchangeRate, RateSource
from voronka.core.search import token_model
from voronka.sales.models import (
    Deal,
    DealChecklistTick,
    DealSearchToken,
    Direction,
    LeadSource,
    LostReason,
    Pipeline,
    Stage,
    StageChange,
    StageChecklistItem,
)

from . import names
from .past import PipelineInfo

RECORD_MODELS: tuple[type[models.Model], ...] = (Company, Contact, Deal, Activity)
TOKEN_MODELS: tuple[type[models.Model], ...] = (
    CompanySearchToken,
    ContactSearchToken,
    DealSearchToken,
    ActivitySearchToken,
)
# Rows written next to the deals (their past) with ids chosen up front, like the tokens.
PAST_MODELS: tuple[type[models.Model], ...] = (
    StageChange,
    HistoryEntry,
    StreamEvent,
    DealChecklistTick,
)
USERNAME_PREFIX = "vol_"


def next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def existing_records() -> int:
    return sum(model.objects.count() for model in RECORD_MODELS)


@contextmanager
def fast_load() -> Iterator[None]:
    """Per-connection settings for a bulk load; the connection is closed afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # No fsync per commit, and a page cache (2 GB) big enough that the token indexes
            # are updated in memory instead of re-read from disk for every batch.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-2000000")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        connection.close()


def analyze(log: Callable[[str], None]) -> None:
    """Fresh planner statistics: without them both databases pick poor plans for big tables."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            # VACUUM also fills the visibility map, which index-only scans need.
            cursor.execute("VACUUM ANALYZE")
    log(f"ANALYZE done in {time.perf_counter() - started:.1f} s")


def reset_sequences() -> None:
    """PostgreSQL sequences do not move when ids are given explicitly; SQLite's do."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), RECORD_MODELS + TOKEN_MODELS + PAST_MODELS
    )
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@dataclass
class Staff:
    admin: User
    head: User
    managers: list[User]


def ensure_staff(user_count: int) -> Staff:
    """The sales department: a head in the parent team, managers spread over five sub-teams.

    Users are found by username on a second run, so loading more data reuses them. They have
    no usable password: the benchmark signs them in with `force_login`.
    """
    roles = {code: Role.objects.get(code=code) for code in ("admin", "head", "manager")}
    parent, _created = Team.objects.get_or_create(name=names.TEAM_PARENT, parent=None)
    teams = [Team.objects.get_or_create(name=n, parent=parent)[0] for n in names.TEAMS]

    def user(username: str, role: str, team: Team | None, first: str, last: str) -> User:
        found = User.objects.filter(username=username).first()
        if found:
            return found
        created = User(
            username=username,
            role=roles[role],
            team=team,
            first_name=first,
            last_name=last,
            is_staff=role == "admin",
            email=f"{username}@example.com",
        )
        created.set_unusable_password()
        created.save()
        return created

    admin = user(f"{USERNAME_PREFIX}admin", "admin", None, "Администратор", "")
    head = user(f"{USERNAME_PREFIX}head", "head", parent, "Гульнара", "Сапарова")
    managers = []
    for number in range(1, max(user_count - 1, len(teams)) + 1):
        female = number % 2 == 0
        first = (names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)[number % 50]
        surname = names.SURNAMES[(number * 7) % len(names.SURNAMES)]
        last = names.feminine(surname) if female else surname
        team = teams[(number - 1) % len(teams)]
        managers.append(user(f"{USERNAME_PREFIX}m{number:03d}", "manager", team, first, last))
    return Staff(admin=admin, head=head, managers=managers)


def ensure_lead_sources() -> list[int]:
    for order, name in enumerate(names.LEAD_SOURCES, start=1):
        LeadSource.objects.get_or_create(name=name, defaults={"order": order})
    return list(LeadSource.objects.values_list("pk", flat=True))


def ensure_directions() -> list[int]:
    """The projects / directions deals are sold in, in the order of `names.DIRECTIONS`."""
    ids = []
    for order, (name, _weight) in enumerate(names.DIRECTIONS, start=1):
        ids.append(Direction.objects.get_or_create(name=name, defaults={"order": order})[0].pk)
    return ids


def ensure_lost_reasons() -> list[tuple[int, str]]:
    """The editable list of why deals are lost, as (id, name)."""
    for order, name in enumerate(names.LOST_REASONS, start=1):
        LostReason.objects.get_or_create(name=name, defaults={"order": order})
    return list(LostReason.objects.filter(is_active=True).values_list("pk", "name"))


def pipeline_info(pipeline: Pipeline) -> PipelineInfo:
    stages = list(
        pipeline.stages.order_by("order", "id").values_list("pk", "probability", "kind", "name")
    )
    checklist: dict[int, list[int]] = {}
    for item_id, stage_id in StageChecklistItem.objects.filter(
        stage__pipeline=pipeline
    ).values_list("pk", "stage_id"):
        checklist.setdefault(stage_id, []).append(item_id)
    return PipelineInfo(pk=pipeline.pk, stages=stages, checklist=checklist)


def main_pipeline() -> Pipeline | None:
    """Where the main data set's deals go: the first active pipeline but the board's."""
    return (
        Pipeline.objects.filter(is_active=True)
        .exclude(name=names.BOARD_PIPELINE)
        .order_by("order", "id")
        .first()
    )


def ensure_board_pipeline() -> Pipeline:
    """The pipeline of the board case: strict order, one stage with entry requirements."""
    pipeline = Pipeline.objects.filter(name=names.BOARD_PIPELINE).first()
    if pipeline is not None:
        return pipeline
    last = Pipeline.objects.order_by("-order").values_list("order", flat=True).first() or 0
    pipeline = Pipeline.objects.create(name=names.BOARD_PIPELINE, order=last + 1, strict_order=True)
    for order, (name, probability, kind, color, required, checklist) in enumerate(
        names.BOARD_STAGES, start=1
    ):
        stage = Stage.objects.create(
            pipeline=pipeline,
            name=name,
            order=order,
            probability=probability,
            kind=kind,
            color=color,
            required_fields=list(required),
        )
        for position, text in enumerate(checklist, start=1):
            StageChecklistItem.objects.create(stage=stage, text=text, order=position)
    return pipeline


# Units of KZT per unit of a currency at the start of the rate history; a random walk
# (about 0.4% a day) takes it from there. Other base currencies are derived from these.
KZT_PER_UNIT = {
    "KZT": 1.0,
    "USD": 470.0,
    "EUR": 505.0,
    "RUB": 5.2,
    "GBP": 590.0,
    "CNY": 65.0,
    "TRY": 15.0,
    "AED": 128.0,
    "KGS": 5.4,
    "UZS": 0.038,
}


def ensure_rates(rng: random.Random, days: int, today: datetime.date) -> int:
    """National Bank rates of every configured currency on the working days of the last
    `days` days, so totals convert today and closed deals at their closing day's rate."""
    base = money.base_currency()
    if base not in KZT_PER_UNIT or days <= 0:
        return 0
    codes = [c for c in money.rate_currencies() if c in KZT_PER_UNIT]
    level = {code: KZT_PER_UNIT[code] / KZT_PER_UNIT[base] for code in codes}
    rows = []
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        for code in codes:
            level[code] *= 1 + rng.gauss(0.0001, 0.004)
        if day.weekday() >= 5:  # the feed publishes on working days only
            continue
        for code in codes:
            rows.append(
                ExchangeRate(
                    currency=code,
                    date=day,
                    rate=round(Decimal(level[code]), 8),
                    source=RateSource.NBK,
                )
            )
    ExchangeRate.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


TOKEN_FIELDS = ("id", "record", "kind", "token")


def _adapter(field: models.Field) -> Callable | None:
    """How a Python value of this field becomes what the driver is given, or None when it
    already is (ints, strings). Only the field types the volume data set writes this way."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "postgresql":
            return None  # psycopg writes aware datetimes as they are
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return None if connection.vendor == "postgresql" else ops.adapt_datefield_value
    if isinstance(field, models.UUIDField):
        return None if connection.features.has_native_uuid_field else (lambda v: v.hex)
    if isinstance(field, models.JSONField):
        return lambda value, encoder=field.encoder: ops.adapt_json_value(value, encoder)
    if isinstance(field, models.DecimalField):
        return (
            None if connection.vendor == "postgresql" else (lambda v: None if v is None else str(v))
        )
    return None


def insert_rows(model: type[models.Model], field_names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain value tuples (ints and strings) several times faster than bulk_create.

    bulk_create spends most of its time building one huge multi-row INSERT per batch in
    Python; for the ~16 million token rows that is most of the load. SQLite gets the one-row
    INSERT that Django itself compiles for the model, run with executemany; PostgreSQL gets
    COPY, its bulk-load path, with names quoted by psycopg. Values are not prepared the way
    Django prepares them; only datetimes, dates, UUIDs, JSON and decimals are adapted for the
    database (see `_adapter`), so other fields must already hold the database value.
    """
    fields = [model._meta.get_field(name) for name in field_names]
    adapters = (
        [_adapter(f) for f in fields] if connection.vendor in ("postgresql", "sqlite") else []
    )
    if any(adapters):
        rows = [
            tuple(v if a is None or v is None else a(v) for a, v in zip(adapters, row, strict=True))
            for row in rows
        ]
    if connection.vendor == "postgresql":
        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table),
            sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
        )
        with connection.cursor() as cursor, cursor.cursor.copy(copy) as writer:
            for row in rows:
                writer.write_row(row)
    elif connection.vendor == "sqlite":
        query = InsertQuery(model)
        query.insert_values(fields, [model()])
        ((insert, _params),) = query.get_compiler(connection=connection).as_sql()
        with connection.cursor() as cursor:
            cursor.executemany(insert, rows)
    else:
        model.objects.bulk_create(
            [model(**dict(zip(field_names, row, strict=True))) for row in rows]
        )


# Rows that go in with a batch of records, in the same transaction: (model, fields, rows).
ExtraRows = list[tuple[type[models.Model], tuple[str, ...], list[tuple]]]


class Progress:
    """One line every few seconds: rows done of the total, speed, and how long is left."""

    def __init__(self, label: str, total: int, log: Callable[[str], None]) -> None:
        self.label, self.total, self.log = label, total, log
        self.started = self.last = self.finished = time.perf_counter()
        self.done = self.tokens = 0
        self.extra: dict[str, int] = {}

    def add(self, rows: int, tokens: int, extra: ExtraRows = ()) -> None:
        self.done += rows
        self.tokens += tokens
        for model, _fields, values in extra:
            name = model._meta.verbose_name_plural
            self.extra[name] = self.extra.get(name, 0) + len(values)
        now = self.finished = time.perf_counter()
        if now - self.last >= 5 or self.done >= self.total:
            self.last = now
            elapsed = now - self.started
            rate = self.done / elapsed if elapsed else 0.0
            left = (self.total - self.done) / rate if rate else 0.0
            self.log(
                f"  {self.label}: {self.done:,} / {self.total:,} "
                f"({100 * self.done / max(self.total, 1):.0f}%), {rate:,.0f} rows/s, "
                f"{self.tokens:,} tokens{self.extra_text}, {elapsed:.0f} s, ~{left:.0f} s left"
            )

    @property
    def extra_text(self) -> str:
        return "".join(f", {n:,} {name}" for name, n in self.extra.items())

    @property
    def seconds(self) -> float:
        return self.finished - self.started


def load(
    label: str,
    model: type[models.Model],
    total: int,
    make: Callable[[int, int, int], list[models.Model]],
    *,
    batch_size: int,
    log: Callable[[str], None],
    extra: Callable[[], ExtraRows] | None = None,
) -> Progress:
    """Insert `total` records made by `make(start, count, total)` with their search tokens,
    and the rows `extra()` hands over after each batch is made (the deals' past).

    While one batch is written, a second thread builds the next one: both database drivers
    release the GIL while the database works, so on two cores generating and writing overlap.
    Only that thread touches the random generator, so a seed still gives the same data.
    """
    tokens_model = token_model(model)
    next_token_id = next_id(tokens_model)

    def build(start: int) -> tuple[list[models.Model], list[tuple], ExtraRows]:
        nonlocal next_token_id
        records = make(start, min(batch_size, total - start), total)
        tokens = []
        for record in records:
            # The same function the services use, so the search finds exactly what it would
            # find had every record been saved through a form.
            for kind, token in record.search_tokens_wanted():
                tokens.append((next_token_id, record.pk, int(kind), token))
                next_token_id += 1
        return records, tokens, extra() if extra else []

    progress = Progress(label, total, log)
    starts = range(0, total, batch_size)
    with ThreadPoolExecutor(max_workers=1) as builder:
        pending = builder.submit(build, 0) if total else None
        for start in starts:
            records, tokens, rows = pending.result()
            if start + batch_size < total:
                pending = builder.submit(build, start + batch_size)
            with transaction.atomic():
                model.objects.bulk_create(records)
                insert_rows(tokens_model, TOKEN_FIELDS, tokens)
                for extra_model, fields, values in rows:
                    if values:
                        insert_rows(extra_model, fields, values)
            reset_queries()  # keeps memory flat if DEBUG logging was forced on anyway
            progress.add(len(records), len(tokens), rows)
    return progress
