"""How many queries the two registration POSTs run, and how many of them hold the conference lock.

Every binding registration of a conference waits for the one before it (the
conference row is locked until commit), so each query and each millisecond
inside the lock costs every person in a burst. These counts fail when a change
adds queries; lower them when you remove some.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations.domain import lifecycle, outbox
from registrations.domain.lifecycle import register_binding
from registrations.models import Invoice, OutgoingMail
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
    employer_billing,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

# Queries of the services, and those from taking the conference lock to the end.
# Before the work on issue 8: pre-registration 12 (9 locked), binding registration 49 (47 locked).
# The pre-registration counts the places once more before the lock, to render its mail there.
# Issue 14 adds one locked query to each: lapsed holds are released before a newcomer is placed.
# Issue 18: the binding confirmation is recorded under the lock and rendered after it, with its
# calendar and attachments (outbox.queue_deferred): 27 -> 25 locked, 31 -> 34 in all (the
# bookings are read after the lock, and writing the text is a transaction of its own). A
# pre-registration on the waiting list renders its mail after the lock the same way.
PRE_REGISTER_QUERIES = 12
PRE_REGISTER_LOCKED = 8
# Later: a workshop's seats are counted once under the lock (domain/workshops.py SeatCounts): 33, 24.
BINDING_QUERIES = 33
BINDING_LOCKED = 24


@pytest.fixture
def conference():
    conference = ConferenceFactory(places=5)
    for n in range(3):
        item = ProgrammeItemFactory(conference=conference, title=f"Vortrag {n}")
        AppearanceFactory(item=item)
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    item = ProgrammeItemFactory(conference=conference, title="Workshops", workshop_phase=phase)
    for n in range(3):
        WorkshopModeratorFactory(workshop=WorkshopFactory(phase=phase, seat_limit=10, order=n))
    conference.refresh_from_db()
    return conference


def person(n):
    return pre_registration_data(n, is_member=True)


def binding_data(conference, n):
    phase = conference.workshop_phases.get()
    return {
        **person(n),
        **employer_billing(workshop_choices={phase.pk: phase.workshops.order_by("pk").first().pk}),
    }


def locked_part(queries):
    """The queries from the first lock of the conference row to the end of its transaction.

    In a test the transaction is a savepoint in the test's own: the lock is held from the
    lock to the release of the savepoint opened just before it (or to the end, without one).
    """
    for index, query in enumerate(queries):
        sql = query["sql"]
        # lock_conference: a get by primary key (FOR UPDATE on PostgreSQL; SQLite locks the whole database).
        if 'FROM "programme_conference" WHERE "programme_conference"."id" =' in sql:
            opened = [q["sql"] for q in queries[:index] if q["sql"].startswith("SAVEPOINT ")]
            if not opened:
                return queries[index:]
            release = "RELEASE " + opened[-1]
            for end in range(index, len(queries)):
                if queries[end]["sql"] == release:
                    return queries[index : end + 1]
            return queries[index:]
    return []


def listing(queries):
    return "\n".join(query["sql"][:200] for query in queries)


def capture(func):
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return result, captured.captured_queries


def test_pre_registration_queries(conference):
    lifecycle.pre_register(conference=conference, data=person(0))  # the privacy text exists now
    (registration, created), queries = capture(
        lambda: lifecycle.pre_register(conference=conference, data=person(1))
    )
    assert created and registration.holds_place
    assert OutgoingMail.objects.filter(registration=registration).count() == 1
    assert len(queries) == PRE_REGISTER_QUERIES, listing(queries)
    assert len(locked_part(queries)) == PRE_REGISTER_LOCKED


def test_binding_registration_queries(conference):
    first, _ = register_binding(
        conference=conference, data=binding_data(conference, 0)
    )  # the terms exist now
    lifecycle.confirm_address(registration=first)  # and the year's invoice sequence
    pre, _ = lifecycle.pre_register(conference=conference, data=person(1))
    data = binding_data(conference, 1)
    (registration, created), queries = capture(
        lambda: register_binding(conference=conference, data=data, registration=pre)
    )
    assert created and registration.is_binding and registration.holds_place
    assert Invoice.objects.filter(registration=registration).count() == 1
    assert registration.workshop_bookings.filter(status="seated").count() == 1
    confirmation = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert confirmation.attachments.count() == 2
    assert len(queries) == BINDING_QUERIES, listing(queries)
    assert len(locked_part(queries)) == BINDING_LOCKED


# ---------------------------------------------------------------- work done before the lock


def record_lock_and_renders(monkeypatch):
    calls = []
    real_lock, real_render = lifecycle.lock_conference, outbox.render_mail
    monkeypatch.setattr(lifecycle, "lock_conference", lambda pk: calls.append("lock") or real_lock(pk))
    monkeypatch.setattr(
        outbox, "render_mail", lambda t, c, *rest: calls.append(t) or real_render(t, c, *rest)
    )
    return calls


def record_renders_inside_the_lock(monkeypatch):
    """For each mail rendered: whether the transaction that took the conference lock was still
    open then (the innermost atomic block when lock_conference ran)."""
    locked, inside = [], []
    real_lock, real_render = lifecycle.lock_conference, outbox.render_mail

    def lock(pk):
        locked.append(connection.atomic_blocks[-1])
        return real_lock(pk)

    def render(template, context, *rest):
        inside.append(any(block in connection.atomic_blocks for block in locked))
        return real_render(template, context, *rest)

    monkeypatch.setattr(lifecycle, "lock_conference", lock)
    monkeypatch.setattr(outbox, "render_mail", render)
    return inside


def assert_mail_as_rendered_now(registration, template, **context):
    """The queued mail is exactly what rendering it now, after commit, gives."""
    queued = OutgoingMail.objects.get(registration=registration, kind=template)
    now = outbox.render_for(registration=registration, template=template, context=context)
    assert (queued.to, queued.subject, queued.body_text, queued.body_html) == (
        now.to,
        now.subject,
        now.text,
        now.html,
    )


def test_a_pre_registration_with_a_free_place_renders_its_mail_before_the_lock(conference, monkeypatch):
    calls = record_lock_and_renders(monkeypatch)

    registration, _ = lifecycle.pre_register(conference=conference, data=person(1))

    assert calls == ["pre_registration_confirmed", "lock"]
    assert registration.holds_place
    monkeypatch.undo()
    assert_mail_as_rendered_now(registration, "pre_registration_confirmed", position=None)


def test_a_pre_registration_on_the_waiting_list_renders_its_mail_after_the_lock(conference, monkeypatch):
    conference.places = 1
    conference.save()
    lifecycle.pre_register(conference=conference, data=person(1))
    calls = record_lock_and_renders(monkeypatch)
    inside_the_lock = record_renders_inside_the_lock(monkeypatch)

    registration, _ = lifecycle.pre_register(conference=conference, data=person(2))

    assert calls == ["lock", "waiting_list_confirmed"]
    assert inside_the_lock == [False]  # rendered once the locked transaction was over
    assert OutgoingMail.objects.get(registration=registration).render_spec is None
    assert registration.is_waiting
    monkeypatch.undo()
    assert_mail_as_rendered_now(registration, "waiting_list_confirmed", position=1)


def test_a_place_taken_meanwhile_puts_the_person_on_the_waiting_list_with_the_right_mail(
    conference, monkeypatch
):
    conference.places = 1
    conference.save()
    real_lock = lifecycle.lock_conference

    def someone_else_first(pk):
        monkeypatch.setattr(lifecycle, "lock_conference", real_lock)
        lifecycle.pre_register(conference=conference, data=person(9))
        return real_lock(pk)

    monkeypatch.setattr(lifecycle, "lock_conference", someone_else_first)
    registration, _ = lifecycle.pre_register(conference=conference, data=person(1))

    assert registration.is_waiting
    assert not OutgoingMail.objects.filter(registration=registration, kind="pre_registration_confirmed")
    assert_mail_as_rendered_now(registration, "waiting_list_confirmed", position=1)


def test_a_conference_changed_meanwhile_is_rendered_again(conference, monkeypatch):
    real_lock = lifecycle.lock_conference

    def office_renames_first(pk):
        renamed = type(conference).objects.get(pk=pk)
        renamed.title = "Umbenannte Tagung"
        renamed.save()
        return real_lock(pk)

    monkeypatch.setattr(lifecycle, "lock_conference", office_renames_first)
    registration, _ = lifecycle.pre_register(conference=conference, data=person(1))

    queued = OutgoingMail.objects.get(registration=registration)
    assert "Umbenannte Tagung" in queued.body_text
    assert_mail_as_rendered_now(registration, "pre_registration_confirmed", position=None)


def test_the_request_user_is_loaded_before_the_lock(conference, monkeypatch, rf):
    """The audit trail reads the request's user (a session query) with its first record: not under the lock."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject
    from simple_history.middleware import _context_manager

    calls = []
    request = rf.post("/")
    request.user = SimpleLazyObject(lambda: calls.append("user") or AnonymousUser())
    for module in (lifecycle,):
        real_lock = module.lock_conference
        monkeypatch.setattr(
            module, "lock_conference", lambda pk, real=real_lock: calls.append("lock") or real(pk)
        )

    with _context_manager(request):
        pre, _ = lifecycle.pre_register(conference=conference, data=person(1))
    assert calls == ["user", "lock"]

    calls.clear()
    request.user = SimpleLazyObject(lambda: calls.append("user") or AnonymousUser())
    data = binding_data(conference, 1)
    with _context_manager(request):
        register_binding(conference=conference, data=data, registration=pre)
    assert calls == ["user", "lock"]


