"""Finding 1 of the trust review: the read-only "Organisation" role changes nothing, wherever it goes.

The walk visits every admin URL (the site's, every ModelAdmin's changelist, add, change, delete and
history pages and every custom view from get_urls, with a real object for each) and runs every action
of every ModelAdmin, each with GET and POST, as an organiser. Before and after, every row of every
model is read; they must be the same. Two kinds of rows are an organiser's own and may appear: the
admin log entries that record which participant pages they read, and the export jobs of the lists
they produced (organisers make lists; that is their job). A control run shows the walk notices a change.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse

from exports.models import ExportJob, ExportLayout
from programme.models import ProgrammeItem, SitePage, WorkshopPhase
from registrations.domain import bank_import, circulars, invitations, lifecycle, outbox
from registrations.domain.groups import assign_discussion_groups
from registrations.domain.payments import record_payment
from registrations.models import (
    BankStatementImport,
    ConsentText,
    Member,
    Payment,
    Registration,
    WorkshopBooking,
)
from registrations.office.registrations import VIEWED_MESSAGE
from registrations.office.roles import OFFICE, ORGANISATION
from registrations.queries.invoices import current_invoice
from tests import camt
from tests.factories import (
    AttendanceFactory,
    ConferenceFactory,
    PersonFactory,
    ProgrammeItemFactory,
    StaffFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    binding_data,
    office_binding_form,
    pre_registered,
)

pytestmark = pytest.mark.django_db

# One POST body for every form the admin has: whatever a view reads, it finds something plausible.
PAYLOAD = {
    "post": "yes",
    "confirm": "on",
    "confirm_replace": "on",
    "assign": "1",
    "value": "2",
    "apply": "1",
    "_save": "Sichern",
    "received_on": "2026-01-10",
    "note": "Walk",
    "first_name": "Walter",
    "last_name": "Walk",
    "email": "walter.walk@example.org",
    "organisation": "Walk GmbH",
    "is_member": "on",
    "name": "Walk",
    "columns": '["email"]',
    "filters": "{}",
    "kind": "participants",
    "format": "csv",
    "save_layout": "1",
    "layout_name": "Walk",
    "workshop": "",
    "replace": "on",
}


def build_world():
    """At least one real object of every model the admin shows, made the way production makes them."""
    conference = ConferenceFactory(places=2)
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase, seat_limit=5)
    group_phase = WorkshopPhaseFactory(conference=conference, number=2, mode=WorkshopPhase.Mode.GROUPS)
    ProgrammeItemFactory(conference=conference)
    PersonFactory()
    SitePage.objects.get_or_create(slug="walk", defaults={"title": "Walk", "body": "Text"})
    Member.objects.create(member_number="1001", name="Telefon Anruferin", email="telefon@example.org")
    pre = pre_registered(conference, 7)
    bound, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    bound = lifecycle.confirm_address(registration=bound)  # the mailed link; its invoice is drawn now
    AttendanceFactory(registration=bound)  # the check-in pages have a record to show
    invitations.give_invitation_consent(registration=bound)  # the list for future invitations
    office, _ = lifecycle.register_binding(
        conference=conference, data={**office_binding_form(), "is_member": True, "terms_accepted": True}
    )
    record_payment(registration=bound, amount=bound.fee, received_on=dt.date(2026, 1, 5), note="Überweisung")
    WorkshopBooking.objects.create(registration=bound, phase=phase, workshop=workshop)
    assign_discussion_groups(phase=group_phase, group_count=1, seed=7)
    failed = outbox.queue_mail(registration=bound, template="link_resent")
    failed.status = failed.Status.FAILED
    failed.save()
    ExportJob.objects.create(
        conference=conference, kind="participants", format="csv", status="done", content=b"x"
    )
    ExportLayout.objects.create(name="Standard", conference=conference, columns=["email"], filters={})
    # A booked statement (a booked credit and one in the queue) and one still waiting for review.
    invoice = current_invoice(bound)
    statement = camt.statement_08(
        [
            camt.Booking(Decimal("1.00"), [f"RE {invoice.number}"], reference="WALK-1"),
            camt.Booking(Decimal("2.00"), ["ohne Nummer"], reference="WALK-2"),
        ]
    )
    bank_import.book_statement(
        statement_import=bank_import.store_statement(file_name="a.xml", content=statement)
    )
    bank_import.store_statement(file_name="b.xml", content=statement)
    circulars.send_circular(  # a Rundschreiben with its recipients, for its read-only page
        conference=conference,
        subject="Raumänderung",
        body="{{ anrede }}\n\nRaum 2",
        registrations=Registration.objects.filter(pk__in=[pre.pk, bound.pk]),
        author=None,
        submission_key="walk",
    )
    assert ConsentText.objects.exists()
    return {"conference": conference, "phases": [phase, group_phase], "registrations": [pre, bound, office]}


def snapshot(organiser):
    """Every row of every model, as plain values; the organiser's own log and export rows left out."""
    rows = {}
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if model is Session:
            continue
        if model is LogEntry:
            queryset = queryset.exclude(user=organiser, change_message=VIEWED_MESSAGE)
        if model is ExportJob:
            queryset = queryset.exclude(created_by=organiser)
        rows[model._meta.label] = sorted(
            (
                tuple(
                    (key, bytes(value) if isinstance(value, memoryview) else value)
                    for key, value in sorted(row.items())
                )
                for row in queryset.values()
            ),
            key=repr,
        )
    return rows


