from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = _("Anmeldungen")

    def ready(self):
        import importlib
        import pkgutil

        from . import checks, services, signals  # noqa: F401  (checks: deploy checks of the invoice data)

        # Service modules register their hooks (services/hooks.py) on import.
        for module in pkgutil.iter_modules(services.__path__):
            importlib.import_module(f"{services.__name__}.{module.name}")

        from django.db.models.signals import post_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="registrations.sync_roles")


def sync_roles_after_migrate(sender, **kwargs):
    """Re-apply the staff roles once per migrate, after the last app got its permissions."""
    from django.apps import apps

    if sender.label != list(apps.get_app_configs())[-1].label:
        return
    from .roles import sync_roles

    sync_roles()
