"""Settings → Activity types and Settings → Outcomes: administrators edit the lists."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import ActivityFactory
from voronka.activities.models import ActivityKind, ActivityType, Outcome, OutcomeKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("activities:activity-type-list"),
        reverse("activities:outcome-list"),
    ],
)
def test_everyone_reads_the_lists_and_only_an_administrator_changes_them(
    url, owner, head, admin_user
):
    for reader in (owner, head):
        page = client_for(reader).get(url)
        assert page.status_code == 200
        assert 'name="name"' not in page.content.decode()  # no form of a new entry
    assert client_for(owner).post(url, {"name": "X"}).status_code == 403
    response = client_for(admin_user).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Исходящий звонок" in body or "Успешно" in body
    assert 'name="name"' in body  # the form of a new entry


def test_non_administrators_cannot_edit_or_delete(owner):
    kind = ActivityType.objects.first()
    outcome = Outcome.objects.first()
    client = client_for(owner)
    for name, pk in (("activity-type", kind.pk), ("outcome", outcome.pk)):
        assert client.get(reverse(f"activities:{name}-edit", args=[pk])).status_code == 403
        assert client.post(reverse(f"activities:{name}-delete", args=[pk])).status_code == 403
    assert ActivityType.objects.filter(pk=kind.pk).exists()


def test_an_administrator_adds_and_edits_an_activity_type(admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("activities:activity-type-list"),
        {
            "name": "Видеозвонок",
            "kind": "call",
            "direction": "out",
            "color": "#ff0000",
            "order": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    created = ActivityType.objects.get(name="Видеозвонок")
    assert (created.kind, created.direction, created.color) == ("call", "out", "#ff0000")

    response = client.post(
        reverse("activities:activity-type-edit", args=[created.pk]),
        {
            "name": "Звонок в Zoom",
            "kind": "meeting",
            "direction": "",
            "color": "#00ff00",
            "order": 2,
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.kind, created.is_active) == ("Звонок в Zoom", "meeting", False)


def test_an_invalid_activity_type_keeps_what_was_typed(admin_user):
    response = client_for(admin_user).post(
        reverse("activities:activity-type-list"),
        {"name": "Исходящий звонок", "kind": "", "direction": "", "color": "#123456", "order": 5},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors  # the name is taken
    assert "kind" in form.errors
    content = response.content.decode()
    assert 'value="#123456"' in content
    assert 'value="5"' in content
    assert ActivityType.objects.filter(name="Исходящий звонок").count() == 1


def test_an_administrator_adds_and_edits_an_outcome(admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("activities:outcome-list"),
        {"name": "Недозвон", "kind": "postponed", "order": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get(name="Недозвон")
    assert outcome.kind == OutcomeKind.POSTPONED and outcome.is_active

    response = client.post(
        reverse("activities:outcome-edit", args=[outcome.pk]),
        {"name": "", "kind": "other", "order": 3},
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    outcome.refresh_from_db()
    assert outcome.name == "Недозвон"


def test_an_unused_entry_is_deleted_and_one_in_use_is_deactivated(admin_user, owner):
    client = client_for(admin_user)
    unused = ActivityType.objects.create(name="Телеграм", kind=ActivityKind.TASK)
    response = client.post(reverse("activities:activity-type-delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not ActivityType.objects.filter(pk=unused.pk).exists()

    used = ActivityType.objects.get(name="Исходящий звонок")
    ActivityFactory(owner=owner, type=used)
    client.post(reverse("activities:activity-type-delete", args=[used.pk]))
    used.refresh_from_db()
    assert used.is_active is False

    outcome = Outcome.objects.get(kind=OutcomeKind.SUCCESS)
    ActivityFactory(owner=owner, type=used, done=True, outcome=outcome)
    client.post(reverse("activities:outcome-delete", args=[outcome.pk]))
    outcome.refresh_from_db()
    assert outcome.is_active is False


def test_the_settings_menu_links_the_lists_for_an_administrator(admin_user, owner):
    page = client_for(admin_user).get(reverse("activities:activity-type-list")).content.decode()
    assert reverse("activities:outcome-list") in page
    assert reverse("automation:date-rule-list") in page
    home = client_for(owner).get(reverse("activities:activity-list")).content.decode()
    assert reverse("activities:activity-type-list") not in home
