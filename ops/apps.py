from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the recurring jobs (django-crontask) and the deployment checks.

    No models, no views; sits on top of the other apps and uses them only through their
    management commands, so the schedule does not depend on their inner layout."""

    name = "ops"
    verbose_name = "Betrieb"

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks)