# ---------------------------------------------------------------- the binding confirmation after the lock


def binding_registration(conference, n=1):
    first, _ = register_binding(conference=conference, data=binding_data(conference, 0))
    lifecycle.confirm_address(registration=first)
    pre, _ = lifecycle.pre_register(conference=conference, data=person(n))
    registration, _ = register_binding(
        conference=conference, data=binding_data(conference, n), registration=pre
    )
    return registration


def confirmation_as_rendered_now(registration):
    from registrations.domain import confirmations
    from registrations.queries.invoices import current_invoice

    return confirmations._confirmation_mail(
        registration,
        template="registration_confirmed",
        invoice=current_invoice(registration),
        context={},
        programme=None,
        evening_events=None,
        position=None,
    )


def test_the_binding_confirmation_is_rendered_after_the_locked_transaction(conference, monkeypatch):
    register_binding(conference=conference, data=binding_data(conference, 0))  # the terms exist now
    pre, _ = lifecycle.pre_register(conference=conference, data=person(1))
    calls = record_lock_and_renders(monkeypatch)
    inside_the_lock = record_renders_inside_the_lock(monkeypatch)

    registration, _ = register_binding(
        conference=conference, data=binding_data(conference, 1), registration=pre
    )

    lock, template = calls
    assert (lock, template) == ("lock", "registration_confirmed")
    assert inside_the_lock == [False]  # the locked transaction was over when the mail was rendered
    mail = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert mail.render_spec is None
    monkeypatch.undo()
    rendered, attachments = confirmation_as_rendered_now(registration)
    assert (mail.to, mail.subject, mail.body_text, mail.body_html) == (
        rendered.to,
        rendered.subject,
        rendered.text,
        rendered.html,
    )
    invoice = Invoice.objects.get(registration=registration)
    stored = list(mail.attachments.order_by("pk"))
    assert [(a.filename, a.mimetype) for a in stored] == [
        (attachments[0][0], "text/calendar"),
        (attachments[1].filename, "application/pdf"),
    ]
    assert bytes(stored[0].content) == attachments[0][1]
    assert stored[1].invoice == invoice  # exactly the issued invoice


