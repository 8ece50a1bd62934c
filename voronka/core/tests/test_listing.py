"""Sorting and paging of lists."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import CompanyFactory
from voronka.ui.listing import order_for


def test_a_reversed_sort_reverses_every_field():
    allowed = {"owner": ["owner", "-created_at"], "name": ["name"]}
    assert order_for("owner", allowed) == ["owner", "-created_at", "pk"]
    assert order_for("-owner", allowed) == ["-owner", "created_at", "-pk"]
    assert order_for("-name", allowed) == ["-name", "-pk"]


@pytest.mark.django_db
def test_sorting_by_owner_groups_each_owners_records(head, owner, teammate):
    for name in ("Бета", "Альфа"):
        CompanyFactory(owner=owner, name=f"{name} {owner.first_name}")
        CompanyFactory(owner=teammate, name=f"{name} {teammate.first_name}")
    body = (
        client_for(head).get(reverse("contacts:company-list"), {"sort": "owner"}).content.decode()
    )
    positions = [
        body.index(f"{n} {u.first_name}") for u in (owner, teammate) for n in ("Альфа", "Бета")
    ]
    assert positions == sorted(positions)
