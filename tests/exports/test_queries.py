"""Every export runs the same number of queries for 10 and for 30 participants.

A query per row would already show at 10 rows (MAX_QUERIES is 7); the second size proves the count
does not grow, which 30 shows as well as 200 did at a fraction of the PDF pages."""

import pytest

from exports.domain import files as services

pytestmark = pytest.mark.django_db

# phases, registrations, bookings, groups, evening events, names of the filtered workshop and group
MAX_QUERIES = 7
EXPORTS = [
    ("participants", "pdf"),
    ("participants", "xlsx"),
    ("participants", "csv"),
    ("consent", "pdf"),
    ("consent", "xlsx"),
    ("sign_in", "pdf"),
    ("badges", "pdf"),
    ("certificates", "pdf"),
]
ALL_COLUMNS = [
    "name", "academic_title", "organisation", "position", "email", "city", "is_member", "fee",
    "payment_status", "registered_at", "dietary_needs", "accessibility_needs", "evening_events",
    "list_consent", "phase_1", "phase_2",
]  # fmt: skip


@pytest.mark.parametrize("rows", [10, 30])
def test_every_export_runs_a_constant_number_of_queries(
    conference, populate, django_assert_max_num_queries, rows
):
    populate(rows)
    params = {"columns": ALL_COLUMNS, "filters": {"status": ["holds_place"], "stage": "pre"}}
    for kind, format in EXPORTS:
        with django_assert_max_num_queries(MAX_QUERIES):
            result = services.export_file(conference=conference, kind=kind, format=format, params=params)
        assert result.content


def test_the_most_expensive_export_runs_the_maximum_number_of_queries(
    conference, populate, django_assert_num_queries
):
    populate(3)
    filters = {
        "status": ["holds_place"],
        "workshop": populate.workshops[0].pk,
        "group": populate.groups[0].pk,
    }

    with django_assert_num_queries(MAX_QUERIES):
        services.export_file(
            conference=conference,
            kind="participants",
            format="pdf",
            params={"columns": ALL_COLUMNS, "filters": filters},
        )
