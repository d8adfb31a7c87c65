"""What the registration app adds to the programme app's public pages.

The programme app renders the home, conference and programme pages and knows
nothing of registrations; it offers signals (programme/signals.py) that this module
answers: the registration boxes on an upcoming conference's page, the places left on
the home and conference pages, and the discussion groups with their moderators on
the programme page.
"""

from django.apps import apps
from django.db.models import Min, prefetch_related_objects

from core.pagecache import page_valid_until
from programme.caching import connect_page_cache
from programme.signals import conference_next_step, conference_places, programme_page_items

from ..models import FormSubmission, InvoiceSequence, OutgoingMail, OutgoingMailAttachment, Registration
from ..queries.groups import discussion_groups_prefetch


def next_step_template(sender, conference, **kwargs):
    """The binding registration and the pre-registration form, each while it is open."""
    return "registrations/_conference_next_step.html"


def places_template(sender, conference, **kwargs):
    """Places left, or that the conference takes no registration here."""
    return "registrations/_conference_places.html"


def attach_moderated_groups(sender, conference, items, **kwargs):
    """Give each item's workshop phase `moderated_groups`: the discussion groups it meets in
    (its own, or those of the phase it reuses) that have moderators. No participant is read.

    At most four queries however long the programme: groups and their moderators, for the phases and
    for the phases they reuse. The programme page is cached; programme_signals.py touches the
    conference when a group or its moderators change.
    """
    prefetch_related_objects(
        items,
        discussion_groups_prefetch("workshop_phase__discussion_groups"),
        discussion_groups_prefetch("workshop_phase__reuses_groups_of__discussion_groups"),
    )
    for item in items:
        phase = item.workshop_phase
        if phase is not None:
            # A phase that reuses earlier groups meets in those groups, with their moderators.
            source = phase.reuses_groups_of or phase
            phase.moderated_groups = [group for group in source.ordered_groups if group.moderators.all()]


def places_valid_until(sender, now, **kwargs):
    """The cached public pages show places left; a hold that lapses unconfirmed frees its place
    without any change in the database (models.claims_place), so a page stored now is true
    only until the next such lapse."""
    return Registration.objects.filter(
        status__in=(Registration.Status.HOLDS_PLACE, Registration.Status.WAITING),
        email_confirmed_at__isnull=True,
        hold_expires_at__gt=now,
    ).aggregate(next=Min("hold_expires_at"))["next"]


def connect():
    # Every change to a registration may change the places left that the cached public pages
    # show (core/pagecache.py); the programme app invalidates for its own models.
    connect_page_cache(
        apps.get_app_config("registrations"),
        never_shown=(OutgoingMail, OutgoingMailAttachment, FormSubmission, InvoiceSequence),
    )
    page_valid_until.connect(places_valid_until, dispatch_uid="registrations-places-valid-until")
    conference_next_step.connect(next_step_template, dispatch_uid="registrations-next-step")
    conference_places.connect(places_template, dispatch_uid="registrations-places")
    programme_page_items.connect(attach_moderated_groups, dispatch_uid="registrations-moderated-groups")
