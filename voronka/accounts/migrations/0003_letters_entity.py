"""Letters (the mail app) as an entity of the access rules; the standard roles get their rules
for it: a manager reads their own letters, a head of sales those of their teams."""

from django.db import migrations, models

from voronka.accounts.defaults import add_entity_rules


def add_rules(apps, schema_editor):
    add_entity_rules(apps.get_model("accounts", "Role"), apps.get_model("accounts", "RolePermission"), "email")


def remove_rules(apps, schema_editor):
    apps.get_model("accounts", "RolePermission").objects.filter(entity="email").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_default_roles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rolepermission',
            name='entity',
            field=models.CharField(choices=[('company', 'companies'), ('contact', 'contacts'), ('deal', 'deals'), ('activity', 'activities'), ('email', 'letters')], max_length=20, verbose_name='entity'),
        ),
        migrations.RunPython(add_rules, remove_rules),
    ]
