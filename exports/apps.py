from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = _("Listen und Exporte")

    def ready(self):
        from programme.models import Conference
        from programme.signals import conference_copied

        from .domain.layouts import copy_export_layouts

        def copy_layouts(sender, source, conference, **kwargs):
            return copy_export_layouts(source=source, conference=conference)

        conference_copied.connect(
            copy_layouts, sender=Conference, weak=False, dispatch_uid="exports.copy_export_layouts"
        )
