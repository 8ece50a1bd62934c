"""Writes of the calendar: the feed address (create, replace, revoke)."""

from __future__ import annotations

from django.db import transaction

from voronka.accounts.models import User

from .models import CalendarFeed, new_token


def feed_renew(*, user: User) -> CalendarFeed:
    """Create the user's feed address, or replace its token (the old address stops working)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
        if not created:
            feed.token = new_token()
            feed.save(update_fields=["token"])
    return feed


def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()
