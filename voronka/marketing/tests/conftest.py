import pytest

from tests.factories import UserFactory
from voronka.accounts.models import Role


@pytest.fixture
def marketer(team):
    return UserFactory(team=team, role=Role.objects.get(code="marketer"))
