from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = _("Anmeldungen")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401 -- the deploy checks; connects the receivers
        from .domain import confirmations  # noqa: F401 -- registers the deferred confirmation's renderer

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="registrations.sync_roles")

        # What this app adds to the programme app's pages, and keeping their cache fresh.
        from . import programme_signals
        from .public import conference

        conference.connect()
        programme_signals.connect()


def sync_roles_after_migrate(sender, **kwargs):
    """Re-apply the staff roles once per migrate, after the last app got its permissions."""
    from django.apps import apps

    # migrate sends post_migrate only for apps with a models module; the last of those
    # comes after every app got its permissions (an app without models, like the
    # scheduler's, never sends it, so comparing with the last installed app never matched).
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .office.roles import sync_roles

    sync_roles()
