from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "voronka.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from voronka.audit import keys

        from .models import Notification

        keys.register(Notification)
