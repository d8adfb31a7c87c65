from decimal import Decimal

import pytest

from registrations.domain import lifecycle
from registrations.domain.lifecycle import register_binding
from registrations.models import Registration
from registrations.rules import fees
from tests.factories import ConferenceFactory, pre_registration_data, self_billing

pytestmark = pytest.mark.django_db


def test_category_follows_membership():
    assert fees.category_for(is_member=True) == Registration.FeeCategory.MEMBER
    assert fees.category_for(is_member=False) == Registration.FeeCategory.NON_MEMBER


def test_fee_for_koeln_like_conference_is_250_for_members_and_300_for_others():
    conference = ConferenceFactory(member_fee=Decimal("250"), non_member_fee=Decimal("300.00"))
    assert fees.fee_for(conference=conference, category=Registration.FeeCategory.MEMBER) == Decimal("250.00")
    assert fees.fee_for(conference=conference, category=Registration.FeeCategory.NON_MEMBER) == Decimal(
        "300.00"
    )
    assert str(fees.fee_for(conference=conference, category=Registration.FeeCategory.MEMBER)) == "250.00"


def test_fee_for_unknown_category_is_an_error():
    with pytest.raises(ValueError):
        fees.fee_for(conference=ConferenceFactory(), category="")


def test_fee_is_frozen_and_later_conference_fee_changes_do_not_touch_it():
    conference = ConferenceFactory()
    pre, _ = lifecycle.pre_register(
        conference=conference,
        data=pre_registration_data(is_member=True),
    )
    registration, _ = register_binding(
        conference=conference,
        registration=pre,
        data=self_billing(is_member=True),
    )
    assert (registration.fee_category, registration.fee) == ("member", Decimal("250.00"))
    conference.member_fee = Decimal("280.00")
    conference.non_member_fee = Decimal("330.00")
    conference.save()
    registration.refresh_from_db()
    assert registration.fee == Decimal("250.00")
    assert registration.fee_category == Registration.FeeCategory.MEMBER
