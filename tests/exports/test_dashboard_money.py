"""The dashboard's money: outstanding, overdue and refunds due apart, each linking to its list (issue 16)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exports.queries.dashboard import office_dashboard
from registrations.domain import lifecycle, payments
from tests.factories import invoiced_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(conference):
    """1,000 € still to come in (400 of them overdue), 350 € to pay back: the old figure said "offen 650 €"."""
    invoiced_registration(conference, 1, "400.00", days_ago=30)  # overdue
    invoiced_registration(conference, 2, "350.00")
    partly = invoiced_registration(conference, 3, "350.00")
    payments.record_payment(registration=partly, amount=Decimal("100.00"), received_on=timezone.localdate())
    cancelled = invoiced_registration(conference, 4, "300.00")
    payments.record_payment(
        registration=cancelled, amount=Decimal("300.00"), received_on=timezone.localdate()
    )
    lifecycle.cancel(registration=cancelled)
    double = invoiced_registration(conference, 5, "250.00")
    payments.record_payment(registration=double, amount=Decimal("300.00"), received_on=timezone.localdate())
    return conference


def test_outstanding_and_refunds_due_are_not_netted(money):
    (figures,) = [f for f in office_dashboard() if f.conference == money]
    assert (figures.outstanding, figures.open) == (Decimal("1000.00"), Decimal("1000.00"))
    assert (figures.refunds_due, figures.refunds_due_count) == (Decimal("350.00"), 2)
    assert (figures.overdue, figures.overdue_count) == (Decimal("400.00"), 1)


def test_each_figure_links_to_its_filtered_list(admin_client, money):
    content = admin_client.get(reverse("admin:index")).content.decode()
    registrations = reverse("admin:registrations_registration_changelist")
    invoices = reverse("admin:registrations_invoice_changelist")
    links = {
        "outstanding": f"{registrations}?conference__id__exact={money.pk}&amp;money=outstanding",
        "overdue": f"{invoices}?registration__conference__id__exact={money.pk}&amp;overdue=yes",
        "refunds": f"{registrations}?conference__id__exact={money.pk}&amp;money=refund_due",
    }
    assert f'href="{links["outstanding"]}">1.000,00\u00a0€</a>' in content
    assert f'href="{links["overdue"]}">400,00\u00a0€ (1)</a>' in content
    assert f'href="{links["refunds"]}">350,00\u00a0€ (2)</a>' in content

    for link, count in ((links["outstanding"], 3), (links["refunds"], 2)):
        assert admin_client.get(link.replace("&amp;", "&")).context["cl"].result_count == count
    assert admin_client.get(links["overdue"].replace("&amp;", "&")).context["cl"].result_count == 1
