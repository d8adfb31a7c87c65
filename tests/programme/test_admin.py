import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.models import Conference, Person, ProgrammeItem, SitePage, Workshop, WorkshopPhase
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["conference", "workshopphase", "workshop", "programmeitem", "person", "sitepage"]


@pytest.fixture
def objects():
    """One object of every registered model, linked the way the office links them."""
    conference = ConferenceFactory()
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase)
    moderator = WorkshopModeratorFactory(workshop=workshop)
    item = ProgrammeItemFactory(
        conference=conference, kind=ProgrammeItem.Kind.WORKSHOP_PHASE, workshop_phase=phase
    )
    AppearanceFactory(item=item, person=moderator.person)
    page = SitePage.objects.create(slug="impressum", title="Impressum", body="Text")
    return {
        "conference": conference,
        "workshopphase": phase,
        "workshop": workshop,
        "programmeitem": item,
        "person": moderator.person,
        "sitepage": page,
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_renders_for_the_office(admin_client, objects, model):
    response = admin_client.get(reverse(f"admin:programme_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_renders_for_the_office(admin_client, model):
    response = admin_client.get(reverse(f"admin:programme_{model}_add"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_page_renders_for_an_existing_object(admin_client, objects, model):
    response = admin_client.get(reverse(f"admin:programme_{model}_change", args=[objects[model].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_anonymous_user_is_sent_to_the_login(client, model):
    url = reverse(f"admin:programme_{model}_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_conference_change_page_groups_fields_in_german_and_links_to_the_website(admin_client, objects):
    conference = objects["conference"]
    response = admin_client.get(reverse("admin:programme_conference_change", args=[conference.pk]))
    content = response.content.decode()
    for heading in [
        "Tagung",
        "Ort und Zeit",
        "Plätze und Gebühren",
        "Fristen",
        "Veröffentlichung",
        "Tagungsbericht",
    ]:
        assert f">{heading}<" in content
    assert "Auf der Website ansehen" in content
    assert f'href="{conference.get_absolute_url()}"' in content


def test_view_on_site_redirects_to_the_conference_page(admin_client, objects):
    conference = objects["conference"]
    content_type = ContentType.objects.get_for_model(Conference)
    response = admin_client.get(reverse("admin:view_on_site", args=[content_type.pk, conference.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tagungen/{conference.slug}/")


def test_conference_inline_offers_only_the_phases_of_this_conference(admin_client, objects):
    other_phase = WorkshopPhaseFactory(title="Phase einer anderen Tagung")
    response = admin_client.get(reverse("admin:programme_conference_change", args=[objects["conference"].pk]))
    assert other_phase.title not in response.content.decode()


def test_conference_changelist_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries):
    ConferenceFactory()
    url = reverse("admin:programme_conference_changelist")
    queries_for_one = count_queries(admin_client, url)
    ConferenceFactory.create_batch(30, city="Leipzig")
    with django_assert_max_num_queries(queries_for_one):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 31


def test_workshop_changelist_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries):
    WorkshopModeratorFactory()
    url = reverse("admin:programme_workshop_changelist")
    queries_for_one = count_queries(admin_client, url)
    for _ in range(10):
        workshop = WorkshopFactory(phase=WorkshopPhaseFactory(number=1))
        WorkshopModeratorFactory.create_batch(2, workshop=workshop)
    with django_assert_max_num_queries(queries_for_one):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 11


def test_workshop_changelist_shows_conference_and_moderators_in_their_order(admin_client):
    moderator = WorkshopModeratorFactory(
        person=PersonFactory(first_name="Volker", last_name="Kersting"), order=1
    )
    WorkshopModeratorFactory(
        workshop=moderator.workshop, person=PersonFactory(first_name="Monika", last_name="Bradna"), order=2
    )
    response = admin_client.get(reverse("admin:programme_workshop_changelist"))
    content = response.content.decode()
    assert "Volker Kersting, Monika Bradna" in content
    assert moderator.workshop.phase.conference.title in content


def test_programme_item_changelist_runs_a_constant_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    ProgrammeItemFactory()
    url = reverse("admin:programme_programmeitem_changelist")
    queries_for_one = count_queries(admin_client, url)
    for _ in range(10):
        AppearanceFactory(item=ProgrammeItemFactory())
    with django_assert_max_num_queries(queries_for_one):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 11


def conference_form(**overrides):
    data = {
        "title": "Jahrestagung 2027",
        "slug": "jahrestagung-2027",
        "motto": "",
        "description": "",
        "city": "Köln",
        "venue_name": "",
        "venue_address": "",
        "starts_at_0": "23.09.2027",
        "starts_at_1": "10:00",
        "ends_at_0": "24.09.2027",
        "ends_at_1": "14:00",
        "places": "60",
        "member_fee": "250.00",
        "non_member_fee": "300.00",
        "pre_registration_opens_at_0": "",
        "pre_registration_opens_at_1": "",
        "pre_registration_deadline": "",
        "registration_deadline": "",
        "status": Conference.Status.DRAFT,
        "contact_email": "",
        "report": "",
        "payment_due_days": "14",
        "reminder_wait_days": "7",
        "first_dunning_wait_days": "14",
        "second_dunning_wait_days": "14",
        "binding_reminder_days": "7",
        "personal_deadline_threshold_days": "14",
        "personal_deadline_days": "7",
    }
    for prefix in ("workshop_phases", "programme_items"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_office_can_add_a_conference(admin_client):
    response = admin_client.post(reverse("admin:programme_conference_add"), conference_form())
    assert response.status_code == 302
    conference = Conference.objects.get(slug="jahrestagung-2027")
    assert str(conference.member_fee) == "250.00"


def test_conference_ending_before_it_starts_shows_a_german_error(admin_client):
    response = admin_client.post(
        reverse("admin:programme_conference_add"),
        conference_form(ends_at_0="22.09.2027"),
    )
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    assert not Conference.objects.filter(slug="jahrestagung-2027").exists()


def test_person_autocomplete_finds_people_by_last_name(admin_client):
    PersonFactory(academic_title="Prof. Dr. phil.", first_name="Isolde", last_name="Heintze")
    PersonFactory(first_name="Ingo", last_name="Gottschalk")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programme",
            "model_name": "workshopmoderator",
            "field_name": "person",
            "term": "Heintze",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Prof. Dr. phil. Isolde Heintze"]


def test_workshop_search_finds_a_moderator_once(admin_client):
    workshop = WorkshopFactory(title="Sozialdaten in der Quartiersarbeit")
    WorkshopModeratorFactory(workshop=workshop, person=PersonFactory(first_name="Richard", last_name="Förg"))
    WorkshopFactory(title="Anderer Workshop")
    response = admin_client.get(reverse("admin:programme_workshop_changelist"), {"q": "Förg"})
    assert list(response.context["cl"].result_list) == [workshop]
    assert Workshop.objects.count() == 2
    assert Person.objects.count() == 1
    assert WorkshopPhase.objects.count() == 2
