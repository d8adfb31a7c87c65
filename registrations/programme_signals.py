"""Keep the programme app's cached programme page fresh when discussion groups change.

The programme page lists each phase's moderated discussion groups
(public/conference.py), and the programme app caches the page until
`programme.signals.touch_conferences` marks the conference changed. The programme
app does not know discussion groups, so this module touches the conference when a
group, its moderators or a moderator's name change.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from programme.models import Conference, Person
from programme.signals import touch_conferences

from .models import DiscussionGroup


def _conferences_of(instance):
    """The conferences whose programme page shows this group, or the groups this person moderates."""
    if isinstance(instance, Person):
        return Conference.objects.filter(workshop_phases__discussion_groups__moderators=instance)
    return Conference.objects.filter(workshop_phases=instance.phase_id)


def _changed(sender, instance, **kwargs):
    touch_conferences(_conferences_of(instance))


def _moderators_changed(sender, instance, action, **kwargs):
    # Before a clear the links still exist; after add/remove the new state is what counts.
    if action in ("post_add", "post_remove", "pre_clear"):
        touch_conferences(_conferences_of(instance))


def connect():
    for model in (DiscussionGroup, Person):
        post_save.connect(
            _changed, sender=model, dispatch_uid=f"registrations-programme-save-{model._meta.label}"
        )
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"registrations-programme-delete-{model._meta.label}"
        )
    m2m_changed.connect(
        _moderators_changed,
        sender=DiscussionGroup.moderators.through,
        dispatch_uid="registrations-programme-m2m-group-moderators",
    )
