from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(using="default", **kwargs):
    """`migrate` also creates the database cache's table (the cache of production without
    Redis, config/settings.py), so that no release step can be forgotten; it does nothing
    when the table exists or the cache is elsewhere."""
    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "voronka.accounts"
    label = "accounts"
    verbose_name = _("Users and teams")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self)
