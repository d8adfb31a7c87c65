import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.queries.dashboard import office_dashboard
from tests.factories import InvoiceFactory, PaymentFactory, RegistrationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _figures(conference):
    return next(f for f in office_dashboard() if f.conference == conference)


def test_places_members_and_money_per_conference(conference, populate):
    people = populate(4)  # pre, binding, pre, binding; members: index 0 and 3
    RegistrationFactory(conference=conference, status="waiting", waiting_since=timezone.now())
    RegistrationFactory(conference=conference, status="cancelled", cancelled_at=timezone.now())
    today = timezone.localdate()
    InvoiceFactory(registration=people[1], amount=Decimal("250.00"), due_on=today - dt.timedelta(days=1))
    InvoiceFactory(registration=people[3], amount=Decimal("300.00"), due_on=today + dt.timedelta(days=5))
    PaymentFactory(registration=people[3], amount=Decimal("100.00"))

    f = _figures(conference)

    assert (f.held_pre, f.held_binding, f.waiting, f.cancelled) == (2, 2, 1, 1)
    assert (f.members, f.non_members) == (2, 3)
    assert (f.invoiced, f.received, f.open) == (Decimal("550.00"), Decimal("100.00"), Decimal("450.00"))
    assert (f.overdue, f.overdue_count) == (Decimal("250.00"), 1)
    assert [(w.title, w.seated) for w in f.workshops] == [
        ("Workshop A", 2),
        ("Workshop B", 1),
        ("Workshop C", 1),
    ]
    assert [(str(g), g.members) for g in f.groups] == [("Gruppe 1", 2), ("Gruppe 2", 2)]
    assert f.activity[0].text.startswith(f"{people[3].first_name} {people[3].last_name}: Zahlung 100,00")


def test_paid_invoice_is_not_overdue(conference):
    person = RegistrationFactory(conference=conference, stage="binding", payment_status="paid")
    InvoiceFactory(registration=person, due_on=timezone.localdate() - dt.timedelta(days=3))

    assert _figures(conference).overdue_count == 0


@pytest.mark.parametrize("rows", [10, 30])  # a query per row would exceed 14 at either size
def test_start_page_runs_a_constant_number_of_queries(
    client, conference, populate, office_superuser, rows, django_assert_max_num_queries
):
    people = populate(rows)
    for person in people[:5]:
        InvoiceFactory(registration=person)
        PaymentFactory(registration=person)
    client.force_login(office_superuser)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:index"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "gehalten durch Voranmeldungen" in content
    assert reverse("admin:exports_conference", args=[conference.pk]) in content
    assert 'id="content-main"' in content  # the app list is still there


def test_staff_without_rights_sees_no_dashboard(client, conference, populate):
    populate(1)
    client.force_login(StaffFactory(username="aushilfe", password="pw"))

    content = client.get(reverse("admin:index")).content.decode()

    assert "office-dashboard" not in content