def object_kwargs(model, world):
    """A real object of `model` (and its history id, if it keeps one) for the object URLs."""
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None or model._meta.app_label not in {"registrations", "programme", "exports"}, (
        f"no {model._meta.label} to walk its pages with"
    )
    return obj


def patterns_of(urlpatterns, prefix=""):
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver):
            yield from patterns_of(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


def kwargs_for(pattern, model, world):
    """Every set of URL arguments to walk `pattern` with: each with a real object."""
    names = set(getattr(pattern.pattern, "converters", {})) | set(pattern.pattern.regex.groupindex)
    obj = object_kwargs(model, world) if model is not None else None
    if pattern.name.endswith("_simple_history"):  # simple-history's positional (object, version)
        return [(str(obj.pk), str(model.history.filter(id=obj.pk).first().history_id))]
    if not names:
        return [{}]
    choices = []
    for name in sorted(names):
        if name == "object_id":
            values = [str(obj.pk)] if obj is not None else []
        elif name == "version_id":
            history = getattr(model, "history", None)
            values = (
                [str(history.filter(id=obj.pk).first().history_id)] if history is not None and obj else []
            )
        elif name == "conference_id":
            values = [world["conference"].pk]
        elif name == "registration_id":
            values = [registration.pk for registration in world["registrations"]]
        elif name == "phase_id":
            values = [phase.pk for phase in world["phases"]]
        elif name == "import_id":
            values = list(BankStatementImport.objects.values_list("pk", flat=True))
        elif name == "item_id":
            values = list(
                ProgrammeItem.objects.filter(conference=world["conference"]).values_list("pk", flat=True)
            )
        elif name == "payment_id":
            values = list(Payment.objects.values_list("pk", flat=True))
        elif name == "job_id":
            values = list(ExportJob.objects.values_list("pk", flat=True))
        elif name == "app_label":
            values = sorted({m._meta.app_label for m in admin.site._registry})
        elif name == "content_type_id":
            values = ["VIEW_ON_SITE"]
        elif name in {"pk", "id"}:
            values = [obj.pk] if obj is not None else []
        else:
            raise AssertionError(f"The walk does not know how to fill <{name}> of {pattern.name}; teach it.")
        choices.append((name, values))
    combos = [{}]
    for name, values in choices:
        combos = [{**combo, name: value} for combo in combos for value in values]
    return combos


def admin_urls(world):
    """(url, model) for every named admin URL, the site's own and every ModelAdmin's."""
    urls = []
    # The site's own pages; its includes are the ModelAdmins' URLs, walked below with their model.
    site_patterns = [p for p in admin.site.get_urls() if isinstance(p, URLPattern) and p.name]
    for pattern in site_patterns:
        if pattern.name in {"logout"}:
            continue  # the walk needs its session; logging out changes nothing but the session
        for kwargs in kwargs_for(pattern, None, world):
            if kwargs.get("content_type_id") == "VIEW_ON_SITE":
                for model in admin.site._registry:
                    obj = model._default_manager.order_by("pk").first()
                    if obj is not None:
                        content_type = ContentType.objects.get_for_model(model)
                        urls.append((reverse("admin:view_on_site", args=[content_type.pk, obj.pk]), model))
                continue
            urls.append((reverse(f"admin:{pattern.name}", kwargs=kwargs), None))
    for model, model_admin in admin.site._registry.items():
        for pattern in patterns_of(model_admin.get_urls()):
            for kwargs in kwargs_for(pattern, model, world):
                if isinstance(kwargs, tuple):
                    urls.append((reverse(f"admin:{pattern.name}", args=kwargs), model))
                else:
                    urls.append((reverse(f"admin:{pattern.name}", kwargs=kwargs), model))
    return urls


def run_action(client, model, name, data=None):
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    selected = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
    form = {key: value for key, value in PAYLOAD.items() if key != "_save"}  # "_save" means list editing
    return client.post(
        changelist, {**form, **(data or {}), "action": name, "_selected_action": selected, "index": "0"}
    )


def post(client, url):
    upload = SimpleUploadedFile("members.csv", b"Mitgliedsnummer;Name;E-Mail\n1;A;a@example.org\n")
    return client.post(url, {**PAYLOAD, "file": upload})


def test_an_organiser_walking_every_admin_url_and_action_changes_nothing(client):
    world = build_world()
    organiser = StaffFactory(username="orga", roles=[ORGANISATION])
    client.force_login(organiser)
    before = snapshot(organiser)

    urls = admin_urls(world)
    statuses = {}
    for url, _model in urls:
        for method in ("get", "post"):
            response = client.get(url) if method == "get" else post(client, url)
            assert response.status_code != 500, (method, url)
            statuses[(method, url)] = response.status_code
    actions = 0
    for model, model_admin in admin.site._registry.items():
        for name in [action.name for action in model_admin._get_base_actions()]:
            for method in ("get", "post"):
                if method == "get":
                    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
                    response = client.get(changelist, {"action": name})
                else:
                    response = run_action(client, model, name)
                assert response.status_code != 500, (method, model._meta.label, name)
            actions += 1

    assert snapshot(organiser) == before
    # The walk went everywhere it says: the custom views and the actions of the registration list.
    walked = {url for _method, url in statuses}
    for name in [
        "registrations_registration_participant_page",
        "registrations_registration_substitute",
        "registrations_phase_assign",
        "exports_conference",
        "registrations_member_upload",
    ]:
        assert any(
            reverse(f"admin:{name}", args=[pk] if pk is not None else []) in walked
            for pk in _pks_for(name, world)
        ), name
    assert len(urls) > 150 and actions > 30
    # Organisers read the change pages, but every state-changing page refuses them.
    first = Registration.objects.order_by("pk").first()
    assert statuses[("get", reverse("admin:registrations_registration_change", args=[first.pk]))] == 200
    registration = world["registrations"][1]
    assert (
        statuses[("post", reverse("admin:registrations_registration_substitute", args=[registration.pk]))]
        == 403
    )


def _pks_for(name, world):
    if name == "registrations_member_upload":
        return [None]
    if name == "exports_conference":
        return [world["conference"].pk]
    if name == "registrations_phase_assign":
        return [phase.pk for phase in world["phases"]]
    return [registration.pk for registration in world["registrations"]]


def test_the_walk_notices_a_change_made_by_the_office(client):
    """The control: the same snapshot sees what the office's cancel action does."""
    world = build_world()
    office = StaffFactory(username="office", roles=[OFFICE])
    client.force_login(office)
    before = snapshot(office)
    response = run_action(client, Registration, "cancel_action")
    assert response.status_code == 302
    assert snapshot(office) != before
    assert Registration.objects.filter(pk=world["registrations"][1].pk, status="cancelled").exists()
    assert Decimal(world["registrations"][1].fee) > 0
