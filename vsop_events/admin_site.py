"""The office's admin site: Django's admin, with a second factor that an environment setting switches on.

With `STAFF_OTP_REQUIRED` on, only staff verified by an OTP device (django-otp:
an authenticator app or printed static codes) get into the admin, exactly as
django-otp's OTPAdminSite does; with it off the site behaves like Django's own.
The setting is read per request, so tests (and an administrator restarting
with a new environment) can switch it without another URL configuration.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class OfficeAdminSite(OTPAdminSite):
    site_header = _("VSOP e.V. – Tagungsverwaltung")
    site_title = _("VSOP Tagungen")
    index_title = _("Geschäftsstelle")

    def __init__(self, name="admin"):
        # OTPAdminSite defaults to the name "otpadmin"; keep the usual admin: URLs.
        super().__init__(name)

    @property
    def otp_required(self):
        return getattr(settings, "STAFF_OTP_REQUIRED", False)

    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if self.otp_required else None

    @property
    def login_template(self):
        return OTPAdminSite.login_template if self.otp_required else None

    def get_urls(self):
        """The "view on site" shortcut follows `get_absolute_url`; for a model whose admin turns
        `view_on_site` off (a registration's URL is its secret personal link) it answers 404."""
        from django.contrib.contenttypes.views import shortcut
        from django.http import Http404
        from django.urls import path

        def guarded_shortcut(request, content_type_id, object_id):
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.filter(pk=content_type_id).first()
            model = content_type.model_class() if content_type else None
            if model is not None and model in self._registry and not self._registry[model].view_on_site:
                raise Http404
            return shortcut(request, content_type_id, object_id)

        urls = super().get_urls()
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(guarded_shortcut),
                name="view_on_site",
            ),
            *urls,
        ]

    def has_permission(self, request):
        if self.otp_required:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
