from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "voronka.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import lookups  # noqa: F401  (registers the __prefix lookup)

        connection_created.connect(_sqlite_functions)


def _sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite's lower() and LIKE fold ASCII letters only; the report builder's "contains"
    needs Cyrillic folded too (PostgreSQL's ILIKE does it itself)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "voronka_casefold",
            1,
            lambda value: value.casefold() if isinstance(value, str) else value,
            deterministic=True,
        )
