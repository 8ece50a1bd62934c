"""Shared test fixtures: the standing users of every access test, and HTTP-friendly settings.

The trio (owner, teammate, outsider) follows healthchecks' tests; the head of sales leads the
department that contains the owner's team.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import TeamFactory, UserFactory
from voronka.accounts.models import Role

# Property tests must not depend on how fast the machine is today: no deadline per example,
# no "too slow to generate" health check (it failed at load average 8), and the same examples
# on every run (derandomized), so a failure is reproducible and CI is not a lottery.
hypothesis_settings.register_profile(
    "voronka",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
    print_blob=True,
)
hypothesis_settings.load_profile("voronka")


def pytest_configure(config):
    # Production defaults redirect to HTTPS and need collected static files; tests speak
    # plain HTTP to the test client and to the live server (which starts before any
    # function-scoped `settings` fixture could change them).
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background jobs run at once, in the test's process and transaction.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Files a test stores (attachments, documents' PDFs) go to its own folder, never to the
    project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def department(db):
    return TeamFactory(name="Отдел продаж")


@pytest.fixture
def team(department):
    return TeamFactory(name="Группа А", parent=department)


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Другой отдел")


@pytest.fixture
def owner(team):
    return UserFactory(username="owner", first_name="Алия", last_name="Нурланова", team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="teammate", first_name="Данияр", last_name="Ахметов", team=team)


@pytest.fixture
def outsider(other_team):
    return UserFactory(
        username="outsider", first_name="Чужой", last_name="Менеджер", team=other_team
    )


@pytest.fixture
def head(department):
    return UserFactory(
        username="head",
        first_name="Гульнара",
        last_name="Сапарова",
        team=department,
        role=Role.objects.get(code="head"),
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", role=Role.objects.get(code="admin"), is_staff=True)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def admin_client_(admin_user):
    return client_for(admin_user)
