"""The three roles every installation starts with; an administrator can change them."""

from django.db import migrations

from voronka.accounts.defaults import ROLES, create_default_roles


def create_roles(apps, schema_editor):
    create_default_roles(apps.get_model("accounts", "Role"), apps.get_model("accounts", "RolePermission"))


def remove_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.filter(code__in=[code for code, *_ in ROLES], users__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
