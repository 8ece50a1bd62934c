"""The action bar of a list (reassign, change stage, delete): what it offers a user. The
actions themselves are `web.bulk`, which calls each app's services."""

from __future__ import annotations

from voronka.accounts import access


def bulk_context(user, entity: str, **extra) -> dict:
    """The owners this user may give records of `entity` to, and what else a list offers
    (a deal list: the stages and the lost reasons)."""
    return {
        "entity": entity,
        "owners": access.assignable_owners(user, entity).order_by("first_name", "last_name"),
        **extra,
    }
