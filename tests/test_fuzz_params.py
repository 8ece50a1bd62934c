"""No request parameter gives a 500 (issue 10, section 3).

Every list page and its export, the board and its endpoints, the calendar's feed and move,
every report URL and every API list endpoint gets each parameter it declares (collected from
its FilterSet's `base_filters`, its filter form's fields, and a hand list for the views that
read parameters themselves) with each hostile value below, one parameter at a time, the
other parameters valid. An administrator and a manager take turns: each (parameter, value)
is sent once, and each parameter by both of them. Any answer of 500 or more is a failure,
reported with the request that caused it.

About 6,800 requests; to stay within a minute on two workers, the URLs that read their
parameters through the same function as another get the parameters that reach their own
code (the board, the dashboard's blocks: see BLOCK_PARAMS).

Deterministic on purpose: a fixed list of values, no random search. Each request runs in a
savepoint, so on PostgreSQL an error inside one (an aborted transaction) cannot hide behind
the next request's failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import django.test.client
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.factories import ActivityFactory, CompanyFactory, ContactFactory, DealFactory, stage
from voronka.activities.filters import ActivityFilter
from voronka.administration.filters import BinFilter
from voronka.analytics.forms import ReportFilterForm
from voronka.analytics.models import ReportSharing, SalesPlan, SavedReport
from voronka.analytics.views import BLOCKS
from voronka.analytics.views_classification import MatrixFilterForm
from voronka.api.urls import router
from voronka.contacts.filters import CompanyFilter, ContactFilter
from voronka.leads.filters import LeadFilter
from voronka.marketing.segments import SegmentConditionsForm
from voronka.marketing.views import CampaignFilter
from voronka.sales.filters import DealFilter
from voronka.sales.views import BOARD_FILTERS
from voronka.service.filters import CaseFilter
from voronka.staff.filters import JournalFilter, SignInFilter, UserFilter

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    str(10**23),
    "1e309",
    "NaN",
    "Infinity",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "99999-01-01",
    "9999-12-31T23:59:59+14:00",
    "1'; DROP TABLE deals; --",
    "\x00",
    "²",  # str.isdigit() says yes, int() says no
    "x" * 10_000,
    ["1", str(10**23)],  # the same parameter twice
]


@dataclass
class Target:
    name: str
    url: str
    params: list[str]
    baseline: dict = field(default_factory=dict)
    method: str = "get"


def _filters(filterset_class) -> list[str]:
    return [*filterset_class.base_filters, "sort", "page"]


def _report_params() -> list[str]:
    return list(ReportFilterForm.base_fields)


# The scorecard's form drops the pipeline and the direction (it is about people).
SCORECARD_PARAMS = ["period", "start", "end", "team", "owner"]


# The blocks share the dashboard's form: team, owner and direction select the deals the same
# way for every block (the dashboard and its API get them all); the period and the pipeline
# reach each block's own queries.
BLOCK_PARAMS = ["period", "start", "end", "pipeline"]

# A custom period by default, so that `start` and `end` are read whatever else is sent.
PERIOD = {"period": "custom", "start": "2026-01-01", "end": "2026-03-31"}
CALENDAR = {"start": "2026-01-01T00:00:00", "end": "2026-02-01T00:00:00"}


def _page_targets(ids: dict) -> list[Target]:
    lists = [
        ("contacts:company-list", "contacts:company-export", CompanyFilter),
        ("contacts:contact-list", "contacts:contact-export", ContactFilter),
        ("sales:deal-list", "sales:deal-export", DealFilter),
        ("activities:activity-list", "activities:activity-export", ActivityFilter),
        ("leads:lead-list", "leads:lead-export", LeadFilter),
    ]
    targets = []
    for page, export, filterset_class in lists:
        targets.append(Target(page, reverse(page), _filters(filterset_class)))
        targets.append(Target(export, reverse(export), _filters(filterset_class)))
    # Pages that read a parameter or two themselves: prefilled forms, searches, the rates.
    targets += [
        Target(
            "activities:activity-create",
            reverse("activities:activity-create"),
            ["kind", "due_at", "end_at", "type", "company", "contact", "deal"],
        ),
        Target("sales:deal-create", reverse("sales:deal-create"), ["company", "contact"]),
        Target("contacts:contact-create", reverse("contacts:contact-create"), ["company"]),
        Target("web:search", reverse("web:search"), ["q"]),
        Target("web:home", reverse("web:home"), ["who", "stream"]),
        Target("web:rates", reverse("web:rates"), ["currency", "page"]),
        Target("notifications:list", reverse("notifications:list"), ["unread", "page"]),
        Target("leads:lead-board", reverse("leads:lead-board"), _filters(LeadFilter)),
        Target("administration:trash", reverse("administration:trash"), _filters(BinFilter)),
        Target("administration:rule-list", reverse("administration:rule-list"), ["page"]),
        Target("mail:inbox", reverse("mail:inbox"), ["mailbox", "show", "q", "page"]),
        Target(
            "mail:compose",
            reverse("mail:compose"),
            ["contact", "company", "deal", "lead", "reply", "forward", "template"],
        ),
        Target(
            "mail:compose-template",
            reverse("mail:compose-template"),
            ["contact", "company", "deal", "lead", "template"],
        ),
        Target("merging:duplicates", reverse("merging:duplicates"), ["kind", "page"]),
        Target("imports:start", reverse("imports:start"), ["target", "page"]),
        Target(
            "imports:contacts-vcard",
            reverse("imports:contacts-vcard"),
            [*_filters(ContactFilter), "version"],
        ),
        *[
            Target(name, reverse(name), ["q", "page", "pipeline", "company"])
            for name in (
                "contacts:company-autocomplete",
                "contacts:contact-autocomplete",
                "sales:deal-autocomplete",
                "leads:lead-autocomplete",
                "service:case-autocomplete",
            )
        ],
        *[
            Target(
                name, reverse(name), ["company", "contact", "deal", "lead", "source", "pipeline"]
            )
            for name in ("contacts:company-create", "leads:lead-create", "sales:pipeline-create")
        ],
        Target("reports:leads", reverse("reports:leads"), _report_params(), PERIOD),
        Target("reports:receivables", reverse("reports:receivables"), ["by", "start", "end"]),
        Target("documents:list", reverse("documents:list"), ["deal", "company", "type", "status"]),
        Target("catalog:price-search", reverse("catalog:price-search"), ["q"]),
        Target("staff:user-list", reverse("staff:user-list"), _filters(UserFilter)),
        Target("staff:journal", reverse("staff:journal"), _filters(JournalFilter)),
        Target("staff:sign-ins", reverse("staff:sign-ins"), _filters(SignInFilter)),
        Target("service:case-list", reverse("service:case-list"), _filters(CaseFilter)),
        Target("service:case-board", reverse("service:case-board"), _filters(CaseFilter)),
        Target("service:case-create", reverse("service:case-create"), ["deal"]),
        Target("reports:service", reverse("reports:service"), _report_params(), PERIOD),
        # The marketing: the campaigns' list, a segment's live count and form, a mailing's
        # prefilled form.
        Target(
            "marketing:campaign-list", reverse("marketing:campaign-list"), _filters(CampaignFilter)
        ),
        Target(
            "marketing:segment-count",
            reverse("marketing:segment-count"),
            ["audience", *SegmentConditionsForm.base_fields],
        ),
        Target(
            "marketing:segment-create",
            reverse("marketing:segment-create"),
            ["audience", *SegmentConditionsForm.base_fields],
        ),
        Target(
            "marketing:mailing-create",
            reverse("marketing:mailing-create"),
            ["campaign", "segment", "group"],
        ),
    ]
    # The board reads the deal list's FilterSet (fuzzed in full on the list, its export and
    # the API) through one function for the page, its column and its figures: they get the
    # filters the board shows, its own parameters and the ones it drops (stage, status).
    board = [*BOARD_FILTERS, "pipeline"]
    column = {"stage": str(ids["stage"]), "pipeline": str(ids["pipeline"])}
    targets += [
        Target("sales:deal-board", reverse("sales:deal-board"), [*board, "stage", "status"]),
        Target(
            "sales:deal-board-column",
            reverse("sales:deal-board-column"),
            [*board, "stage", "offset"],
            column,
        ),
        Target("sales:deal-board-stats", reverse("sales:deal-board-stats"), board),
        Target("calendars:calendar", reverse("calendars:calendar"), ["user", "team"]),
        Target(
            "calendars:events",
            reverse("calendars:events"),
            ["start", "end", "user", "team"],
            CALENDAR,
        ),
        Target(
            "calendars:event-move",
            reverse("calendars:event-move", args=[ids["activity"]]),
            ["start", "end", "version"],
            {"start": "2026-01-05T10:00:00", "version": "1"},
            method="post",
        ),
        Target("reports:dashboard", reverse("reports:dashboard"), _report_params(), PERIOD),
        Target("reports:scorecard", reverse("reports:scorecard"), SCORECARD_PARAMS, PERIOD),
        Target(
            "reports:scorecard-export",
            reverse("reports:scorecard-export", args=["csv"]),
            SCORECARD_PARAMS,
            PERIOD,
        ),
        Target("reports:abc-xyz", reverse("reports:abc-xyz"), list(MatrixFilterForm.base_fields)),
        Target("reports:plans", reverse("reports:plans"), ["period", "start"]),
        Target("reports:plan-new", reverse("reports:plan-new"), ["period", "start"]),
        Target("reports:builder", reverse("reports:builder"), ["page"]),
        Target("reports:builder-new", reverse("reports:builder-new"), ["entity"]),
        Target(
            "reports:builder-run",
            reverse("reports:builder-run", args=[ids["report"]]),
            ["page"],
        ),
        Target(
            "reports:builder-export",
            reverse("reports:builder-export", args=[ids["report"], "csv"]),
            ["page"],
        ),
    ]
    for block in BLOCKS:
        targets.append(
            Target(
                f"reports:block {block}",
                reverse("reports:block", args=[block]),
                BLOCK_PARAMS,
                PERIOD,
            )
        )
        targets.append(
            Target(
                f"reports:export {block}",
                reverse("reports:export", args=[block, "csv"]),
                BLOCK_PARAMS,
                PERIOD,
            )
        )
    builder = {
        "name": "Fuzz",
        "entity": "deals",
        "columns": "name",
        "sharing": ReportSharing.PRIVATE,
        "filter_0_field": "amount",
        "filter_0_op": "gte",
        "filter_0_value": "1",
        "preview": "1",
    }
    url = reverse("reports:builder-new")
    targets.append(
        Target(
            "reports:builder-new preview",
            url,
            ["filter_0_field", "filter_0_op", "sort"],  # grouping and total: lists like sort
            builder,
            method="post",
        )
    )
    for field_key, op in [("amount", "gte"), ("expected_close", "lte"), ("status", "equals")]:
        targets.append(
            Target(
                f"reports:builder-new preview {field_key} {op}",
                url,
                ["filter_0_value"],
                {**builder, "filter_0_field": field_key, "filter_0_op": op},
                method="post",
            )
        )
    return targets


# The API views that read their parameters themselves (no FilterSet).
API_PARAMS = {
    "calendar": (["start", "end", "user", "team"], CALENDAR),
    "dashboard": (_report_params(), PERIOD),
    "scorecard": (SCORECARD_PARAMS, PERIOD),
    "stream": (["scope", "entity", "object_id", "limit"], {}),
}


def _api_targets(ids: dict) -> list[Target]:
    targets = []
    for _prefix, viewset, basename in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        params, baseline = API_PARAMS.get(basename, ([], {}))
        if filterset_class is not None:
            params = [*filterset_class.base_filters, "sort"]
        if getattr(viewset, "pagination_class", 1) is not None:
            params = [*params, "page", "page_size"]
        targets.append(
            Target(f"api:{basename}-list", reverse(f"api:{basename}-list"), params, baseline)
        )
    # One block through the API: its figures are the page's block (fuzzed block by block),
    # serialized by one serializer whatever the block.
    targets.append(
        Target(
            "api:dashboard-detail months",
            reverse("api:dashboard-detail", args=["months"]),
            BLOCK_PARAMS,
            PERIOD,
        )
    )
    targets += [
        Target(
            "api:saved-report-run",
            reverse("api:saved-report-run", args=[ids["report"]]),
            ["page"],
        ),
        Target(
            "api:exchange-rate-convert",
            reverse("api:exchange-rate-convert"),
            ["amount", "currency", "date"],
            {"amount": "100", "currency": "USD"},
        ),
    ]
    return targets


@pytest.fixture
def records(owner, admin_user, teammate):
    company = CompanyFactory(owner=owner)
    contact = ContactFactory(owner=owner, company=company)
    deal = DealFactory(owner=owner, company=company, contact=contact)
    DealFactory(owner=teammate, stage=stage(1))
    activity = ActivityFactory(owner=owner, company=company, deal=deal)
    report = SavedReport.objects.create(
        author=admin_user,
        name="Все сделки",
        entity="deals",
        spec={"columns": ["name", "amount"], "group_by": [], "filters": []},
        sharing=ReportSharing.EVERYONE,
    )
    SalesPlan.objects.create(period="month", start="2026-01-01", owner=owner, amount=1000)
    return {
        "stage": deal.stage_id,
        "pipeline": deal.pipeline_id,
        "activity": activity.pk,
        "report": report.pk,
    }


def _send(client: Client, target: Target, name: str, value) -> int:
    data = {**target.baseline, name: value}

    class Failed(Exception):
        pass

    try:
        with transaction.atomic():  # a savepoint: a database error stays in this request
            response = getattr(client, target.method)(target.url, data)
            if response.status_code >= 500:
                raise Failed
    except Failed:
        return response.status_code
    return response.status_code


def _fuzz(targets: list[Target], users: list) -> tuple[list[str], int]:
    """Each parameter of each target with each hostile value, once; the users take turns
    (by parameter and value), so every parameter is sent by each of them."""
    clients = []
    for user in users:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append((user, client))
    failures, sent = [], 0
    for target in targets:
        for p, name in enumerate(target.params):
            for v, value in enumerate(HOSTILE):
                user, client = clients[(p + v) % len(clients)]
                status = _send(client, target, name, value)
                sent += 1
                if status >= 500:
                    failures.append(
                        f"{user.username} {target.method.upper()} {target.name} "
                        f"{name}={repr(value)[:40]} → {status}"
                    )
    return failures, sent


CHUNKS = 12  # tests to share among the workers (pytest -n)


def all_targets(ids: dict) -> list[Target]:
    return [*_page_targets(ids), *_api_targets(ids)]


def chunk_of(targets: list[Target], chunk: int) -> list[Target]:
    """The targets of one chunk: the longest first into the lightest chunk, so the chunks
    (and the workers) take about the same time. Measured: a report costs about three times
    an export, a page or an API list about twice."""
    loads = [0] * CHUNKS
    chunks: list[list[Target]] = [[] for _ in range(CHUNKS)]

    def cost(target: Target) -> int:
        weight = 3 if "reports" in target.url else 1 if "export" in target.url else 2
        return len(target.params) * weight

    for target in sorted(targets, key=lambda t: (-cost(t), t.name)):
        lightest = loads.index(min(loads))
        chunks[lightest].append(target)
        loads[lightest] += cost(target)
    return chunks[chunk]


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_hostile_parameter_gives_a_500(chunk, records, owner, admin_user, monkeypatch):
    # Only the status is read: the test client need not keep every template's context (a
    # sixth of the time of these thousands of requests).
    monkeypatch.setattr(django.test.client, "store_rendered_templates", lambda *a, **k: None)
    targets = chunk_of(all_targets(records), chunk)
    failures, sent = _fuzz(targets, [admin_user, owner])
    assert sent == sum(len(t.params) for t in targets) * len(HOSTILE) > 0
    assert failures == [], f"{len(failures)} of {sent} requests failed:\n" + "\n".join(
        failures[:60]
    )


def test_the_fuzz_covers_every_list_board_calendar_report_and_api_url(records):
    names = {target.name for target in all_targets(records)}
    for required in [
        "contacts:company-list",
        "contacts:company-export",
        "sales:deal-board-column",
        "calendars:events",
        "calendars:event-move",
        "reports:dashboard",
        "reports:scorecard-export",
        "reports:plans",
        "reports:builder-run",
    ]:
        assert required in names
    assert {f"reports:block {block}" for block in BLOCKS} <= names
    assert {f"api:{basename}-list" for _p, _v, basename in router.registry} <= names


# Pages without a parameter of their own to fuzz: settings lists, forms whose input is posted
# (not read from the query), pages of one's own account.
NOT_FUZZED = {
    "accounts:login",
    "accounts:logout",
    "accounts:profile",
    "accounts:password-change",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-complete",
    "accounts:token-create",
    "activities:activity-quick",
    "calendars:feed-renew",
    "calendars:feed-revoke",
    "handover:handover",
    "reports:layout",
    "reports:abc-xyz-settings",
    "reports:abc-xyz-recompute",
    "web:rates-load",
    "leads:form-create",
    "leads:settings",
    "mail:mailbox-create",
    "mail:template-create",
    "mail:signature",
    "leads:form-list",
    "mail:mailbox-list",
    "mail:template-list",
    "notifications:preferences",
    "notifications:read-all",
    "reports:classification-settings",
    # The catalogue's and the documents' settings and forms: their input is posted.
    "catalog:product-list",
    "catalog:product-create",
    "catalog:price-list-list",
    "catalog:price-list-create",
    "catalog:type-create",
    "documents:type-create",
    "documents:requisites",
    "documents:payments-import",
    # Settings → users, teams, roles: forms and a tree, nothing read from the query; the
    # second step of signing in and the authenticator's set-up read a posted code only.
    "staff:user-invite",
    "staff:team-list",
    "staff:role-list",
    "staff:role-create",
    "accounts:login-code",
    "accounts:two-factor",
    "service:sla-settings",
    "service:deputies",
    "marketing:dashboard",
    "marketing:segment-list",
    "marketing:mailing-list",
    "marketing:questionnaire-list",
    "marketing:competitor-list",
    "marketing:campaign-create",
    "marketing:group-create",
    "marketing:group-add",
    "marketing:questionnaire-create",
    "administration:healthz",
    "administration:trash-empty",
}


def _pages_without_arguments():
    """Every named page of the apps (not the admin's, not the API's) whose address takes no
    argument: the ones a person reaches with a query string."""
    from django.urls import get_resolver

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = pattern.namespace or ""
                yield from walk(pattern.url_patterns, inner or namespace)
            elif pattern.name and "<" not in str(pattern.pattern):
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    skip = ("admin:", "api:", "set_language", "javascript-catalog")
    return {name for name in walk(get_resolver().url_patterns) if not name.startswith(skip)}


def test_every_page_that_reads_its_query_is_fuzzed_or_said_not_to(records):
    """A new app's list page cannot slip past the fuzz: it is in the targets, or in
    NOT_FUZZED with the others that read nothing from the query."""
    fuzzed = {target.name.split(" ")[0] for target in all_targets(records)}
    settings_lists = {
        name
        for name in _pages_without_arguments()
        if name.endswith(("-list", "-new")) and "settings" in reverse(name)
    }
    missing = _pages_without_arguments() - fuzzed - NOT_FUZZED - settings_lists
    assert missing == set(), f"pages not fuzzed: {sorted(missing)}"
