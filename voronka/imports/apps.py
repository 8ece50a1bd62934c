from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "voronka.imports"
    label = "imports"
    verbose_name = _("Import")

    def ready(self) -> None:
        from voronka.audit import keys

        from .models import ImportItem

        # Merging duplicates moves an import's trace of a record to the surviving record.
        keys.register(ImportItem, entity_field="entity", id_field="record_id")
