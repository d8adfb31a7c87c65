from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure without models: errors, windows, formatting, PDF, rate limits, forms."""

    name = "core"
    verbose_name = "Core"
