"""What `manage.py bench` measures: the pages and API calls people use most, on big lists.

A case is a URL and a check of its response. Checks keep the benchmark honest: a fast
empty page, a redirect to the login page or a 404 is a failure, not a good figure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse

from voronka.accounts.models import Entity, User
from voronka.analytics.models import SavedReport
from voronka.audit.models import HistoryEntry
from voronka.contacts.models import Company, Contact
from voronka.core import text
from voronka.sales.models import Pipeline, Stage, StageKind

from . import names

# The board and a record's history: the target, p95 server time.
BOARD_TARGET_MS = 200.0
# Dashboards (issue 5): under a second.
REPORT_TARGET_MS = 1000.0
SURNAME_QUERY = "иванов"  # lower case on purpose: must find "Иванов" / "Иванова"

Check = Callable[[HttpResponse], tuple[int, str]]  # → (rows found, error or "")


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    check: Check
    target_ms: float | None = None  # None: the run's target (--target-ms)


def _html_rows(kind: str, *, at_least: int = 1, must_contain: str = "") -> Check:
    """Counts links to records ("/contacts/123/") in the page; zero links means a broken page."""
    pattern = re.compile(rf'href="/{kind}/\d+/"')

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        content = response.content.decode()
        rows = len(pattern.findall(content))
        if rows < at_least:
            return rows, f"{rows} /{kind}/ links, expected at least {at_least}"
        if must_contain and must_contain not in content:
            return rows, f"{must_contain!r} not in the page"
        return rows, ""

    return check


def _api_rows(*, name_field: str = "", must_start: str = "") -> Check:
    """A JSON page of results, each (optionally) with a name that starts with the query."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        results = json.loads(response.content)["results"]
        if not results:
            return 0, "no results"
        if must_start:
            wrong = [
                r[name_field]
                for r in results
                if not any(w.startswith(must_start) for w in text.words(r[name_field]))
            ]
            if wrong:
                return len(results), f"results that do not match: {wrong[:3]}"
        return len(results), ""

    return check


def _history_rows(*, at_least: int) -> Check:
    """A record page whose change history table has at least `at_least` rows."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        content = response.content.decode()
        table = content.partition('data-testid="history"')[2].partition("</table>")[0]
        rows = table.count("<tr>") - 1  # the header row
        if rows < at_least:
            return max(rows, 0), f"{max(rows, 0)} history rows, expected at least {at_least}"
        return rows, ""

    return check


def _json_list(*, key: str = "", at_least: int = 1) -> Check:
    """A JSON list (or the list or mapping under `key`) of at least `at_least` items."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        data = json.loads(response.content)
        items = data[key] if key else data
        if len(items) < at_least:
            return len(items), f"{len(items)} items, expected at least {at_least}"
        return len(items), ""

    return check


def _report_blocks(*, at_least: int = 5) -> Check:
    """A dashboard page with its blocks (each a card with data-testid="block-…", or the place
    where it will load, data-testid="slot-…")."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        content = response.content.decode()
        blocks = content.count('data-testid="block-') + content.count('data-testid="slot-')
        if blocks < at_least:
            return blocks, f"{blocks} blocks, expected at least {at_least}"
        return blocks, ""

    return check


def _csv_rows(*, must_contain: str) -> Check:
    """A streamed CSV export: a header and at least one row holding the searched word."""

    def check(response) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        content = b"".join(response.streaming_content).decode("utf-8")
        rows = content.count("\n") - 1
        if rows < 1 or must_contain not in content:
            return rows, f"{rows} rows, {must_contain!r} expected"
        return rows, ""

    return check


def _html_contains(marker: str) -> Check:
    """A page that answers 200 and holds `marker`."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        if marker not in response.content.decode():
            return 0, f"{marker!r} expected"
        return 1, ""

    return check


def _block_rows(*, at_least: int = 1) -> Check:
    """One dashboard block's CSV export: a header and at least `at_least` rows."""

    def check(response: HttpResponse) -> tuple[int, str]:
        if response.status_code != 200:
            return 0, f"status {response.status_code}"
        rows = response.content.decode("utf-8-sig").strip().count("\n")
        if rows < at_least:
            return rows, f"{rows} rows, expected at least {at_least}"
        return rows, ""

    return check


def _first_open_stage() -> int:
    return Stage.objects.filter(kind="open").order_by("order", "id").values_list("pk", flat=True)[0]


def deepest_page() -> int:
    """Lists count up to LIST_COUNT_LIMIT rows, so this is the last page a long list offers."""
    limit, size = settings.VORONKA["LIST_COUNT_LIMIT"], settings.VORONKA["PAGE_SIZE"]
    return math.ceil(limit / size)


