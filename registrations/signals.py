"""When the office raises a conference's places, people move up from the waiting list."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from programme.models import Conference


@receiver(post_save, sender=Conference, dispatch_uid="registrations.fill_places_after_conference_save")
def fill_places_after_conference_save(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    from .services.places import fill_free_places

    conference_id = instance.pk
    transaction.on_commit(lambda: fill_free_places(conference_id=conference_id))
