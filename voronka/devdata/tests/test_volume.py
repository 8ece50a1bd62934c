"""The benchmark tools on a tiny data set: seed_volume makes what bench needs, bench finds it.

The real runs (a million records, minutes) are in bench/README.md; this keeps the tools from
rotting between them: a model change that breaks the loader or a page that breaks a case's
check fails here.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from voronka.audit.models import HistoryEntry, StreamEvent
from voronka.contacts.models import Company
from voronka.devdata.volume import names
from voronka.sales.models import Deal, Pipeline, Stage, StageChange, StageKind

# Flushed afterwards: seed_volume commits batch by batch and closes its connection.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _defaults(transactional_db):
    """Roles and the first pipeline come from data migrations, which a flush removes."""
    from voronka.accounts.defaults import create_default_roles
    from voronka.accounts.models import Role, RolePermission
    from voronka.sales.defaults import create_default_pipeline

    create_default_roles(Role, RolePermission)
    create_default_pipeline(Pipeline, Stage)


def _seed() -> str:
    out = StringIO()
    call_command(
        "seed_volume",
        scale=0.001,
        board_deals=60_000,  # × scale: 60 open deals on the board
        board_closed=5_000,
        rate_days=40,
        skip_analyze=True,
        stdout=out,
    )
    return out.getvalue()


def test_seed_volume_makes_the_board_pipeline_and_each_deals_past():
    output = _seed()

    assert "Done in" in output
    assert Company.objects.count() == 300
    board = Pipeline.objects.get(name=names.BOARD_PIPELINE)
    assert Deal.objects.filter(pipeline=board, stage__kind=StageKind.OPEN).count() == 60
    # Every deal starts with a stage change from nowhere, as deal_create writes it.
    assert StageChange.objects.filter(from_stage=None).count() == Deal.objects.count()
    assert StreamEvent.objects.filter(verb="created").count() == Deal.objects.count()
    # One deal has a long change history: the benchmark's "deal: long history" case.
    longest = max(
        HistoryEntry.objects.values_list("object_id", flat=True).distinct(),
        key=lambda pk: HistoryEntry.objects.filter(object_id=pk, entity="deal").count(),
    )
    assert HistoryEntry.objects.filter(entity="deal", object_id=longest).count() >= 100


@pytest.mark.parametrize("only", ["board: key clients", "history"])
def test_bench_measures_the_board_and_the_history_on_the_seeded_data(only, tmp_path):
    _seed()
    out = StringIO()

    call_command(
        "bench", repeat=2, warmup=0, only=only, output=str(tmp_path), no_explain=True, stdout=out
    )

    report = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    results = report["results"]
    assert {r["user"] for r in results} == {"admin", "manager", "head"}
    assert all(only in r["case"] for r in results)
    assert all(not r["error"] and r["rows"] > 0 and len(r["samples_ms"]) == 2 for r in results)
    assert all(r["target_ms"] == 200 for r in results)
    assert "| board: key clients |" in out.getvalue() or "| deal: long history |" in out.getvalue()
