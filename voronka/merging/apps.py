from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergingConfig(AppConfig):
    name = "voronka.merging"
    label = "merging"
    verbose_name = _("Duplicates and conversion")
