"""Keep the cached public programme fresh.

The rendered programme days are cached per conference, language and
`Conference.updated_at` (see views.programme_days_html). Every change to what the
programme shows touches `updated_at` of the conference(s) concerned, so the next
request renders afresh, in every process, whatever the cache backend. Bulk
`QuerySet.update()` calls send no signals: touch the conference yourself there.
"""

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import Appearance, Conference, Person, ProgrammeItem, Workshop, WorkshopModerator, WorkshopPhase


def touch_conferences(conferences):
    """Mark the programme of these conferences (a Conference queryset) as changed."""
    Conference.objects.filter(pk__in=conferences.values("pk")).update(updated_at=timezone.now())


def _conferences_of(instance):
    """The conferences whose public programme shows this object."""
    if isinstance(instance, Person):
        return Conference.objects.filter(
            Q(programme_items__people=instance)
            | Q(workshop_phases__workshops__moderators=instance)
            | Q(workshop_phases__discussion_groups__moderators=instance)
        )
    if isinstance(instance, ProgrammeItem | WorkshopPhase):
        return Conference.objects.filter(pk=instance.conference_id)
    if isinstance(instance, Appearance):
        return Conference.objects.filter(programme_items=instance.item_id)
    if isinstance(instance, Workshop):
        return Conference.objects.filter(workshop_phases=instance.phase_id)
    if isinstance(instance, WorkshopModerator):
        return Conference.objects.filter(workshop_phases__workshops=instance.workshop_id)
    # A discussion group (registrations app).
    return Conference.objects.filter(workshop_phases=instance.phase_id)


def _changed(sender, instance, **kwargs):
    touch_conferences(_conferences_of(instance))


def _m2m_changed(sender, instance, action, **kwargs):
    # Before a clear the links still exist; after add/remove the new state is what counts.
    if action in ("post_add", "post_remove", "pre_clear"):
        touch_conferences(_conferences_of(instance))


def connect():
    discussion_group = apps.get_model("registrations", "DiscussionGroup")
    for model in (
        Person,
        ProgrammeItem,
        Appearance,
        WorkshopPhase,
        Workshop,
        WorkshopModerator,
        discussion_group,
    ):
        post_save.connect(_changed, sender=model, dispatch_uid=f"programme-cache-save-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"programme-cache-delete-{model._meta.label}"
        )
    for through in (
        ProgrammeItem.people.through,
        Workshop.moderators.through,
        discussion_group.moderators.through,
    ):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"programme-cache-m2m-{through._meta.label}"
        )
