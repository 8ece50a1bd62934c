"""The personal calendar address is managed on the profile too (issue 4: "revocable from the
profile")."""

import pytest
from django.urls import reverse

from conftest import client_for
from voronka.calendars.models import CalendarFeed

pytestmark = pytest.mark.django_db


def test_the_profile_creates_and_revokes_the_calendar_address(owner):
    client = client_for(owner)

    created = client.post(reverse("calendars:feed-renew"), {"next": "profile"})
    assert created["Location"] == reverse("accounts:profile") + "#calendar-feed"
    feed = CalendarFeed.objects.get(user=owner)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert feed.token in profile and 'data-testid="profile-feed-revoke"' in profile
    assert client.get(reverse("calendars:feed", args=[feed.token])).status_code == 200

    revoked = client.post(reverse("calendars:feed-revoke"), {"next": "profile"})
    assert revoked["Location"] == reverse("accounts:profile") + "#calendar-feed"
    assert client.get(reverse("calendars:feed", args=[feed.token])).status_code == 404
    assert (
        'data-testid="profile-feed-revoke"'
        not in client.get(reverse("accounts:profile")).content.decode()
    )
