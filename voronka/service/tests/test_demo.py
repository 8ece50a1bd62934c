import pytest
from django.core.management import call_command

from voronka.accounts.models import Deputy
from voronka.service.models import Case, CaseRating, Stakeholder

pytestmark = pytest.mark.django_db


def test_the_russian_demo_has_cases_stakeholders_and_a_deputy(settings):
    settings.DEBUG = True
    call_command("load_demo")
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"new", "in_work", "waiting", "resolved", "closed"} <= statuses
    assert Case.objects.filter(owner__isnull=True, team__name="Выездной туризм").exists()
    assert CaseRating.objects.filter(score__isnull=False).count() == 2
    assert Stakeholder.objects.filter(role="decision_maker").exists()
    assert Deputy.objects.filter(absent__username="ruslan", deputy__username="olga").exists()
