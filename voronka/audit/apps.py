from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "voronka.audit"
    label = "audit"
    verbose_name = _("History and activity stream")

    def ready(self) -> None:
        from . import keys
        from .models import HistoryEntry, RecentView, StreamEvent

        keys.register(HistoryEntry)
        keys.register(StreamEvent)
        keys.register(RecentView, unique_with=("user",))
