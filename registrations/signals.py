"""When the office raises a conference's places or a workshop's seats, people move up from the waiting lists;
a saved or deleted consent text leaves the cache (domain/consent.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from programme.models import Conference, Workshop
from programme.signals import conference_copied

from .domain import groups, lifecycle, workshops
from .domain.consent import forget_consent_text
from .models import ConsentText

post_save.connect(
    forget_consent_text, sender=ConsentText, dispatch_uid="registrations.forget_saved_consent_text"
)
post_delete.connect(
    forget_consent_text, sender=ConsentText, dispatch_uid="registrations.forget_deleted_consent_text"
)


@receiver(post_save, sender=Conference, dispatch_uid="registrations.fill_places_after_conference_save")
def fill_places_after_conference_save(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    conference_id = instance.pk
    transaction.on_commit(lambda: lifecycle.fill_free_places(conference_id=conference_id))


@receiver(post_save, sender=Workshop, dispatch_uid="registrations.seat_waiting_after_workshop_save")
def seat_waiting_after_workshop_save(sender, instance, created, raw=False, **kwargs):
    """A raised seat limit moves people up at once, like raised conference places do."""
    if created or raw:
        return
    workshop_id = instance.pk

    def fill():
        workshop = Workshop.objects.filter(pk=workshop_id).first()
        if workshop is not None:
            workshops.seat_waiting(workshop=workshop)

    transaction.on_commit(fill)


@receiver(conference_copied, sender=Conference, dispatch_uid="registrations.copy_discussion_groups")
def copy_discussion_groups_of_copied_conference(sender, phases, **kwargs):
    return groups.copy_discussion_groups(phases=phases)
