import io

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from exports.models import ExportJob, ExportLayout
from exports.queries import lists
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(conference):
    return reverse("admin:exports_conference", args=[conference.pk])


def _post(client, conference, **data):
    payload = {"kind": "participants", "format": "xlsx", "status": ["holds_place"], "export": "Exportieren"}
    payload.update(data)
    return client.post(_page(conference), payload)


def test_anonymous_visitor_is_sent_to_the_login(client, conference):
    response = client.get(_page(conference))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_user_is_sent_to_the_login(client, conference):
    client.force_login(UserFactory(username="gast", password="pw"))

    response = client.get(_page(conference))

    assert response.status_code == 302


def test_staff_without_the_export_permission_is_refused(client, conference):
    client.force_login(StaffFactory(username="aushilfe", password="pw"))

    assert client.get(_page(conference)).status_code == 403
    assert _post(client, conference).status_code == 403


def test_office_sees_the_export_page_with_columns_and_filters(client, conference, populate, office_user):
    populate(1)
    client.force_login(office_user)

    response = client.get(_page(conference))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Listen und Exporte: Jahrestagung 2025" in content
    assert 'value="phase_1"' in content
    assert "AP 1: Workshop A" in content
    assert "Workshoplisten" in content


def test_office_downloads_an_excel_file(client, conference, populate, office_user):
    people = populate(2)
    client.force_login(office_user)

    response = _post(client, conference, columns=["last_name", "organisation"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "Teilnehmerliste_Jahrestagung-2025_" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(
        p.last_name for p in people
    )


def test_badges_as_excel_are_refused_with_a_message(client, conference, office_user):
    client.force_login(office_user)

    response = _post(client, conference, kind="badges", format="xlsx")

    assert response.status_code == 200
    assert "Diese Liste gibt es nur als PDF." in response.content.decode()


def test_layout_is_saved_and_fills_the_form_next_time(client, conference, populate, office_user):
    populate(1)
    client.force_login(office_user)

    response = _post(
        client,
        conference,
        save_layout="Layout speichern",
        layout_name="Küche",
        columns=["name", "dietary_needs"],
        member="yes",
    )

    layout = ExportLayout.objects.get()
    assert (layout.name, layout.columns, layout.filters) == (
        "Küche",
        ["name", "dietary_needs"],
        {"status": ["holds_place"], "member": "yes"},
    )
    assert response.status_code == 302
    form = client.get(response["Location"]).context["form"]
    assert form.initial["columns"] == ["name", "dietary_needs"]
    assert form.initial["member"] == "yes"


@override_settings(EXPORTS_BACKGROUND_THRESHOLD=2)
def test_long_export_runs_as_a_job_and_the_file_is_downloaded_when_done(
    client, conference, populate, office_user, django_capture_on_commit_callbacks
):
    populate(3)
    client.force_login(office_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, conference, format="csv", columns=["last_name"])

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_job_status", args=[job.pk])
    assert (job.status, job.percent, job.created_by) == ("done", 100, office_user)
    assert job.filename.startswith("Teilnehmerliste_Jahrestagung-2025_")
    status_page = client.get(response["Location"]).content.decode()
    assert "herunterladen" in status_page
    assert 'http-equiv="refresh"' not in status_page
    download = client.get(reverse("admin:exports_job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download.content.decode("utf-8-sig").splitlines()[0] == "Nachname"
    assert len(download.content.decode("utf-8-sig").splitlines()) == 4


def test_running_job_page_refreshes_itself(client, conference, office_user):
    job = ExportJob.objects.create(conference=conference, kind="participants", format="pdf", progress_total=3)
    client.force_login(office_user)

    page = client.get(reverse("admin:exports_job_status", args=[job.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert client.get(reverse("admin:exports_job_download", args=[job.pk])).status_code == 404


def test_failed_job_shows_the_error(conference):
    from exports.domain.jobs import run_job

    job = ExportJob.objects.create(conference=conference, kind="badges", format="csv")

    job = run_job(job.pk)

    assert job.status == "failed"
    assert "nur als PDF" in job.error


def test_staff_without_permission_cannot_download_a_job(client, conference):
    job = ExportJob.objects.create(
        conference=conference,
        kind="participants",
        format="csv",
        status="done",
        content=b"x",
        filename="a.csv",
    )
    client.force_login(StaffFactory(username="aushilfe", password="pw"))

    assert client.get(reverse("admin:exports_job_download", args=[job.pk])).status_code == 403


def test_workshop_lists_of_a_phase_come_from_the_groups_module(client, conference, populate, office_user):
    populate(2)
    client.force_login(office_user)

    response = client.get(reverse("admin:exports_phase_lists", args=[populate.phase.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Workshoplisten-AP1_Jahrestagung-2025_" in response["Content-Disposition"]


def test_conference_change_page_links_to_the_export_page(client, conference, office_superuser):
    client.force_login(office_superuser)

    page = client.get(reverse("admin:programme_conference_change", args=[conference.pk])).content.decode()

    assert _page(conference) in page


def test_export_jobs_older_than_a_week_are_deleted(conference):
    import datetime as dt

    from django.utils import timezone

    from exports.domain.jobs import delete_old_jobs

    old = ExportJob.objects.create(conference=conference, kind="participants", format="csv", content=b"x")
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    recent = ExportJob.objects.create(conference=conference, kind="participants", format="csv", content=b"x")

    assert delete_old_jobs() == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_file_has_the_columns_in_the_order_the_office_picked_them(
    client, conference, populate, office_user
):
    """The checkboxes post in page order; the hidden order field (filled as they are ticked) decides."""
    populate(2)
    client.force_login(office_user)
    headers = {c.key: str(c.header) for c in lists.available_columns(conference)}
    page_order = ["last_name", "email", "organisation"]
    picked = ["organisation", "last_name", "email"]

    response = _post(client, conference, columns=page_order, column_order=",".join(picked))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [headers[key] for key in picked]


def test_without_a_picked_order_the_columns_follow_the_page_and_a_layout_keeps_the_order(
    client, conference, populate, office_user
):
    populate(1)
    client.force_login(office_user)
    headers = {c.key: str(c.header) for c in lists.available_columns(conference)}

    response = _post(client, conference, columns=["email", "last_name"])
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [headers["email"], headers["last_name"]]

    saved = _post(
        client,
        conference,
        save_layout="Layout speichern",
        layout_name="Telefonliste",
        columns=["email", "last_name", "organisation"],
        column_order="organisation,email,last_name,unknown",
    )
    assert ExportLayout.objects.get().columns == ["organisation", "email", "last_name"]
    page = client.get(saved["Location"])
    assert page.context["form"].initial["column_order"] == "organisation,email,last_name"
    assert 'name="column_order" value="organisation,email,last_name"' in page.content.decode()
    assert "js/export_columns.js" in page.content.decode()
