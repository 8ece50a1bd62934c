from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "voronka.documents"
    label = "documents"
    verbose_name = _("Documents and files")

    def ready(self) -> None:
        # Django's place for signal wiring: a deleted record's files go with it.
        from voronka.audit import keys

        from . import signals
        from .models import Attachment

        signals.connect()
        keys.register(Attachment)  # a merged record's files go to the kept one
