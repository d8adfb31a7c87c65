"""Staff roles: the permission groups "Geschäftsstelle" (the office), "Organisation" and "Check-in".

A role is a rule over permissions, not a frozen list, so models that arrive
later (invoices, export layouts, …) join the role when `sync_roles` runs
again: the data migration `staff_roles` runs it once, and every `migrate`
re-applies it afterwards (post_migrate, see apps.py); `manage.py sync_roles`
does it by hand. Roles are synced to exactly these permissions: whatever
else an administrator adds to the groups by hand is removed again, so change
the rules here instead.
"""

from django.apps import apps as global_apps

OFFICE = "Geschäftsstelle"
ORGANISATION = "Organisation"
# Helpers at the desk on site: they scan badges and record attendance, nothing else.
# An organiser who also checks people in gets both groups.
CHECKIN = "Check-in"

# Everything in these apps belongs to the conference work of the office.
CONFERENCE_APPS = ("registrations", "programme", "exports")

# The office may also see and lift staff login lockouts (django-axes).
OFFICE_EXTRA = {
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accessfailurelog"),
    ("axes", "view_accesslog"),
}

# Organisers read everything and produce lists (an export job records each
# list they make); they change nothing else, not even the saved list layouts.
ORGANISATION_EXTRA = {
    ("exports", "export_participants"),
    ("exports", "add_exportjob"),
}


CHECKIN_PERMISSIONS = {
    ("registrations", "record_attendance"),
    ("registrations", "view_attendance"),
}


def _is_office_permission(app_label, codename):
    return app_label in CONFERENCE_APPS or (app_label, codename) in OFFICE_EXTRA


def _is_organisation_permission(app_label, codename):
    if (app_label, codename) in ORGANISATION_EXTRA:
        return True
    return app_label in CONFERENCE_APPS and codename.startswith("view_")


def _is_checkin_permission(app_label, codename):
    return (app_label, codename) in CHECKIN_PERMISSIONS


ROLES = {
    OFFICE: _is_office_permission,
    ORGANISATION: _is_organisation_permission,
    CHECKIN: _is_checkin_permission,
}


def role_permissions(role, *, apps=global_apps):
    """The permissions (rows) a role has under the current rules, for existing models."""
    Permission = apps.get_model("auth", "Permission")
    rule = ROLES[role]
    return [
        permission
        for permission in Permission.objects.select_related("content_type")
        if rule(permission.content_type.app_label, permission.codename)
    ]


def sync_roles(*, apps=global_apps):
    """Create the role groups if missing and give each exactly the permissions of its rule.

    Returns {role: number of permissions}.
    """
    Group = apps.get_model("auth", "Group")
    counts = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        permissions = role_permissions(role, apps=apps)
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def create_all_permissions(*, apps):
    """In a migration, permissions of new models do not exist yet (Django adds them after
    the last migration); create those the historical models know about now."""
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
