"""Staff roles "Geschäftsstelle" and "Organisation" (registrations/roles.py).

Runs the same rules as `manage.py sync_roles`; models added by later
migrations join the roles when migrate re-applies them (post_migrate).
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    from registrations.office.roles import create_all_permissions, sync_roles

    create_all_permissions(apps=apps)
    sync_roles(apps=apps)


def remove_roles(apps, schema_editor):
    from registrations.office.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("registrations", "0003_attachment_invoice"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
