"""Leads (предварительные контакты) are an entity of the access rules: the default roles get
the same rules for them as for the other records (a manager sees the team's, changes their
own; a head of sales the department's)."""

from django.db import migrations, models

from voronka.accounts.defaults import ROLES


def add_lead_rules(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    for code, _name, _is_admin, scopes in ROLES:
        role = Role.objects.filter(code=code).first()
        if role is None:
            continue
        for action, scope in scopes.items():
            RolePermission.objects.get_or_create(
                role=role, entity="lead", action=action, defaults={"scope": scope}
            )


def remove_lead_rules(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(entity="lead").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_default_roles")]
    operations = [
        migrations.AlterField(
            model_name="rolepermission",
            name="entity",
            field=models.CharField(
                choices=[
                    ("company", "companies"),
                    ("contact", "contacts"),
                    ("deal", "deals"),
                    ("activity", "activities"),
                    ("lead", "leads"),
                ],
                max_length=20,
                verbose_name="entity",
            ),
        ),
        migrations.RunPython(add_lead_rules, remove_lead_rules),
    ]
