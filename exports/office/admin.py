"""Export jobs and saved layouts in the admin, and the URLs of the export pages."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.review import ReviewAdminMixin

from ..models import ExportJob, ExportLayout
from . import views
from .forms import ExportLayoutAdminForm


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "progress", "filename", "created_by", "created_at"]
    list_filter = ["status", "kind", "format", "conference"]
    list_select_related = ["conference", "created_by"]
    fields = [
        "conference",
        "kind",
        "format",
        "status",
        "progress",
        "filename",
        "error",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("conference/<int:conference_id>/", wrap(views.export_page), name="exports_conference"),
            path("<int:job_id>/status/", wrap(views.job_status), name="exports_job_status"),
            path("<int:job_id>/download/", wrap(views.job_download), name="exports_job_download"),
            path("phase/<int:phase_id>/lists/", wrap(views.phase_lists), name="exports_phase_lists"),
            path("money/", wrap(views.money_lists), name="exports_money_lists"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Fortschritt"))
    def progress(self, obj):
        return format_html(
            '<a href="{}">{} %</a>', reverse("admin:exports_job_status", args=[obj.pk]), obj.percent
        )


@admin.register(ExportLayout)
class ExportLayoutAdmin(ReviewAdminMixin, admin.ModelAdmin):
    form = ExportLayoutAdminForm
    list_display = ["name", "conference", "created_by", "created_at"]
    list_filter = ["conference"]
    fields = ["name", "conference", "columns", "filters", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
