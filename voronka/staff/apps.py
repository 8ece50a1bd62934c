from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "voronka.staff"
    verbose_name = _("Users, teams and roles")
