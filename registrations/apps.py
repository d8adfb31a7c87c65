from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = _("Anmeldungen")

    def ready(self):
        import importlib
        import pkgutil

        from . import services, signals  # noqa: F401

        # Service modules register their hooks (services/hooks.py) on import.
        for module in pkgutil.iter_modules(services.__path__):
            importlib.import_module(f"{services.__name__}.{module.name}")
