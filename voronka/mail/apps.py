from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "voronka.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from voronka.audit import keys

        from . import checks  # noqa: F401  (registers the deployment check of the mail key)
        from .models import Link

        keys.register(Link, unique_with=("message",))
