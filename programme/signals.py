"""The programme's signals: keep the cached public programme fresh, and let other apps add to the pages.

Cache. The rendered programme days, the whole page and the iCal file are cached per
conference, language and `Conference.updated_at` (see caching.py). Every change to
what the programme shows touches `updated_at` of the conference(s) concerned, so the
next request renders afresh, in every process, whatever the cache backend. Bulk
`QuerySet.update()` calls send no signals: touch the conference yourself there. An
app that adds to the programme page (programme_page_items below) touches the
conferences itself when what it adds changes.

Extension points. The programme app knows nothing of the apps built on it; they
connect to these signals (the registration app does, for its boxes on the
conference page and the discussion groups on the programme page).
"""

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

from core.pagecache import invalidate_public_pages, page_valid_until

from .caching import connect_page_cache, programme_valid_until
from .models import Appearance, Conference, Person, ProgrammeItem, Workshop, WorkshopModerator, WorkshopPhase

programme_page_items = Signal()
"""Sent (sender=Conference, conference=, items=) with the items of the public programme page
before they are rendered (selectors.programme_days). Receivers may prefetch what they show
with the items and attach it to them, in a fixed number of queries; the page lists
`phase.moderated_groups` of an item's workshop phase (each with number, name, room and
`moderators`)."""

conference_next_step = Signal()
"""Sent (sender=Conference, conference=) where an upcoming conference's page shows the
visitor's next step (templates/programme/_next_step.html). Receivers return the name of a
template; it is included there with the page's context."""

conference_places = Signal()
"""Sent (sender=Conference, conference=) where the home and conference pages state the
places of a conference (templates/programme/_places.html). Receivers return the name of a
template, included there like conference_next_step's."""

conference_copied = Signal()
"""Sent (sender=Conference, source=, conference=, phases=, offset_days=) inside the transaction of
copying.copy_conference, after the programme is copied: `phases` maps each source phase's pk to its
copy. Receivers copy what their app owns for the conference (a fixed number of queries, rows marked
`needs_review`) and return {verbose name plural: count} for the office's summary."""


def touch_conferences(conferences):
    """Mark the programme of these conferences (a Conference queryset) as changed."""
    Conference.objects.filter(pk__in=conferences.values("pk")).update(updated_at=timezone.now())
    invalidate_public_pages()  # update() sends no signal


def _conferences_of(instance):
    """The conferences whose public programme shows this object."""
    if isinstance(instance, Person):
        return Conference.objects.filter(
            Q(programme_items__people=instance) | Q(workshop_phases__workshops__moderators=instance)
        )
    if isinstance(instance, ProgrammeItem | WorkshopPhase):
        return Conference.objects.filter(pk=instance.conference_id)
    if isinstance(instance, Appearance):
        return Conference.objects.filter(programme_items=instance.item_id)
    if isinstance(instance, Workshop):
        return Conference.objects.filter(workshop_phases=instance.phase_id)
    # A WorkshopModerator.
    return Conference.objects.filter(workshop_phases__workshops=instance.workshop_id)


def _changed(sender, instance, **kwargs):
    touch_conferences(_conferences_of(instance))


def _m2m_changed(sender, instance, action, **kwargs):
    # Before a clear the links still exist; after add/remove the new state is what counts.
    if action in ("post_add", "post_remove", "pre_clear"):
        touch_conferences(_conferences_of(instance))


def connect():
    connect_page_cache(apps.get_app_config("programme"))
    page_valid_until.connect(programme_valid_until, dispatch_uid="programme-page-valid-until")
    for model in (Person, ProgrammeItem, Appearance, WorkshopPhase, Workshop, WorkshopModerator):
        post_save.connect(_changed, sender=model, dispatch_uid=f"programme-cache-save-{model._meta.label}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"programme-cache-delete-{model._meta.label}"
        )
    for through in (ProgrammeItem.people.through, Workshop.moderators.through):
        m2m_changed.connect(
            _m2m_changed, sender=through, dispatch_uid=f"programme-cache-m2m-{through._meta.label}"
        )
