import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from registrations.domain import workshops
from registrations.models import Registration, WorkshopBooking
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(phase):
    conference = phase.conference
    full = WorkshopFactory(phase=phase, title="Sozialraum <b>", seat_limit=1, order=1)
    free = WorkshopFactory(phase=phase, title="Quartier", seat_limit=10, order=2)
    workshops.choose_workshops(
        registration=RegistrationFactory(conference=conference), choices={phase.pk: full.pk}
    )
    registration = RegistrationFactory(conference=conference)
    return registration, phase, full, free


def url(registration):
    return reverse("registrations:personal_workshops", kwargs={"token": registration.token})


def test_form_shows_full_workshop_disabled_and_offers_its_waiting_list(client, setting):
    registration, phase, full, free = setting
    response = client.get(url(registration))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{full.pk}"' in html
    assert "Sozialraum &lt;b&gt; – Raum 1 – ausgebucht" in html
    assert "Quartier – Raum 1 – noch 10 Plätze frei" in html
    radio = html[
        html.index(f'id="id_phase_{phase.pk}_0"') - 200 : html.index(f'id="id_phase_{phase.pk}_0"') + 80
    ]
    assert "disabled" in radio
    assert f'name="waiting_{phase.pk}"' in html


def test_post_seats_and_redirects_to_the_personal_page(client, setting):
    registration, phase, full, free = setting
    response = client.post(url(registration), {f"phase_{phase.pk}": free.pk, f"waiting_{phase.pk}": ""})
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert WorkshopBooking.objects.get(registration=registration).workshop == free
    page = client.get(response["Location"]).content.decode()
    assert "Ihre Workshop-Wahl wurde gespeichert." in page
    assert "Meine Workshops" in page
    assert "Quartier" in page


def test_post_waiting_list_with_second_choice_shows_position(client, setting):
    registration, phase, full, free = setting
    response = client.post(url(registration), {f"phase_{phase.pk}": free.pk, f"waiting_{phase.pk}": full.pk})
    assert response.status_code == 302
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "„Sozialraum &lt;b&gt;“, Platz 1 auf der Warteliste" in page
    assert "(Zweitwahl)" in page
    form = client.get(url(registration)).content.decode()
    assert "Quartier – Raum 1 – Ihr Platz" in form


def test_posting_a_full_workshop_directly_is_refused_in_german(client, setting):
    registration, phase, full, free = setting
    response = client.post(url(registration), {f"phase_{phase.pk}": full.pk})
    assert response.status_code == 302
    assert response["Location"] == url(registration)
    assert "„Sozialraum &lt;b&gt;“ ist leider ausgebucht" in client.get(url(registration)).content.decode()
    assert not WorkshopBooking.objects.filter(registration=registration).exists()


def test_waiting_for_the_chosen_workshop_is_a_form_error(client, setting):
    registration, phase, full, free = setting
    response = client.post(url(registration), {f"phase_{phase.pk}": free.pk, f"waiting_{phase.pk}": free.pk})
    assert response.status_code == 200
    assert not WorkshopBooking.objects.filter(registration=registration).exists()


def test_garbage_input_is_a_form_error_not_a_500(client, setting):
    registration, phase, full, free = setting
    response = client.post(
        url(registration), {f"phase_{phase.pk}": "x'; drop", f"waiting_{phase.pk}": "999999"}
    )
    assert response.status_code == 200
    assert not WorkshopBooking.objects.filter(registration=registration).exists()


def test_after_the_deadline_the_form_is_closed(client, setting):
    registration, phase, full, free = setting
    after = timezone.make_aware(
        dt.datetime.combine(registration.conference.registration_deadline, dt.time(12))
    )
    with time_machine.travel(after + dt.timedelta(days=1)):
        response = client.post(url(registration), {f"phase_{phase.pk}": free.pk})
        assert response.status_code == 302
        assert not WorkshopBooking.objects.filter(registration=registration).exists()
        page = client.get(registration.get_absolute_url()).content.decode()
    assert "Für Änderungen wenden Sie sich bitte an die Geschäftsstelle." in page
    assert url(registration) not in page


def test_personal_page_of_a_conference_waiting_registration_shows_wishes(client, setting):
    registration, phase, full, free = setting
    waiting = RegistrationFactory(
        conference=registration.conference, status=Registration.Status.WAITING, waiting_since=timezone.now()
    )
    response = client.post(url(waiting), {f"phase_{phase.pk}": full.pk})
    assert response.status_code == 302
    page = " ".join(client.get(waiting.get_absolute_url()).content.decode().split())
    assert "Wunsch</span> „Sozialraum &lt;b&gt;“" in page
    assert "auf der Warteliste" not in page.split("Meine Workshops")[1].split("</section>")[0]


def test_personal_page_without_choose_phases_has_no_workshop_box(client):
    registration = RegistrationFactory(conference=ConferenceFactory())
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Meine Workshops" not in page
    assert client.get(url(registration)).status_code == 302


def test_form_and_personal_page_run_constant_queries(client, setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    registration, phase, full, free = setting

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    workshops.choose_workshops(registration=registration, choices={phase.pk: free.pk})
    small = (count(url(registration)), count(registration.get_absolute_url()))
    for number in (5, 6):
        other = WorkshopPhaseFactory(conference=registration.conference, number=number)
        chosen = WorkshopFactory.create_batch(3, phase=other)[0]
        workshops.choose_workshops(registration=registration, choices={other.pk: chosen.pk})
    for _ in range(3):
        workshops.choose_workshops(
            registration=RegistrationFactory(conference=registration.conference),
            choices={phase.pk: full.pk},
            join_waiting_list=True,
        )
    assert (count(url(registration)), count(registration.get_absolute_url())) == small
