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


# url, query string, queries for a manager (role rules + team lookup + the colleagues the
# user covers for as a deputy)
BUDGETS = [
    ("contacts:company-list", {}, 13),  # + the bell, + the groups of the bulk bar
    ("contacts:company-list", {"search": "иванов", "sort": "-created"}, 13),  # + bell, groups
    ("contacts:contact-list", {}, 13),  # + the bell, + the groups of the bulk bar
    ("contacts:contact-list", {"search": "иванов"}, 13),  # + the bell, groups
    ("sales:deal-list", {}, 21),  # + the bell, + the direction filter's choices
    ("sales:deal-list", {"status": "open", "sort": "amount"}, 21),  # + bell, directions
    ("activities:activity-list", {}, 12),  # + the bell
    ("web:search", {"q": "иванов"}, 15),  # + the bell, + leads (ids, rows)
    ("api:company-list", {}, 8),
    ("api:contact-list", {"search": "иванов"}, 8),
    ("api:deal-list", {}, 10),
    ("api:activity-list", {}, 9),  # + participants of the page
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
    # letters card and the team tree it reads; the documents card and the files card: 1 each
    # (the same whatever the number of rows).
    # + the colleagues the user covers for as a deputy (accounts.Deputy): 1.
    # + the marketing card (the groups): 1.
    with django_assert_num_queries(27):
        assert client.get(company.get_absolute_url()).status_code == 200


def test_an_administrator_needs_no_owner_lookups(django_assert_num_queries, admin_user, owner):
    _fill(UserFactory(), 5)
    client = client_for(admin_user)
    with django_assert_num_queries(10):  # + the marketing's groups in the bulk bar
        assert client.get(reverse("contacts:company-list")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_settings_lists_of_users_and_the_journals_keep_their_budget(
    rows, admin_user, django_assert_num_queries
):
    """Settings → Users, the administration journal and the sign-in journal: the same
    number of queries at 5 and 50 users (their team, role and manager are joined; the
    journal names its rows with one query per kind of setting on the page)."""
    from voronka.accounts.models import SignInEvent, Team
    from voronka.staff import services

    team = Team.objects.create(name="Отдел")
    for n in range(rows):
        user = UserFactory(username=f"user{n}", team=team, manager=admin_user)
        services.update_user(actor=admin_user, user=user, data={"position": f"Менеджер {n}"})
        SignInEvent.objects.create(user=user, username=user.username, outcome="success")
    client = client_for(admin_user)
    for name, budget in (("staff:user-list", 9), ("staff:journal", 8), ("staff:sign-ins", 7)):
        with django_assert_num_queries(budget):
            assert client.get(reverse(name)).status_code == 200, name
