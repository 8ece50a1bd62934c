"""Every list page and API list runs a fixed number of SQL queries, whatever the number of rows.

Each budget is asserted at 5 and at 50 rows (more than a page): a query per row would show
as a difference. The numbers are the whole request: session, user with role, role rules, the owners a
user may see, the capped count, the page's ids, its rows, the filter's choices, and the top
bar's recently viewed records and the choices of the bulk action bar. A record's page also writes it to the recent views and reads its
history and stream.
"""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    ContactFactory,
    DealFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _fill(owner, rows: int) -> None:
    for n in range(rows):
        company = CompanyFactory(owner=owner, name=f"Иванов и К {n}", phones=["+77011234567"])
        contact = ContactFactory(owner=owner, company=company, last_name=f"Иванов{n}")
        deal = DealFactory(owner=owner, company=company, contact=contact, name=f"Тур Иванова {n}")
        ActivityFactory(
            owner=owner, company=company, contact=contact, deal=deal, subject=f"Иванову {n}"
        )


# url, query string, queries for a manager (role rules + team lookup)
BUDGETS = [
    # + the bell, + the marketing's groups in the bulk bar («add to a group»)
    ("contacts:company-list", {}, 12),
    ("contacts:company-list", {"search": "иванов", "sort": "-created"}, 12),
    ("contacts:contact-list", {}, 12),
    ("contacts:contact-list", {"search": "иванов"}, 12),
    ("sales:deal-list", {}, 20),  # + the bell, + the direction filter's choices
    ("sales:deal-list", {"status": "open", "sort": "amount"}, 20),  # + bell, directions
    ("activities:activity-list", {}, 11),  # + the bell
    ("web:search", {"q": "иванов"}, 14),  # + the bell, + leads (ids, rows)
    ("api:company-list", {}, 7),
    ("api:contact-list", {"search": "иванов"}, 7),
    ("api:deal-list", {}, 9),
    ("api:activity-list", {}, 8),  # + participants of the page
]


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("url_name,params,budget", BUDGETS)
def test_list_query_budget(
    url_name, params, budget, rows, owner, teammate, django_assert_num_queries
):
    _fill(owner, rows)
    client = client_for(owner)
    with django_assert_num_queries(budget):
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    assert "Иванов" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_company_detail_query_budget(rows, owner, django_assert_num_queries):
    company = CompanyFactory(owner=owner)
    for n in range(rows):
        contact = ContactFactory(owner=owner, company=company)
        deal = DealFactory(owner=owner, company=company, contact=contact)
        ActivityFactory(owner=owner, company=company, deal=deal, subject=f"Звонок {n}")
    client = client_for(owner)
    # + the bell, postponements, the timeline's planned and past activities, the quick
    # form's outcomes, the stream of its deals: 6 more than before the timeline (15); the
    # letters card: the mailboxes the user reads and the teams above theirs (2); its
    # documents and its files: 2 (the same whatever the number of rows); the marketing card
    # (the groups): 1; 2 more measured on the marketing branch (see its report).
    with django_assert_num_queries(26):
        assert client.get(company.get_absolute_url()).status_code == 200


def test_an_administrator_needs_no_owner_lookups(django_assert_num_queries, admin_user, owner):
    _fill(UserFactory(), 5)
    client = client_for(admin_user)
    with django_assert_num_queries(10):  # + the marketing's groups in the bulk bar
        assert client.get(reverse("contacts:company-list")).status_code == 200
