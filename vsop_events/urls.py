from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .health import health
from .views import set_language

admin.site.site_header = _("VSOP e.V. – Tagungsverwaltung")
admin.site.site_title = _("VSOP Tagungen")
admin.site.index_title = _("Geschäftsstelle")

urlpatterns = [
    path("health/", health, name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("registrations.public.urls")),
    path("", include("programme.urls")),
]

handler400 = "programme.views.bad_request"
handler404 = "programme.views.page_not_found"
handler500 = "programme.views.server_error"

if settings.DEBUG:  # pragma: no cover - development convenience
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
