from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


class OfficeAdminConfig(AdminConfig):
    """Django's admin with our site class (optional second factor, see admin_site.py)."""

    default_site = "vsop_events.admin_site.OfficeAdminSite"

    def ready(self):
        super().ready()  # loads every app's admin module
        from .german_admin import germanise

        germanise()


# Third-party apps under German section names in the office's admin. Only the display name
# changes: name, label and models stay the same, so no migration is involved.


class LoginProtectionConfig(AxesAppConfig):
    verbose_name = _("Sicherheit: Anmeldesperren")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Hintergrundaufgaben")


class TotpConfig(TotpAppConfig):
    verbose_name = _("Sicherheit: Zwei-Faktor mit Authenticator-App")


class StaticCodesConfig(StaticAppConfig):
    verbose_name = _("Sicherheit: Zwei-Faktor-Notfallcodes")
