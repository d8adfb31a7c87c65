"""Moving up close to or after the binding deadline, the reminder before it, and the places released after it.

The conference: binding deadline 30 Nov 2026, begins 20 Dec; moving up fewer than 14 days before
the deadline (or after it) gives 7 days (the defaults). Issue 15, defects 3, 4 (move-up) and 13.
"""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command

from core.exceptions import RegistrationError
from registrations.domain import confirmations, lifecycle
from registrations.models import OutgoingMail, Registration
from registrations.queries.deadlines import missed_binding_deadline
from registrations.rules.windows import binding_deadline_of, binding_window_for, personal_deadline_for
from tests.factories import (
    ConferenceFactory,
    binding_data,
    employer_billing,
    pre_registered,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DEADLINE = dt.date(2026, 11, 30)


def on(month, day, hour=12):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(on(11, 1), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2026",
        places=1,
        starts_at=on(12, 20, 10),
        ends_at=on(12, 21, 14),
        pre_registration_deadline=dt.date(2026, 11, 15),
        registration_deadline=DEADLINE,
    )


def confirmed(registration):
    return lifecycle.confirm_address(registration=registration)


def mails_of(registration, kind=None):
    mails = OutgoingMail.objects.filter(registration=registration).order_by("pk")
    return [mail for mail in mails if kind is None or mail.kind == kind]


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("moved_up", "expected"),
    [
        (on(11, 1), None),  # 29 days before: the general deadline applies
        (on(11, 16), None),  # 14 days before: not fewer than 14
        (on(11, 27), dt.date(2026, 12, 4)),  # 3 days before: 7 days from today
        (on(11, 30, 23), dt.date(2026, 12, 7)),  # the deadline day itself, late evening in Berlin
        (on(12, 1), dt.date(2026, 12, 8)),  # after the deadline
        (on(12, 16), dt.date(2026, 12, 19)),  # never after the day before the conference
        (on(12, 19, 20), dt.date(2026, 12, 19)),  # never before today
    ],
)
def test_personal_deadline_follows_the_conference_settings(conference, moved_up, expected):
    assert personal_deadline_for(conference, now=moved_up) == expected


def test_personal_deadline_never_ends_before_the_general_deadline(conference):
    conference.personal_deadline_threshold_days = 20
    conference.personal_deadline_days = 3
    assert personal_deadline_for(conference, now=on(11, 20)) is None  # 23 Nov < 30 Nov: the general one
    assert personal_deadline_for(conference, now=on(11, 29)) == dt.date(2026, 12, 2)


def test_no_personal_deadline_without_a_binding_deadline(conference):
    conference.registration_deadline = None
    assert personal_deadline_for(conference, now=on(12, 1)) is None


# ---------------------------------------------------------------- moving up (defect 3 and 4)


def test_moving_up_after_the_deadline_gives_a_personal_deadline_and_never_a_past_date(
    conference, time_machine
):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.holds_place
    assert waiting.personal_deadline == dt.date(2026, 12, 8)
    (moved,) = mails_of(waiting, "moved_up")
    assert "Bitte melden Sie sich bis zum 08.12.2026 verbindlich an" in moved.body_text
    assert "persönliche Frist" in moved.body_text
    assert "30.11.2026" not in moved.body_text
    assert "30.11.2026" not in moved.body_html
    assert "08.12.2026" in moved.body_html


def test_moving_up_long_before_the_deadline_names_the_general_deadline(conference):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.personal_deadline is None
    (moved,) = mails_of(waiting, "moved_up")
    assert "Bitte melden Sie sich bis zum 30.11.2026 verbindlich an" in moved.body_text
    assert "persönliche Frist" not in moved.body_text


def test_moving_up_from_the_binding_waiting_list_sends_one_mail_with_the_invoice_once(conference):
    holder = confirmed(pre_registered(conference, 1))
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(2))
    waiting = confirmed(waiting)
    before = len(mails_of(waiting))
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    new = mails_of(waiting)[before:]
    assert [mail.kind for mail in new] == ["registration_confirmed"]
    (mail,) = new
    assert mail.to == waiting.email
    assert "von der Warteliste gilt jetzt" in mail.body_text
    invoices = [a.invoice.number for a in mail.attachments.all() if a.invoice_id]
    assert invoices == ["2026-0001"]
    assert waiting.personal_deadline is None


def test_moving_up_with_an_accounts_office_sends_it_the_invoice_in_a_mail_of_its_own(conference):
    holder = confirmed(pre_registered(conference, 1))
    waiting, _ = lifecycle.register_binding(
        conference=conference, data=pre_registration_data(2, **employer_billing())
    )
    waiting = confirmed(waiting)
    before = len(mails_of(waiting))
    lifecycle.cancel(registration=holder)
    new = mails_of(waiting)[before:]
    assert sorted((mail.kind, mail.to) for mail in new) == [
        ("invoice_documents", "rechnung@landkreis-beispiel.de"),
        ("registration_confirmed", waiting.email),
    ]
    participant = next(mail for mail in new if mail.to == waiting.email)
    assert len([a for a in participant.attachments.all() if a.invoice_id]) == 1


