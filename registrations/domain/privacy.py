"""A participant's rights under the DSGVO: a copy of their data (Art. 15, 20) and erasure (Art. 17).

The copy holds everything stored about one registration (queries/privacy.py); the deletion request
is recorded and sent to the office, which anonymises the registration with
the admin action once nothing (an open invoice, the running conference)
stands against it. Invoices stay for their legal retention period
(domain/retention.py).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import Registration
from . import outbox


def request_deletion(*, registration, now=None):
    """Record that the person asks for erasure and tell the office (once)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if registration.deletion_requested_at is not None:
            return registration
        registration.deletion_requested_at = now
        registration.save(update_fields=["deletion_requested_at", "updated_at"])
        outbox.queue_mail(
            registration=registration,
            template="deletion_requested",
            to=settings.ASSOCIATION["email"],
            dedup_key="deletion-requested",
        )
    return registration
