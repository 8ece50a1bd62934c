"""The sign-in journal: every attempt with its time, address and outcome."""

from __future__ import annotations

from .models import SignInEvent, User
from .throttle import client_address


def record(request, *, username: str, outcome: str, user: User | None = None) -> SignInEvent:
    if user is None and username:
        user = User.objects.filter(username=username).first()
    return SignInEvent.objects.create(
        user=user,
        username=(username or (user.username if user else ""))[:150],
        address=client_address(request)[:64],
        outcome=outcome,
    )