# ---------------------------------------------------------------- the binding form and the personal deadline


def test_binding_window_stays_open_for_the_personal_deadline_and_closes_after_it(conference, time_machine):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    assert binding_window_for(waiting).is_open
    assert binding_window_for(waiting, now=on(12, 8, 23)).is_open
    closed = binding_window_for(waiting, now=on(12, 9, 0))
    assert not closed.is_open
    assert "persönliche Frist" in closed.reason and "08.12.2026" in closed.reason
    assert binding_deadline_of(waiting) == dt.date(2026, 12, 8)
    assert binding_deadline_of(waiting, now=on(12, 9)) is None


def test_person_with_a_personal_deadline_registers_bindingly_after_the_general_deadline(
    conference, time_machine
):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    time_machine.move_to(on(12, 7), tick=False)
    registration, _ = lifecycle.register_binding(
        conference=conference, registration=Registration.objects.get(pk=waiting.pk), data=binding_data(2)
    )
    assert registration.is_binding and registration.holds_place


def test_after_the_personal_deadline_the_binding_form_refuses(conference, time_machine):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    time_machine.move_to(on(12, 9), tick=False)
    with pytest.raises(RegistrationError, match="persönliche Frist.*08.12.2026"):
        lifecycle.register_binding(
            conference=conference, registration=Registration.objects.get(pk=waiting.pk), data=binding_data(2)
        )


# ---------------------------------------------------------------- the schedule gives the place on


def _moved_up_after_the_deadline(conference, time_machine):
    """Holder cancels on 1 Dec: Person2 moves up with the deadline 8 Dec; Person3 and 4 wait."""
    holder = confirmed(pre_registered(conference, 1))
    second = confirmed(pre_registered(conference, 2))
    third = confirmed(pre_registered(conference, 3))
    fourth = confirmed(pre_registered(conference, 4))
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    return second, third, fourth


def test_a_missed_personal_deadline_gives_the_place_to_the_next_person_with_mails(conference, time_machine):
    second, third, fourth = _moved_up_after_the_deadline(conference, time_machine)
    time_machine.move_to(on(12, 8, 23), tick=False)
    assert lifecycle.release_missed_personal_deadlines() == 0  # the 8th is still theirs
    time_machine.move_to(on(12, 9, 0), tick=False)
    assert lifecycle.release_missed_personal_deadlines() == 1

    second.refresh_from_db()
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert second.status == Registration.Status.CANCELLED
    assert second.place_released_at == on(12, 9, 0)
    (released,) = mails_of(second, "place_released")
    assert "08.12.2026" in released.body_text
    assert "an die nächste Person auf der Warteliste gegangen" in released.body_text
    assert third.holds_place
    assert third.personal_deadline == dt.date(2026, 12, 16)  # the next one gets their own
    (moved,) = mails_of(third, "moved_up")
    assert "16.12.2026" in moved.body_text
    assert fourth.is_waiting


def test_the_release_of_missed_personal_deadlines_is_idempotent(conference, time_machine):
    second, third, _fourth = _moved_up_after_the_deadline(conference, time_machine)
    time_machine.move_to(on(12, 9), tick=False)
    assert lifecycle.release_missed_personal_deadlines() == 1
    assert lifecycle.release_missed_personal_deadlines() == 0
    assert len(mails_of(second, "place_released")) == 1
    assert len(mails_of(third, "moved_up")) == 1


def test_the_scheduled_command_releases_missed_personal_deadlines(conference, time_machine):
    second, third, _fourth = _moved_up_after_the_deadline(conference, time_machine)
    time_machine.move_to(on(12, 9), tick=False)
    output = io.StringIO()
    call_command("release_missed_deadlines", stdout=output)
    assert output.getvalue() == "1 released\n"
    third.refresh_from_db()
    assert third.holds_place


def test_a_binding_registration_in_time_keeps_the_place(conference, time_machine):
    second, third, _fourth = _moved_up_after_the_deadline(conference, time_machine)
    second.refresh_from_db()
    lifecycle.register_binding(conference=conference, registration=second, data=binding_data(2))
    time_machine.move_to(on(12, 20, 9), tick=False)
    assert lifecycle.release_missed_personal_deadlines() == 0
    third.refresh_from_db()
    assert third.is_waiting


def test_without_a_personal_deadline_nothing_is_released_by_the_schedule(conference, time_machine):
    holder = confirmed(pre_registered(conference, 1))
    confirmed(pre_registered(conference, 2))
    time_machine.move_to(on(12, 5), tick=False)
    assert lifecycle.release_missed_personal_deadlines() == 0
    holder.refresh_from_db()
    assert holder.holds_place


# ---------------------------------------------------------------- the reminder before the deadline


