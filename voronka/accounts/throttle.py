"""Sign-in throttling: wrong passwords (the login form) and wrong API tokens are counted per
account and per address; after LOGIN_FAILURE_LIMIT of them within LOGIN_FAILURE_MINUTES, that
account or that address may not try again until the oldest of them is that old (a sliding
window: never more than the limit in any such stretch of time). A successful sign-in clears
the account's count, not the address's: one's own account must not reset an attacker's budget.

The counts live in the cache, which every web process must share (Redis, or the database
table that `migrate` creates; see CACHES in config/settings.py and docs/deploy.md). Two
processes may both read a count and both add one, losing one of the two: the limit can be
overshot by a request or two under a parallel attack, never by a lot.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

logger = logging.getLogger("voronka.security")


def _limit() -> int:
    return settings.VORONKA["LOGIN_FAILURE_LIMIT"]


def _window() -> int:
    return settings.VORONKA["LOGIN_FAILURE_MINUTES"] * 60


def client_address(request) -> str:
    """The address a request came from. Behind NUM_PROXIES proxies (nginx: 1) it is the one
    the nearest proxy appended to X-Forwarded-For; the entries before it come from the client
    and could be anything."""
    proxies = settings.NUM_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def _keys(*, username: str, address: str) -> dict[str, str]:
    """The cache key of each thing counted, by what it is: "account" and "address"."""
    keys = {}
    if username:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
        keys["account"] = f"signin-failures:account:{digest}"
    if address:
        digest = hashlib.sha256(address.encode()).hexdigest()
        keys["address"] = f"signin-failures:address:{digest}"
    return keys


def _recent(key: str, now: float) -> list[float]:
    return [moment for moment in cache.get(key, []) if moment > now - _window()]


def wait_seconds(*, username: str = "", address: str) -> int:
    """How long the account or the address must wait before it may try again; 0: it may."""
    now = time.time()
    wait = 0.0
    for key in _keys(username=username, address=address).values():
        recent = _recent(key, now)
        if len(recent) >= _limit():
            # Free again when the oldest failure that still counts leaves the window.
            wait = max(wait, recent[-_limit()] + _window() - now)
    return math.ceil(wait)


def record_failure(*, username: str = "", address: str) -> None:
    now = time.time()
    if username:
        logger.warning("Sign-in failed: account %r, address %s", username, address)
    else:
        logger.warning("Sign-in failed: a wrong API token from address %s", address)
    for kind, key in _keys(username=username, address=address).items():
        keep = _limit() - 1
        recent = [*(_recent(key, now)[-keep:] if keep else []), now]
        cache.set(key, recent, timeout=_window())
        if len(recent) >= _limit():
            logger.warning(
                "Sign-in locked: %d failures within %d minutes for the %s %r",
                len(recent),
                _window() // 60,
                kind,
                username if kind == "account" else address,
            )


def record_refusal(*, username: str = "", address: str, wait: int) -> None:
    logger.warning(
        "Sign-in refused while locked (%d s left): account %r, address %s", wait, username, address
    )


def record_success(*, username: str) -> None:
    cache.delete_many(list(_keys(username=username, address="").values()))


def locked_message(wait: int) -> str:
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class ThrottledSignIn:
    """For a form built on Django's AuthenticationForm (ours, the admin's): while the account
    or the address must wait, the password is not even checked; `retry_after` tells the view
    how long (seconds) for its Retry-After header."""

    retry_after = 0

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        self.retry_after = wait_seconds(username=username, address=address)
        if self.retry_after:
            record_refusal(username=username, address=address, wait=self.retry_after)
            raise ValidationError(locked_message(self.retry_after), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            # A wrong password leaves no user; a right one of an inactive or non-staff user
            # (the admin's form) is no guessing.
            if self.get_user() is None and username and self.cleaned_data.get("password"):
                record_failure(username=username, address=address)
            raise
        record_success(username=username)
        return cleaned
