from django.contrib.admin.apps import AdminConfig


class OfficeAdminConfig(AdminConfig):
    """Django's admin with our site class (optional second factor, see admin_site.py)."""

    default_site = "vsop_events.admin_site.OfficeAdminSite"
