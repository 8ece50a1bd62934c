"""What the apps above the mail plug into a stored letter: the service app opens a case from a
letter to a mailbox that says so (`Mailbox.cases_from_letters`) and keeps the replies in the
case's thread. The mail never imports it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CASE_HANDLERS: list[Callable[..., Any]] = []


def register_case_handler(handler: Callable[..., Any]) -> None:
    """`handler(message, thread)`: opens a case or files the letter under its case; returns
    whether the letter belongs to a case."""
    if handler not in _CASE_HANDLERS:
        _CASE_HANDLERS.append(handler)


def case_handlers() -> list[Callable[..., Any]]:
    return list(_CASE_HANDLERS)
