"""Group registration by a contact (issue 15): colleagues, places, one mail per address, invoices."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from core.exceptions import RegistrationError
from registrations.domain import group_registrations, lifecycle
from registrations.domain.lost_link import send_lost_links
from registrations.models import GroupRegistration, Invoice, OutgoingMail, Registration
from registrations.queries.invoices import current_collective_invoice
from tests.factories import ConferenceFactory, group_colleague, group_contact_data

pytestmark = pytest.mark.django_db

SECRETARIAT = "sekretariat@kreis-beispiel.de"


def contact(**extra):
    return group_contact_data(
        **{
            "contact_email": "Sekretariat@Kreis-Beispiel.de",  # the address is folded to lower case
            "billing_department": "Sozialamt",
            "order_number": "PO-4711",
            "leitweg_id": "",
            **extra,
        }
    )


colleague = group_colleague


def register(conference, members=None, **extra):
    members = members or [colleague("Anna", is_member=True), colleague("Bernd"), colleague("Cem")]
    return group_registrations.register_group(conference=conference, data=contact(**extra), members=members)


def test_three_colleagues_get_their_own_places_and_fees_under_one_address():
    conference = ConferenceFactory(places=10)
    group = register(conference)
    members = list(group.members.order_by("pk"))
    assert [(m.first_name, m.email, m.fee, m.status, m.stage) for m in members] == [
        ("Anna", SECRETARIAT, Decimal("250.00"), "holds_place", "binding"),
        ("Bernd", SECRETARIAT, Decimal("300.00"), "holds_place", "binding"),
        ("Cem", SECRETARIAT, Decimal("300.00"), "holds_place", "binding"),
    ]
    assert all(m.billing_organisation == "Landkreis Beispiel" for m in members)


def test_one_mail_per_address_the_contact_gets_the_group_link_a_colleague_with_an_own_address_their_link(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=10)
    with django_capture_on_commit_callbacks(execute=True):
        group = register(
            conference,
            [colleague("Anna"), colleague("Bernd", email="bernd@kreis-beispiel.de"), colleague("Cem")],
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["bernd@kreis-beispiel.de", SECRETARIAT]
    to_contact = next(m for m in mail.outbox if m.to == [SECRETARIAT])
    assert group.get_absolute_url() in to_contact.body
    for name in ("Anna Beispiel", "Bernd Beispiel", "Cem Beispiel"):
        assert name in to_contact.body
    bernd = group.members.get(first_name="Bernd")
    to_bernd = next(m for m in mail.outbox if m.to == ["bernd@kreis-beispiel.de"])
    assert bernd.get_absolute_url() in to_bernd.body
    assert "Sabine Sekretär hat Sie mit einer Gruppenanmeldung angemeldet" in to_bernd.body
    assert "Die Rechnung geht als Sammelrechnung an Ihren Arbeitgeber" in to_bernd.body
    assert group.token not in to_bernd.body  # the group page is the contact's


def test_places_are_given_in_the_order_of_the_list_and_the_rest_wait():
    conference = ConferenceFactory(places=2)
    group = register(conference)
    assert list(group.members.order_by("pk").values_list("first_name", "status")) == [
        ("Anna", "holds_place"),
        ("Bernd", "holds_place"),
        ("Cem", "waiting"),
    ]


def test_the_contact_opening_the_link_confirms_everyone_and_the_employer_gets_one_collective_invoice(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=10)
    group = register(conference)
    assert Invoice.objects.count() == 0  # nothing is invoiced before the address is confirmed
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        group_registrations.confirm_group(group=group)
    invoice = Invoice.objects.get()
    assert invoice.group_registration == group
    assert invoice.amount == Decimal("850.00")
    assert [(line.position, line.participant_name, line.amount) for line in invoice.lines.all()] == [
        (1, "Anna Beispiel", Decimal("250.00")),
        (2, "Bernd Beispiel", Decimal("300.00")),
        (3, "Cem Beispiel", Decimal("300.00")),
    ]
    assert invoice.recipient.splitlines()[0] == "Landkreis Beispiel"
    assert [m.to for m in mail.outbox] == [[SECRETARIAT]]
    assert mail.outbox[0].attachments[0][0] == f"Rechnung_{invoice.number}.pdf"
    assert all(not m.awaits_confirmation for m in group.members.all())
    # Opening the link again changes nothing.
    group_registrations.confirm_group(group=group)
    assert Invoice.objects.count() == 1


def test_each_person_gets_an_own_invoice_when_the_contact_chooses_so():
    conference = ConferenceFactory(places=10)
    group = register(conference, billing="each")
    group_registrations.confirm_group(group=group)
    invoices = Invoice.objects.order_by("sequence")
    assert [(i.participant_name, i.amount, i.group_registration_id) for i in invoices] == [
        ("Anna Beispiel", Decimal("250.00"), None),
        ("Bernd Beispiel", Decimal("300.00"), None),
        ("Cem Beispiel", Decimal("300.00"), None),
    ]


def test_cancelling_one_colleague_gives_a_storno_and_a_new_collective_invoice_for_the_others():
    conference = ConferenceFactory(places=10)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    first = current_collective_invoice(group)
    lifecycle.cancel(registration=group.members.get(first_name="Bernd"))
    first.refresh_from_db()
    storno = first.cancelled_by
    assert storno.amount == Decimal("-850.00")
    assert [line.amount for line in storno.lines.all()] == [
        Decimal("-250.00"),
        Decimal("-300.00"),
        Decimal("-300.00"),
    ]
    second = current_collective_invoice(group)
    assert second.amount == Decimal("550.00")
    assert [line.participant_name for line in second.lines.all()] == ["Anna Beispiel", "Cem Beispiel"]


def test_cancelling_the_first_colleague_moves_the_collective_invoice_and_its_payments_to_the_next():
    from registrations.domain.payments import record_payment

    conference = ConferenceFactory(places=10)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    anna = group.members.get(first_name="Anna")
    record_payment(registration=anna, amount=Decimal("850.00"), received_on=anna.created_at.date())
    lifecycle.cancel(registration=anna)
    second = current_collective_invoice(group)
    assert second.registration.first_name == "Bernd"
    assert second.amount == Decimal("600.00")
    assert second.credited_payments == Decimal("600.00")
    assert anna.payments.count() == 0


def test_a_substitute_takes_the_line_on_a_new_collective_invoice():
    conference = ConferenceFactory(places=10)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    bernd = group.members.get(first_name="Bernd")
    taken = lifecycle.substitute(
        registration=bernd,
        data={
            "first_name": "Dora",
            "last_name": "Neu",
            "email": SECRETARIAT,
            "organisation": "X",
            "is_member": True,
        },
    )
    assert taken.substitute.group_registration == group
    invoice = current_collective_invoice(group)
    assert [(line.participant_name, line.amount) for line in invoice.lines.all()] == [
        ("Anna Beispiel", Decimal("250.00")),
        ("Cem Beispiel", Decimal("300.00")),
        ("Dora Neu", Decimal("250.00")),
    ]
    assert Invoice.objects.filter(kind="cancellation").count() == 1


def test_moving_up_from_the_waiting_list_joins_the_collective_invoice():
    conference = ConferenceFactory(places=2)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    assert [line.participant_name for line in current_collective_invoice(group).lines.all()] == [
        "Anna Beispiel",
        "Bernd Beispiel",
    ]
    lifecycle.cancel(registration=group.members.get(first_name="Anna"))
    cem = group.members.get(first_name="Cem")
    assert cem.holds_place
    assert [line.participant_name for line in current_collective_invoice(group).lines.all()] == [
        "Bernd Beispiel",
        "Cem Beispiel",
    ]


def test_needs_without_the_colleagues_agreement_are_refused():
    conference = ConferenceFactory(places=10)
    with pytest.raises(RegistrationError, match="einverstanden"):
        register(conference, [colleague("Anna", dietary_needs="vegan")])
    assert GroupRegistration.objects.count() == 0
    group = register(conference, [colleague("Anna", dietary_needs="vegan", needs_agreed=True)])
    anna = group.members.get()
    assert (anna.dietary_needs, anna.needs_entered_by_contact) == ("vegan", True)


def test_the_contact_sets_needs_later_only_with_agreement():
    conference = ConferenceFactory(places=10)
    group = register(conference)
    anna = group.members.get(first_name="Anna")
    with pytest.raises(RegistrationError, match="einverstanden"):
        group_registrations.set_needs_by_contact(
            group=group,
            registration=anna,
            dietary_needs="vegetarisch",
            accessibility_needs="",
            colleague_agreed=False,
        )
    group_registrations.set_needs_by_contact(
        group=group,
        registration=anna,
        dietary_needs="vegetarisch",
        accessibility_needs="",
        colleague_agreed=True,
    )
    anna.refresh_from_db()
    assert anna.dietary_needs == "vegetarisch"
    assert anna.history.first().history_change_reason.startswith("Bedürfnisse von der Kontaktperson")


def test_the_same_person_twice_in_one_list_is_refused():
    conference = ConferenceFactory(places=10)
    with pytest.raises(RegistrationError, match="zweimal"):
        register(conference, [colleague("Anna"), colleague("ANNA ")])
    assert Registration.objects.count() == 0


def test_an_already_registered_colleague_is_not_registered_twice():
    conference = ConferenceFactory(places=10)
    register(conference, [colleague("Anna")])
    group = register(conference, [colleague("Anna"), colleague("Bernd")])
    assert list(group.members.values_list("first_name", flat=True)) == ["Bernd"]
    assert Registration.objects.filter(first_name="Anna").count() == 1


def test_lost_link_of_the_shared_address_lists_each_colleague_and_the_group_page():
    conference = ConferenceFactory(places=10)
    group = register(conference)
    OutgoingMail.objects.all().delete()
    sent = send_lost_links(email=SECRETARIAT)
    assert sent.to == SECRETARIAT
    for member in group.members.all():
        assert f"{member.full_name}: {conference.title}" in sent.body_text
        assert member.get_absolute_url() in sent.body_text
    assert group.get_absolute_url() in sent.body_text
    assert "Gruppenseite Landkreis Beispiel" in sent.body_text


def test_group_page_shows_everyone_and_confirms_the_address(client):
    conference = ConferenceFactory(places=2)
    group = register(conference)
    html = client.get(group.get_absolute_url(), follow=True).content.decode()
    assert "Danke, Ihre E-Mail-Adresse ist bestätigt" in html
    for name in ("Anna Beispiel", "Bernd Beispiel", "Cem Beispiel"):
        assert name in html
    assert "Warteliste, Platz 1" in html
    assert "Sammelrechnung" in html
    group.refresh_from_db()
    assert group.email_confirmed_at is not None


def test_group_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    conference = ConferenceFactory(places=20)
    group = register(conference, [colleague(f"Person{n}") for n in range(6)])
    group_registrations.confirm_group(group=group)
    with django_assert_max_num_queries(25):
        client.get(group.get_absolute_url())


def test_group_form_registers_everyone_and_answers_like_the_single_form(
    client, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory(places=10)
    url = reverse("registrations:group_register", kwargs={"slug": conference.slug})
    assert client.get(url).status_code == 200
    form = {
        **{key: value for key, value in contact().items() if key != "terms_accepted"},
        "terms_accepted": "on",
        "privacy_consent": "on",
        "person-TOTAL_FORMS": "3",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "1",
        "person-MAX_NUM_FORMS": "20",
        "person-0-first_name": "Anna",
        "person-0-last_name": "Beispiel",
        "person-1-first_name": "Bernd",
        "person-1-last_name": "Beispiel",
        "person-1-email": "bernd@kreis-beispiel.de",
        "person-2-salutation": "none",  # an empty row as the browser sends it
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "registrations:group_done", kwargs={"slug": conference.slug}
    )
    assert "Wir haben Ihnen eine E-Mail geschickt" in response.content.decode()
    group = GroupRegistration.objects.get()
    assert list(group.members.values_list("first_name", flat=True).order_by("pk")) == ["Anna", "Bernd"]


def test_group_form_shows_the_needs_error_next_to_the_field_and_keeps_what_was_typed(client):
    conference = ConferenceFactory(places=10)
    url = reverse("registrations:group_register", kwargs={"slug": conference.slug})
    form = {
        **{key: value for key, value in contact().items() if key != "terms_accepted"},
        "terms_accepted": "on",
        "privacy_consent": "on",
        "person-TOTAL_FORMS": "1",
        "person-INITIAL_FORMS": "0",
        "person-0-first_name": "Anna",
        "person-0-last_name": "Beispiel",
        "person-0-dietary_needs": "vegan",
    }
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "einverstanden ist" in html
    assert 'value="vegan"' in html
    assert GroupRegistration.objects.count() == 0


def test_the_office_billing_a_colleague_as_non_member_corrects_the_collective_invoice():
    from registrations.domain.membership import confirm_membership

    conference = ConferenceFactory(places=10)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    anna = group.members.get(first_name="Anna")
    confirm_membership(registration=anna, is_member=False)
    invoice = current_collective_invoice(group)
    assert [line.amount for line in invoice.lines.all()] == [Decimal("300.00")] * 3
    assert Invoice.objects.filter(kind="cancellation").count() == 1


def test_a_colleagues_salutation_starts_as_no_answer():
    from registrations.public.forms.group_registration import GroupMemberForm

    assert GroupMemberForm(prefix="p")["salutation"].value() == "none"


def test_a_colleagues_own_page_does_not_show_the_collective_invoice(client):
    conference = ConferenceFactory(places=10)
    group = register(conference)
    group_registrations.confirm_group(group=group)
    invoice = current_collective_invoice(group)
    holder = invoice.registration
    html = client.get(holder.get_absolute_url()).content.decode()
    assert holder.full_name in html
    assert invoice.number not in html
    assert "Bernd Beispiel" not in html


def test_the_contacts_data_go_with_the_groups_last_anonymised_member():
    from registrations.domain.retention import anonymise_registration

    conference = ConferenceFactory(places=10)
    group = register(conference, [colleague("Anna"), colleague("Bernd")])
    anna, bernd = group.members.order_by("pk")
    token = group.token
    lifecycle.cancel(registration=anna)
    anonymise_registration(registration=anna)
    group.refresh_from_db()
    assert (group.contact_last_name, group.anonymised_at) == ("Sekretär", None)
    lifecycle.cancel(registration=bernd)
    anonymise_registration(registration=bernd)
    group.refresh_from_db()
    assert (group.contact_first_name, group.contact_last_name) == ("anonymisiert", "anonymisiert")
    assert "sekretariat" not in group.contact_email
    assert group.token != token
    assert group.history.count() == 1


def _group_page_queries(client, waiting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    conference = ConferenceFactory(places=1)
    group = register(conference, [colleague(f"Person{n}") for n in range(1 + waiting)])
    group_registrations.confirm_group(group=group)
    assert group.members.filter(status=Registration.Status.WAITING).count() == waiting
    with CaptureQueriesContext(connection) as queries:
        response = client.get(group.get_absolute_url())
    return response, len(queries)


def test_group_page_reads_waiting_positions_in_one_query_however_many_wait(client):
    response, one_waits = _group_page_queries(client, waiting=1)
    assert "Warteliste, Platz 1" in response.content.decode()
    response, four_wait = _group_page_queries(client, waiting=4)
    html = response.content.decode()
    assert "Warteliste, Platz 1" in html and "Warteliste, Platz 4" in html
    assert four_wait == one_waits


def test_the_colleague_row_and_the_substitute_form_share_one_person_definition():
    """Issue 15, review gap 4: the person fields are defined once (public/forms/_person.py)."""
    from registrations.public.forms._person import PersonFields
    from registrations.public.forms.binding import SubstituteForm
    from registrations.public.forms.group_registration import GroupMemberForm

    assert issubclass(GroupMemberForm, PersonFields) and issubclass(SubstituteForm, PersonFields)
    typed = {"first_name": "Anna1", "last_name": "Beispiel", "email": "anna@example.org", "is_member": ""}
    colleague_row, substitute = GroupMemberForm(typed), SubstituteForm({**typed, "organisation": "Kreis"})
    assert not colleague_row.is_valid() and not substitute.is_valid()
    assert colleague_row.errors["first_name"] == substitute.errors["first_name"]
    valid = {**typed, "first_name": "Anna", "member_number": "123"}
    colleague_row = GroupMemberForm(valid)
    assert colleague_row.is_valid(), colleague_row.errors
    assert colleague_row.cleaned_data["salutation"] == Registration.Salutation.NONE
    assert colleague_row.cleaned_data["member_number"] == ""  # not a member: no number
