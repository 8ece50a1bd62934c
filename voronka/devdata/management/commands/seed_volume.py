"""`manage.py seed_volume`: a large, realistic data set for the benchmark (see bench/README.md).

Fills the configured database (SQLite file or PostgreSQL via DATABASE_URL) with companies,
contacts, deals and activities of a sales department of 50 people, together with their search
tokens; each deal with its past (stage history, change history, stream events); a second
pipeline with 10,000 open deals for the board; lost reasons and two years of exchange rates.
It is a load tool for throw-away databases, not a way to add data to a real CRM.
"""

from __future__ import annotations

import random
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from voronka.activities import next_steps
from voronka.activities.models import Activity
from voronka.audit.models import HistoryEntry, StreamEvent
from voronka.contacts.models import Company, Contact
from voronka.devdata.volume import fake, loader, names, past
from voronka.sales.models import Deal, DealChecklistTick, StageChange

DEFAULTS = {
    "companies": 300_000,
    "contacts": 1_000_000,
    "deals": 300_000,
    "activities": 1_000_000,
    "users": 50,
    # The board case: open deals in the second pipeline, and its deals closed lately.
    "board_deals": 10_000,
    "board_closed": 400,
}
COUNT_HELP = {
    "board_deals": "open deals in the board pipeline",
    "board_closed": "deals of the board pipeline closed in the last 30 days",
}
# A database with more records than this is someone's data, not an empty one made for a
# benchmark; filling it needs --force.
SAFE_EXISTING_RECORDS = 300


class Command(BaseCommand):
    help = (
        "Fill the database with a large realistic data set (default: 1M contacts, 300k "
        "companies, 300k deals, 1M activities, 50 users) and its search tokens."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        for name, default in DEFAULTS.items():
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                default=None,
                help=f"How many {COUNT_HELP.get(name, name)} (default {default:,}).",
            )
        parser.add_argument(
            "--rate-days",
            type=int,
            default=730,
            help="Days of exchange rates up to today (default 730: the deals' two years).",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply every count by this (e.g. 0.01 for a quick run).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--batch-size", type=int, default=10_000, help="Records per transaction."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=f"Load even if the database already holds more than {SAFE_EXISTING_RECORDS} "
            "companies, contacts, deals and activities.",
        )
        parser.add_argument(
            "--skip-analyze", action="store_true", help="Do not run ANALYZE at the end."
        )

    def handle(self, *args, **options) -> None:
        counts = {
            name: max(
                0,
                round((options[name] if options[name] is not None else default) * options["scale"]),
            )
            for name, default in DEFAULTS.items()
        }
        # A head of sales and at least one manager per team, whatever the scale.
        counts["users"] = max(counts["users"], 6)
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive.")
        # Under DEBUG every query's SQL would be formatted and kept; for millions of rows that
        # is minutes of CPU and gigabytes of memory for nothing.
        with override_settings(DEBUG=False), translation.override("en"):
            self._load(counts, options)

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _load(self, counts: dict[str, int], options: dict) -> None:
        existing = loader.existing_records()
        if existing > SAFE_EXISTING_RECORDS and not options["force"]:
            raise CommandError(
                f"The database already holds {existing:,} records; seed_volume is for an "
                "empty throw-away database. Use --force to add the data set anyway."
            )
        main = loader.main_pipeline()
        main_info = loader.pipeline_info(main) if main else None
        if main_info is None or not main_info.complete:
            raise CommandError(
                "There is no pipeline with open, won and lost stages: run `manage.py migrate` "
                "first."
            )
        board_info = loader.pipeline_info(loader.ensure_board_pipeline())
        settings_dict = connection.settings_dict
        self._log(
            f"Database: {connection.vendor} {settings_dict['NAME']}; "
            + ", ".join(f"{n:,} {name}" for name, n in counts.items())
        )
        started = time.perf_counter()
        rng = random.Random(options["seed"])
        staff = loader.ensure_staff(counts["users"])
        owners = [staff.head, *staff.managers]
        weights = fake.owner_weights(rng, len(owners))
        weights[0] *= 0.1  # the head of sales keeps a few key accounts only
        reasons = loader.ensure_lost_reasons()
        reason_weights = dict(zip(names.LOST_REASONS, names.LOST_REASON_WEIGHTS, strict=True))
        plan = fake.Plan(
            rng=rng,
            owner_ids=[u.pk for u in owners],
            owner_weights=weights,
            main=main_info,
            board=board_info,
            board_open=counts["board_deals"],
            board_closed=counts["board_closed"],
            long_history_owner=staff.managers[0].pk,
            lead_source_ids=loader.ensure_lead_sources(),
            direction_ids=loader.ensure_directions(),
            company_first_id=loader.next_id(Company),
            contact_first_id=loader.next_id(Contact),
            deal_first_id=loader.next_id(Deal),
            activity_first_id=loader.next_id(Activity),
        )
        plan.past = past.Past(
            rng=rng,
            now=plan.now,
            lost_reasons=reasons,
            lost_reason_weights=[reason_weights.get(name, 5) for _pk, name in reasons],
            stage_change_id=loader.next_id(StageChange),
            history_id=loader.next_id(HistoryEntry),
            event_id=loader.next_id(StreamEvent),
            tick_id=loader.next_id(DealChecklistTick),
        )
        deal_total = counts["deals"] + counts["board_deals"] + counts["board_closed"]
        plan.choose_board_deals(deal_total)
        rate_started = time.perf_counter()
        rates = loader.ensure_rates(rng, options["rate_days"], plan.now.date())
        self._log(f"Exchange rates: {rates:,} rows in {time.perf_counter() - rate_started:.1f} s")
        steps = [
            ("companies", Company, fake.make_companies, counts["companies"], None),
            ("contacts", Contact, fake.make_contacts, counts["contacts"], None),
            ("deals", Deal, fake.make_deals, deal_total, plan.past.drain),
            ("activities", Activity, fake.make_activities, counts["activities"], None),
        ]
        timings = []
        with loader.fast_load():
            try:
                for label, model, make, total, extra in steps:
                    progress = loader.load(
                        label,
                        model,
                        total,
                        lambda start, count, total, make=make: make(plan, start, count, total),
                        batch_size=options["batch_size"],
                        log=self._log,
                        extra=extra,
                    )
                    timings.append((label, progress))
            finally:
                # Also after Ctrl-C: PostgreSQL would otherwise hand out ids already taken.
                loader.reset_sequences()
            step_started = time.perf_counter()
            next_steps.refresh_all()
            self._log(
                "Next planned activity of every deal and company: "
                f"{time.perf_counter() - step_started:.0f} s"
            )
            if not options["skip_analyze"]:
                loader.analyze(self._log)
        elapsed = time.perf_counter() - started
        for label, progress in timings:
            self._log(
                f"{label}: {progress.done:,} rows + {progress.tokens:,} tokens"
                f"{progress.extra_text} in {progress.seconds:.0f} s"
            )
        self._log(
            f"Board pipeline «{names.BOARD_PIPELINE}» (id {board_info.pk}): "
            f"{counts['board_deals']:,} open deals, {counts['board_closed']:,} closed lately; "
            f"the deal with the long history: id {plan.long_history_deal}"
        )
        self._log(
            self.style.SUCCESS(
                f"Done in {elapsed:.0f} s ({elapsed / 60:.1f} min). Sign-ins for the benchmark: "
                f"{staff.admin.username} (admin), {staff.head.username} (head), "
                f"{staff.managers[0].username}… (managers); no passwords, use force_login."
            )
        )
