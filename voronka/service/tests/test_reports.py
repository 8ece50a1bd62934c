"""The clients' ratings in the scorecard (per manager and team) and the «Service» report."""

import pytest
from django.urls import reverse

from conftest import client_for
from voronka.analytics.scorecard import scorecard
from voronka.service import services


def _rated(owner, score, **extra):
    case = services.case_create(actor=owner, data={"subject": "Жалоба", **extra})
    case = services.case_set_status(actor=owner, case=case, status="resolved", resolution="Ок")
    services.rate(rating=case.ratings.get(), score=score)
    return case


@pytest.mark.django_db
def test_ratings_per_manager_and_team_in_the_scorecard(owner, teammate, head):
    from django.utils import timezone

    _rated(owner, 5, kind="complaint", product="Тур в Анталью")
    _rated(owner, 3, kind="complaint", product="Тур в Анталью")
    _rated(teammate, 4)
    today = timezone.localdate()
    rows = scorecard(head, today.replace(day=1), today)
    by_owner = {r.owner_id: r for r in rows if r.level == "manager"}
    assert by_owner[owner.pk].ratings == 2 and by_owner[owner.pk].rating == 4.0
    assert by_owner[teammate.pk].rating == 4.0
    team_row = next(r for r in rows if r.level == "team" and r.team_id == owner.team_id)
    assert team_row.ratings == 3 and team_row.rating == 4.0
    page = client_for(head).get(reverse("reports:scorecard")).content.decode()
    assert f'data-testid="rating-manager-{owner.pk}">4.0<' in page or (
        f'data-testid="rating-manager-{owner.pk}">4,0<' in page
    )

    report = client_for(head).get(reverse("reports:service"))
    assert report.status_code == 200
    assert report.context["complaints"] == 2 and report.context["satisfaction"] == 4.0
    assert report.context["by_product"][0]["product"] == "Тур в Анталью"
