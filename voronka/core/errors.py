"""The errors every write service raises, and how a validation error reads as messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class ConflictError(Exception):
    """The record changed since the user opened it; their edit is refused, nothing is lost."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. "
                "Your changes were not saved: reload the page to see the new version."
            )
        )


class DuplicatesFound(Exception):
    """Records that share an e-mail, phone or tax id with the one being created."""

    def __init__(self, records: list[models.Model]):
        super().__init__(_("Possible duplicates exist."))
        self.records = records


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    """A ValidationError as {field: [messages]}; errors not tied to a field under "__all__"."""
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for m in ValidationError(errs).messages]
            for field, errs in error.error_dict.items()
        }
    return {"__all__": [str(m) for m in error.messages]}
