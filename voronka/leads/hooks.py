"""What the apps above the leads plug into a web form's sending: the service app turns a
sending into a case when the form says so (`WebForm.opens_case`). The leads never import it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CASE_OPENERS: list[Callable[..., Any]] = []


def register_case_opener(opener: Callable[..., Any]) -> None:
    """`opener(data=cleaned form data, web_form=form)` creates the case."""
    if opener not in _CASE_OPENERS:
        _CASE_OPENERS.append(opener)


def case_opener() -> Callable[..., Any] | None:
    return _CASE_OPENERS[0] if _CASE_OPENERS else None
