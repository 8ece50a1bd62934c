from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    name = "voronka.administration"
    label = "administration"
    verbose_name = _("Administration")

    def ready(self) -> None:
        from voronka.audit import deletion, services

        from . import bin, events

        deletion.register_bin(bin.keep_and_delete)
        services.listen(events.on_change)
