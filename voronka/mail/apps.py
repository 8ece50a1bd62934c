from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "voronka.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment check of the mail key)