def test_the_reminder_goes_once_to_every_pre_registered_person_from_the_configured_day(
    conference, time_machine
):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2))
    binding = confirmed(lifecycle.register_binding(conference=conference, data=binding_data(3))[0])
    time_machine.move_to(on(11, 22, 8), tick=False)  # 8 days before: not yet (default 7)
    assert confirmations.send_binding_reminders() == 0
    time_machine.move_to(on(11, 23, 8), tick=False)
    assert confirmations.send_binding_reminders() == 2
    assert confirmations.send_binding_reminders() == 0
    time_machine.move_to(on(11, 24, 8), tick=False)
    assert confirmations.send_binding_reminders() == 0

    (reminder,) = mails_of(holder, "binding_reminder")
    assert "bis zum 30.11.2026 verbindlich anzumelden" in reminder.body_text
    assert "30.11.2026" in reminder.subject
    (on_the_list,) = mails_of(waiting, "binding_reminder")
    assert "Warteliste (derzeit Platz 1)" in on_the_list.body_text
    assert mails_of(binding, "binding_reminder") == []
    holder.refresh_from_db()
    assert holder.binding_reminder_sent_at == on(11, 23, 8)


def test_no_reminder_after_the_deadline_or_when_switched_off(conference, time_machine):
    confirmed(pre_registered(conference, 1))
    conference.binding_reminder_days = 0
    conference.save()
    time_machine.move_to(on(11, 29), tick=False)
    assert confirmations.send_binding_reminders() == 0
    conference.binding_reminder_days = 7
    conference.save()
    time_machine.move_to(on(12, 1), tick=False)
    assert confirmations.send_binding_reminders() == 0


def test_an_english_participant_gets_the_reminder_and_the_move_up_in_english(conference, time_machine):
    holder = confirmed(pre_registered(conference, 1))
    waiting = confirmed(pre_registered(conference, 2, language="en"))
    time_machine.move_to(on(11, 25), tick=False)
    confirmations.send_binding_reminders()
    (reminder,) = mails_of(waiting, "binding_reminder")
    assert reminder.subject.startswith("Reminder: please register bindingly by 30.11.2026")
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=holder)
    (moved,) = mails_of(waiting, "moved_up")
    assert "Please register bindingly by 08.12.2026. This is your personal deadline" in moved.body_text
    time_machine.move_to(on(12, 9), tick=False)
    lifecycle.release_missed_personal_deadlines()
    (released,) = mails_of(waiting, "place_released")
    assert "Your reserved place has therefore gone to the next person" in released.body_text


# ---------------------------------------------------------------- the office releases at the deadline


def test_the_office_releases_only_selected_pre_registrations_that_missed_the_deadline(
    conference, time_machine
):
    conference.places = 3
    conference.save()
    missed = confirmed(pre_registered(conference, 1))
    selected_but_binding = confirmed(
        lifecycle.register_binding(conference=conference, data=binding_data(2))[0]
    )
    not_selected = confirmed(pre_registered(conference, 3))
    first_waiting = confirmed(pre_registered(conference, 4))
    second_waiting = confirmed(pre_registered(conference, 5))
    time_machine.move_to(on(12, 1), tick=False)

    released = lifecycle.release_places(registrations=[missed, selected_but_binding, first_waiting])

    assert [registration.pk for registration in released] == [missed.pk]
    for registration in (missed, selected_but_binding, not_selected, first_waiting, second_waiting):
        registration.refresh_from_db()
    assert missed.status == Registration.Status.CANCELLED and missed.place_released_at == on(12, 1)
    assert "30.11.2026" in mails_of(missed, "place_released")[0].body_text
    assert selected_but_binding.holds_place
    assert not_selected.holds_place  # nothing is released without the office's choice
    assert first_waiting.holds_place and first_waiting.personal_deadline == dt.date(2026, 12, 8)
    assert second_waiting.is_waiting


def test_before_the_deadline_the_office_releases_nothing(conference, time_machine):
    holder = confirmed(pre_registered(conference, 1))
    time_machine.move_to(on(11, 30, 23), tick=False)
    assert lifecycle.release_places(registrations=[holder]) == []
    assert list(missed_binding_deadline(Registration.objects.all())) == []
    holder.refresh_from_db()
    assert holder.holds_place


def test_a_running_personal_deadline_is_not_released_by_the_office(conference, time_machine):
    second, _third, _fourth = _moved_up_after_the_deadline(conference, time_machine)
    time_machine.move_to(on(12, 3), tick=False)
    assert lifecycle.release_places(registrations=[second]) == []
    time_machine.move_to(on(12, 9), tick=False)
    assert [r.pk for r in lifecycle.release_places(registrations=[second])] == [second.pk]


def test_the_programme_mailing_after_the_deadline_names_no_past_date(conference, time_machine):
    second, _third, _fourth = _moved_up_after_the_deadline(conference, time_machine)
    confirmations.send_programme_mailing(conference=conference)
    (mailing,) = mails_of(second, "programme_mailing")
    assert "Bitte melden Sie sich bis zum 08.12.2026 verbindlich an" in mailing.body_text
    assert "30.11.2026" not in mailing.body_text
    assert "30.11.2026" not in mailing.body_html
