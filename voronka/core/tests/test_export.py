import csv
import io

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
)

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_export_holds_the_filtered_visible_rows_of_every_page(owner, outsider):
    for n in range(30):
        CompanyFactory(owner=owner, name=f"Ромашка {n:02d}", phones=["+77011234567"])
    CompanyFactory(owner=owner, name="Лютик")
    CompanyFactory(owner=outsider, name="Ромашка чужая")
    response = client_for(owner).get(reverse("contacts:company-export"), {"search": "ромашка"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0][0] == "Название контрагента"
    names = [r[0] for r in rows[1:]]
    assert names == [f"Ромашка {n:02d}" for n in range(30)]
    assert rows[1][6] == "+77011234567"


def test_a_formula_in_a_cell_is_neutralised(owner):
    CompanyFactory(owner=owner, name='=HYPERLINK("http://evil")')
    rows = _rows(client_for(owner).get(reverse("contacts:company-export")))
    assert rows[1][0].startswith("'=")


@pytest.mark.parametrize(
    "url_name,factory",
    [
        ("contacts:contact-export", lambda o: ContactFactory(owner=o, last_name="Иванов")),
        ("sales:deal-export", lambda o: DealFactory(owner=o, name="Тур Иванова")),
        ("activities:activity-export", lambda o: ActivityFactory(owner=o, subject="Иванову")),
    ],
)
def test_every_list_exports_through_the_access_layer(url_name, factory, owner, outsider):
    factory(owner)
    assert len(_rows(client_for(owner).get(reverse(url_name)))) == 2
    assert len(_rows(client_for(outsider).get(reverse(url_name)))) == 1