@dataclass
class Subjects:
    """The records the cases point at, chosen once so every user asks for the same thing."""

    manager: User
    company: Company
    contact_count: int
    board_pipeline: int  # the pipeline with 10,000 open deals
    board_stage: int  # its first open stage
    history_deal: int  # the deal with the longest change history
    grouped_report: int = 0  # a builder report: deals by owner and stage, three columns

    # The board pipeline is seed_volume's «Крупные клиенты»; the long-history deal has far
    # more history rows than any other.

    @classmethod
    def choose(cls, manager: User) -> Subjects:
        # The company with the most people among those of the manager's team: a key account
        # page is the heavy case, and everyone measured may see it.
        team = list(User.objects.filter(team_id=manager.team_id).values_list("pk", flat=True))
        biggest = (
            Contact.objects.filter(company__owner_id__in=team)
            .values("company")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        if biggest is None:
            raise LookupError("No contacts with a company in the manager's team: seed first.")
        company = Company.objects.get(pk=biggest["company"])
        board = Pipeline.objects.filter(name=names.BOARD_PIPELINE).values("pk").first()
        if board is None:
            raise LookupError(f"No pipeline «{names.BOARD_PIPELINE}»: seed first.")
        stage = (
            Stage.objects.filter(pipeline_id=board["pk"], kind=StageKind.OPEN)
            .order_by("order", "id")
            .values_list("pk", flat=True)[0]
        )
        longest = (
            HistoryEntry.objects.filter(entity=Entity.DEAL)
            .values("object_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        if longest is None:
            raise LookupError("No change history: seed first.")
        return cls(
            manager=manager,
            company=company,
            contact_count=biggest["n"],
            board_pipeline=board["pk"],
            board_stage=stage,
            history_deal=longest["object_id"],
            grouped_report=_grouped_report(manager),
        )


def _grouped_report(manager: User) -> int:
    """The report builder's bench report, shared with everyone (each user sees their rows):
    deals grouped by owner and stage with the sum of the amount — three columns."""
    report, _created = SavedReport.objects.update_or_create(
        name="bench: deals by owner and stage",
        author=manager,
        defaults={
            "entity": "deals",
            "sharing": "everyone",
            "spec": {
                "columns": [],
                "filters": [],
                "group_by": ["owner", "stage"],
                "aggregate": {"fn": "sum", "field": "amount"},
                "sort": "-value",
                "chart": "bar",
            },
        },
    )
    return report.pk


def cases(subjects: Subjects) -> list[Case]:
    deep = deepest_page()
    owner = subjects.manager.pk
    board = subjects.board_pipeline
    company = subjects.company
    surname = SURNAME_QUERY.capitalize()
    return [
        Case("companies: first page", "/companies/", _html_rows("companies", at_least=25)),
        Case("companies: page 100", "/companies/?page=100", _html_rows("companies", at_least=25)),
        Case(
            f"companies: page {deep} (deepest)",
            f"/companies/?page={deep}",
            _html_rows("companies", at_least=25),
        ),
        Case(
            "companies: supplier in Алматы",
            "/companies/?kind=supplier&city=Алматы",
            _html_rows("companies"),
        ),
        Case("contacts: first page", "/contacts/", _html_rows("contacts", at_least=25)),
        Case("contacts: page 100", "/contacts/?page=100", _html_rows("contacts", at_least=25)),
        Case(
            f"contacts: page {deep} (deepest)",
            f"/contacts/?page={deep}",
            _html_rows("contacts", at_least=25),
        ),
        Case(
            "contacts: sort -created",
            "/contacts/?sort=-created",
            _html_rows("contacts", at_least=25),
        ),
        Case(
            f"contacts: search {SURNAME_QUERY}",
            f"/contacts/?search={SURNAME_QUERY}",
            _html_rows("contacts", must_contain=surname),
        ),
        Case("deals: first page", "/deals/", _html_rows("deals", at_least=25)),
        Case("deals: page 100", "/deals/?page=100", _html_rows("deals", at_least=25)),
        Case(
            f"deals: page {deep} (deepest)",
            f"/deals/?page={deep}",
            _html_rows("deals", at_least=25),
        ),
        Case(
            "deals: owner + open",
            f"/deals/?owner={owner}&status=open",
            _html_rows("deals", at_least=25),
        ),
        Case("deals: sort -amount", "/deals/?sort=-amount", _html_rows("deals", at_least=25)),
        Case("deals: sort by owner", "/deals/?sort=owner", _html_rows("deals", at_least=25)),
        Case(
            "deals: one stage",
            f"/deals/?stage={_first_open_stage()}",
            _html_rows("deals", at_least=25),
        ),
        Case(
            "activities: first page",
            "/activities/",
            _html_rows("activities", at_least=25),
        ),
        Case(
            "activities: sort by subject",
            "/activities/?sort=subject",
            _html_rows("activities", at_least=25),
        ),
        Case(
            "activities: open calls",
            "/activities/?kind=call&done=false",
            _html_rows("activities", at_least=25),
        ),
        Case(
            f"activities: page {deep} (deepest)",
            f"/activities/?page={deep}",
            _html_rows("activities", at_least=25),
        ),
        Case(
            "contacts: sort by owner",
            "/contacts/?sort=-owner",
            _html_rows("contacts", at_least=25),
        ),
        Case(
            "contacts: CSV export of a search",
            f"/contacts/export/?search={SURNAME_QUERY}&owner={owner}",
            _csv_rows(must_contain=surname),
        ),
        Case(
            f"company detail ({subjects.contact_count} contacts)",
            f"/companies/{company.pk}/",
            _html_rows("contacts", must_contain=company.name),
        ),
        Case(
            f"search: {SURNAME_QUERY}",
            f"/search/?q={SURNAME_QUERY}",
            _html_rows("contacts", must_contain=surname),
        ),
        Case(
            "board: key clients",
            f"/deals/board/?pipeline={board}",
            _html_rows("deals"),
            target_ms=BOARD_TARGET_MS,
        ),
        Case(
            "board: key clients, one owner",
            f"/deals/board/?pipeline={board}&owner={owner}",
            _html_rows("deals", at_least=1),
            target_ms=BOARD_TARGET_MS,
        ),
        Case(
            "board: more cards",
            f"/deals/board/column/?pipeline={board}&stage={subjects.board_stage}&offset=20",
            _html_rows("deals"),
            target_ms=BOARD_TARGET_MS,
        ),
        Case(
            "board: column totals",
            f"/deals/board/stats/?pipeline={board}",
            _json_list(key="columns", at_least=3),
            target_ms=BOARD_TARGET_MS,
        ),
        Case(
            "deal: long history",
            f"/deals/{subjects.history_deal}/",
            _history_rows(at_least=100),
            target_ms=BOARD_TARGET_MS,
        ),
        Case(
            "api: deal history",
            f"/api/v1/deals/{subjects.history_deal}/history/",
            _json_list(at_least=100),
            target_ms=BOARD_TARGET_MS,
        ),
        Case("home: stream and rates", "/", _html_rows("deals", at_least=1)),
        Case(
            "reports: dashboard, this year",
            "/reports/?period=this_year",
            _report_blocks(),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: funnel and cycle, this year",
            "/reports/block/funnel/?period=this_year",
            _report_blocks(at_least=1),
            target_ms=REPORT_TARGET_MS,
        ),
        *(
            Case(
                f"reports: block {block}, this year",
                f"/reports/export/{block}.csv?period=this_year",
                _block_rows(),
                target_ms=REPORT_TARGET_MS,
            )
            for block in ("stages", "sources", "months", "directions", "forecast", "lost")
        ),
        Case(
            "reports: block stage_days, this year",
            "/reports/export/stage_days.csv?period=this_year",
            _block_rows(),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: scorecard, this year",
            "/reports/scorecard/?period=this_year",
            _html_contains('data-testid="scorecard"'),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: scorecard, last month, one owner",
            f"/reports/scorecard/?period=last_month&owner={owner}",
            _html_contains('data-testid="scorecard"'),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: sales plans, this month",
            "/reports/plans/",
            _html_contains('data-testid="plans"'),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: builder, deals by owner and stage (3 columns)",
            f"/reports/builder/{subjects.grouped_report}/",
            _html_contains('data-testid="report-rows"'),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: ABC/XYZ matrix",
            "/reports/abc-xyz/",
            _html_contains('data-testid="abc-xyz-matrix"'),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: revenue by direction, last month",
            "/reports/export/directions.csv?period=last_month",
            _block_rows(),
            target_ms=REPORT_TARGET_MS,
        ),
        Case(
            "reports: dashboard, last year, one owner",
            f"/reports/?period=last_year&owner={owner}",
            _report_blocks(),
            target_ms=REPORT_TARGET_MS,
        ),
        Case("api: stream", "/api/v1/stream/?limit=50", _json_list(at_least=50)),
        Case("api: deals", "/api/v1/deals/", _api_rows()),
        Case(f"api: deals page {deep}", f"/api/v1/deals/?page={deep}", _api_rows()),
        Case(
            f"api: contacts search {SURNAME_QUERY}",
            f"/api/v1/contacts/?search={SURNAME_QUERY}",
            _api_rows(name_field="full_name", must_start=SURNAME_QUERY),
        ),
    ]
