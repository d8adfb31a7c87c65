"""Load the demo data: upsert every record by its natural key, so a second run changes nothing."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

# Modules, not the package: the package's __init__ imports this module.
import programme.demo.koeln2025 as koeln2025
import programme.demo.leipzig2022 as leipzig2022
import programme.demo.musterstadt as musterstadt

from ..models import (
    Appearance,
    Conference,
    Person,
    ProgrammeItem,
    SitePage,
    Workshop,
    WorkshopModerator,
    WorkshopPhase,
)
from .specs import BERLIN, at

LEIPZIG_SLUG = leipzig2022.SLUG
KOELN_SLUG = koeln2025.SLUG
DEMO_SLUG = musterstadt.SLUG
OFFICE_USERNAME = "geschaeftsstelle"
OFFICE_PASSWORD = "demo-passwort-2025"  # noqa: S105 - a documented login for local demos only


@dataclass
class Summary:
    """What a run created or changed, per model, for the command's output."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)

    def lines(self):
        lines = []
        for model in (Conference, WorkshopPhase, Workshop, ProgrammeItem, Person, SitePage):
            name = str(model._meta.verbose_name_plural)
            lines.append(
                f"{name}: {model.objects.count()} insgesamt, {self.created[name]} neu, "
                f"{self.updated[name]} geändert"
            )
        return lines + self.messages


def _differs(obj, name, value):
    model_field = obj._meta.get_field(name)
    if isinstance(value, models.Model):
        return getattr(obj, model_field.attname) != value.pk
    if value is None and model_field.is_relation:
        return getattr(obj, model_field.attname) is not None
    return getattr(obj, name) != value


def _upsert(summary, model, lookup, values):
    """Find by the natural key in `lookup`; create, or save only the values that differ."""
    name = str(model._meta.verbose_name_plural)
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        summary.created[name] += 1
        return obj
    changed = [key for key, value in values.items() if _differs(obj, key, value)]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.full_clean()
        obj.save(update_fields=changed)
        summary.updated[name] += 1
    return obj


def _person(summary, spec):
    return _upsert(
        summary,
        Person,
        {"first_name": spec.first_name, "last_name": spec.last_name},
        {
            "academic_title": spec.academic_title,
            "organisation": spec.organisation,
            "role_description": spec.role_description,
        },
    )


def _load_programme(summary, conference, phases, items):
    """Phases with their workshops and moderators, then the schedule, for one conference."""
    by_number = {}
    for spec in phases:
        phase = _upsert(
            summary,
            WorkshopPhase,
            {"conference": conference, "number": spec.number},
            {
                "title": spec.title,
                "guiding_question": spec.guiding_question,
                "description": spec.description,
                "mode": spec.mode,
                "reuses_groups_of": by_number[spec.reuses_groups_of] if spec.reuses_groups_of else None,
            },
        )
        by_number[spec.number] = phase
        for order, workshop_spec in enumerate(spec.workshops, start=1):
            workshop = _upsert(
                summary,
                Workshop,
                {"phase": phase, "title": workshop_spec.title},
                {
                    "description": workshop_spec.description,
                    "room": workshop_spec.room,
                    "seat_limit": workshop_spec.seat_limit,
                    "order": order,
                },
            )
            for position, person_spec in enumerate(workshop_spec.moderators, start=1):
                _upsert(
                    summary,
                    WorkshopModerator,
                    {"workshop": workshop, "person": _person(summary, person_spec)},
                    {"order": position},
                )

    first_day = timezone.localtime(conference.starts_at, BERLIN).date()
    for spec in items:
        item = _upsert(
            summary,
            ProgrammeItem,
            {
                "conference": conference,
                "starts_at": at(first_day, spec.day, spec.starts),
                "title": spec.title,
            },
            {
                "kind": spec.kind,
                "description": spec.description,
                "ends_at": at(first_day, spec.day, spec.ends) if spec.ends else None,
                "room": spec.room,
                "members_only": spec.members_only,
                "requires_signup": spec.requires_signup,
                "workshop_phase": by_number[spec.phase] if spec.phase else None,
            },
        )
        people = [(p, Appearance.Role.HOST) for p in spec.hosts]
        people += [(p, Appearance.Role.SPEAKER) for p in spec.speakers]
        for position, (person_spec, role) in enumerate(people, start=1):
            _upsert(
                summary,
                Appearance,
                {"item": item, "person": _person(summary, person_spec), "role": role},
                {"order": position},
            )


def _demo_conference(summary):
    """The demo conference is created once with dates relative to today and then left alone."""
    conference = Conference.objects.filter(slug=DEMO_SLUG).first()
    if conference is not None:
        return conference
    return _upsert(summary, Conference, {"slug": DEMO_SLUG}, musterstadt.conference(timezone.localdate()))


# Pages the office edits itself; only created when missing. The texts are plain-text
# templates (the page shows its body through `linebreaks`) filled with the association's details.


def _legal_text(template_name):
    return render_to_string(template_name, {"association": settings.ASSOCIATION}).strip()


def privacy_notice_text():
    return _legal_text("programme/demo/datenschutz.txt")


def impressum_text():
    return _legal_text("programme/demo/impressum.txt")


def _site_pages(summary):
    for slug, title, body in (
        ("datenschutz", "Datenschutzerklärung", privacy_notice_text),
        ("impressum", "Impressum", impressum_text),
    ):
        _, created = SitePage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body()})
        if created:
            summary.created[str(SitePage._meta.verbose_name_plural)] += 1


def _office_account(summary):
    """A login for trying the admin locally; never created when DEBUG is off."""
    if not settings.DEBUG:
        return
    User = get_user_model()
    if User.objects.filter(username=OFFICE_USERNAME).exists():
        summary.messages.append(
            f"Demo-Zugang für /admin/: Benutzer {OFFICE_USERNAME} (besteht schon, Passwort unverändert)"
        )
        return
    User.objects.create_superuser(
        username=OFFICE_USERNAME, email=settings.ASSOCIATION["email"], password=OFFICE_PASSWORD
    )
    summary.messages.append(f"Demo-Zugang für /admin/: Benutzer {OFFICE_USERNAME} Passwort {OFFICE_PASSWORD}")


def load_demo():
    """Load or complete the demo data in one transaction; return what changed."""
    summary = Summary()
    with transaction.atomic():
        leipzig = _upsert(summary, Conference, {"slug": LEIPZIG_SLUG}, leipzig2022.CONFERENCE)
        _load_programme(summary, leipzig, leipzig2022.PHASES, leipzig2022.ITEMS)
        _upsert(summary, Conference, {"slug": KOELN_SLUG}, koeln2025.CONFERENCE)
        demo = _demo_conference(summary)
        _load_programme(summary, demo, musterstadt.PHASES, musterstadt.ITEMS)
        _site_pages(summary)
        _office_account(summary)
    return summary
