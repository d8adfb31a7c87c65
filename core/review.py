"""The "zu prüfen" mark in the admin: rows copied from last year until the office has looked at them.

A copied row (programme.copying) carries `needs_review=True`. The office sees a badge in
the lists and inlines and can filter by it; saving the row on its page, or changing it in
an inline, clears the mark, and so does the action "Als geprüft markieren" on a list.
"""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


def review_badge_html(obj):
    if not getattr(obj, "needs_review", False):
        return ""
    return format_html('<span class="review-badge">{}</span>', _("zu prüfen"))


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("Prüfung")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("open", _("zu prüfen")), ("done", _("geprüft"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(needs_review=True)
        if self.value() == "done":
            return queryset.filter(needs_review=False)
        return queryset


class ReviewInlineMixin:
    """An inline that shows the mark; a changed row is reviewed once the page is saved."""

    @admin.display(description=_("Prüfung"))
    def review_badge(self, obj):
        return review_badge_html(obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "review_badge"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        # First: a wide inline scrolls sideways at 1,280 px, and the mark must stay in view.
        return fields if "review_badge" in fields else ["review_badge", *fields]


class ReviewAdminMixin:
    """A model admin whose rows may be "zu prüfen": badge, filter, action, cleared on save."""

    # An admin with actions of its own lists "mark_reviewed" among them.
    actions = ["mark_reviewed"]

    class Media:
        css = {"all": ["css/review-admin.css"]}

    @admin.display(description=_("Prüfung"), ordering="needs_review")
    def review_badge(self, obj):
        return review_badge_html(obj)

    def get_list_display(self, request):
        # Right after the name: wide lists scroll sideways at 1,280 px, the mark must stay in view.
        names = list(super().get_list_display(request))
        return names if "review_badge" in names else [*names[:1], "review_badge", *names[1:]]

    def get_list_filter(self, request):
        names = list(super().get_list_filter(request))
        return names if NeedsReviewFilter in names else [NeedsReviewFilter, *names]

    @admin.action(description=_("Als geprüft markieren"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = queryset.filter(needs_review=True).update(needs_review=False)
        self.message_user(
            request,
            ngettext(
                "%(count)d Eintrag als geprüft markiert.",
                "%(count)d Einträge als geprüft markiert.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        obj.needs_review = False
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            instance = inline_form.instance
            if hasattr(instance, "needs_review") and inline_form.has_changed():
                instance.needs_review = False
        super().save_formset(request, form, formset, change)
