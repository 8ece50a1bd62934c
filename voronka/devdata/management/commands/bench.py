"""`manage.py bench`: server time of the main pages and API calls on a large data set.

Run it on a database filled by `manage.py seed_volume` (see bench/README.md). Each case is
requested in-process by an administrator, a manager (sees their team) and the head of sales;
the table shows median and p95 time, queries per request and the time spent in queries.
"""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import override_settings

from voronka.accounts.models import User
from voronka.activities.models import Activity
from voronka.contacts.models import Company, CompanySearchToken, Contact, ContactSearchToken
from voronka.devdata.volume import benchcases, benchrun
from voronka.devdata.volume.loader import USERNAME_PREFIX
from voronka.sales.models import Deal, DealSearchToken

USERS = ("admin", "manager", "head")


def find_user(label: str) -> User:
    """The seeded user of a role, or any active one with that role (a superuser for admin)."""
    seeded = {
        "admin": f"{USERNAME_PREFIX}admin",
        "manager": f"{USERNAME_PREFIX}m001",
        "head": f"{USERNAME_PREFIX}head",
    }
    user = User.objects.filter(username=seeded[label], is_active=True).first()
    if user is None:
        match = Q(role__code=label)
        if label == "admin":
            match |= Q(is_superuser=True)
        user = User.objects.filter(match, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError(f"No active user with the role {label!r}: run seed_volume first.")
    return user


def row_counts() -> dict[str, int]:
    models = {
        "companies": Company,
        "contacts": Contact,
        "deals": Deal,
        "activities": Activity,
        "company tokens": CompanySearchToken,
        "contact tokens": ContactSearchToken,
        "deal tokens": DealSearchToken,
        "users": User,
    }
    return {name: model.objects.count() for name, model in models.items()}


def database_label() -> str:
    """Where the data is, without credentials."""
    name = str(connection.settings_dict["NAME"])
    host = connection.settings_dict.get("HOST") or ""
    return f"{host}/{name}" if host else name


class Command(BaseCommand):
    help = "Time the main list, detail, search and API pages on the current (large) database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per line.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
        parser.add_argument("--only", default="", help="Only cases whose name contains this.")
        parser.add_argument(
            "--users",
            default=",".join(USERS),
            help="Comma-separated roles to measure as (admin, manager, head).",
        )
        parser.add_argument("--target-ms", type=float, default=100.0, help="p95 target.")
        parser.add_argument(
            "--no-explain",
            action="store_true",
            help="Do not add the plan of the slowest query of requests over the target.",
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "bench" / "results"),
            help="Directory for the JSON and Markdown reports.",
        )

    def handle(self, *args, **options) -> None:
        labels = [u.strip() for u in options["users"].split(",") if u.strip()]
        unknown = set(labels) - set(USERS)
        if unknown or not labels:
            raise CommandError(f"--users takes some of {', '.join(USERS)}.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        storages = {
            **settings.STORAGES,
            # The manifest storage needs `collectstatic`; templates only need a URL.
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(
            DEBUG=False,  # no query log: each query would be formatted and kept
            SECURE_SSL_REDIRECT=False,  # the test client speaks plain HTTP
            STORAGES=storages,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ):
            self._run(labels, options)

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _run(self, labels: list[str], options: dict) -> None:
        started = datetime.datetime.now().astimezone()
        counts = row_counts()
        self._log(f"Database: {connection.vendor} {database_label()}")
        self._log("Rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
        if counts["contacts"] == 0:
            raise CommandError("The database is empty: run `manage.py seed_volume` first.")
        users = {label: find_user(label) for label in labels}
        manager = users.get("manager") or find_user("manager")
        subjects = benchcases.Subjects.choose(manager)
        cases = [c for c in benchcases.cases(subjects) if options["only"] in c.name]
        if not cases:
            raise CommandError(f"No case name contains {options['only']!r}.")
        self._log(
            f"Users: {', '.join(f'{k}={u.username} (id {u.pk})' for k, u in users.items())}; "
            f"{len(cases)} cases × {len(users)} users × {options['repeat']} requests"
        )
        clients = {}
        for label, user in users.items():
            clients[label] = Client()
            clients[label].force_login(user)
        results: list[benchrun.Result] = []
        width = max(len(c.name) for c in cases)
        for case in cases:
            for label, user in users.items():
                result = benchrun.measure(
                    case,
                    label,
                    user,
                    repeat=options["repeat"],
                    warmup=options["warmup"],
                    client=clients[label],
                )
                result.target_ms = case.target_ms or options["target_ms"]
                slow = result.error or result.p95_ms > result.target_ms
                if slow and not options["no_explain"]:
                    result.plan = benchrun.explain(result)
                results.append(result)
                status = f"  FAIL: {result.error}" if result.error else ""
                self._log(
                    f"{case.name:<{width}}  {label:<7} median {result.median_ms:7.1f} ms  "
                    f"p95 {result.p95_ms:7.1f} ms  {result.queries:2d} queries  "
                    f"db {result.db_ms:6.1f} ms  rows {result.rows}{status}"
                )
        meta = {
            "vendor": connection.vendor,
            "database": database_label(),
            "started": started.isoformat(timespec="seconds"),
            "repeat": options["repeat"],
            "warmup": options["warmup"],
            "django": django.get_version(),
            "list_count_limit": settings.VORONKA["LIST_COUNT_LIMIT"],
            "page_size": settings.VORONKA["PAGE_SIZE"],
            "users": {label: u.username for label, u in users.items()},
            "detail_company_id": subjects.company.pk,
            "counts": counts,
        }
        self._log("")
        for line in benchrun.table(results):
            self._log(line)
        stem = f"{connection.vendor}-{started:%Y%m%d-%H%M%S}"
        paths = benchrun.write_reports(
            Path(options["output"]), stem, meta, results, options["target_ms"]
        )
        failed = [r for r in results if r.error]
        over = [r for r in results if not r.error and r.p95_ms > r.target_ms]
        self._log(f"\nReports: {paths[0]} and {paths[1]}")
        summary = f"{len(results)} lines, {len(over)} over their p95 target"
        if failed:
            raise CommandError(f"{summary}, {len(failed)} FAILED (see the table).")
        self._log(self.style.SUCCESS(summary) if not over else self.style.WARNING(summary))