def test_a_confirmation_left_unrendered_is_rendered_by_its_delivery(conference, monkeypatch, mailoutbox):
    """The process stopped between commit and rendering: the mail is in the outbox all the same,
    and delivery renders it once, with the issued invoice attached."""
    monkeypatch.setattr(outbox, "render_deferred_after_commit", lambda mail, **known: None)
    registration = binding_registration(conference)
    mail = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert mail.render_spec is not None and mail.body_text == "" and not mail.attachments.exists()
    monkeypatch.undo()
    mailoutbox.clear()

    assert outbox.deliver_mail(mail.pk) is True
    assert outbox.deliver_mail(mail.pk) is False  # sent: never twice

    mail.refresh_from_db()
    rendered, _attachments = confirmation_as_rendered_now(registration)
    assert mail.status == OutgoingMail.Status.SENT and mail.render_spec is None
    assert (mail.subject, mail.body_text) == (rendered.subject, rendered.text)
    (message,) = mailoutbox
    assert message.body == rendered.text
    invoice = Invoice.objects.get(registration=registration)
    assert [name for name, _content, _type in message.attachments] == [
        f"{conference.slug}.ics",
        _attachments[1].filename,
    ]
    assert mail.attachments.get(mimetype="application/pdf").invoice == invoice


def test_a_deferred_mail_is_written_once_when_two_render_it(conference, monkeypatch):
    monkeypatch.setattr(outbox, "render_deferred_after_commit", lambda mail, **known: None)
    registration = binding_registration(conference)
    monkeypatch.undo()
    first = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    second = OutgoingMail.objects.get(pk=first.pk)  # another process read it at the same time

    assert outbox.render_deferred(first) is True
    assert outbox.render_deferred(second) is False
    assert outbox.render_deferred(first) is False

    assert first.attachments.count() == 2
    first.refresh_from_db()
    assert first.render_spec is None and first.body_text
