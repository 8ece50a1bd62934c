from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "voronka.service"
    label = "service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from voronka.leads import hooks as lead_hooks
        from voronka.mail import hooks as mail_hooks

        from . import intake

        lead_hooks.register_case_opener(intake.case_from_form)
        mail_hooks.register_case_handler(intake.case_from_letter)
