"""The participation fee: one rule, used by the form, the service, the admin and the mails.

The fee is frozen on the registration (`fee_category`, `fee`) when it becomes
binding. Later changes of the conference's fees never touch it; only the office
switching the membership status computes it again.
"""

from decimal import Decimal

from ..models import Registration


def category_for(*, is_member):
    """The fee category for a person who says they are (not) a VSOP member."""
    return Registration.FeeCategory.MEMBER if is_member else Registration.FeeCategory.NON_MEMBER


def fee_for(*, conference, category):
    """The conference's current fee for a category, as Decimal with two places."""
    if category == Registration.FeeCategory.MEMBER:
        amount = conference.member_fee
    elif category == Registration.FeeCategory.NON_MEMBER:
        amount = conference.non_member_fee
    else:
        raise ValueError(f"Unknown fee category: {category!r}")
    return Decimal(amount).quantize(Decimal("0.01"))


def freeze_fee(registration, *, is_member):
    """Write category and fee onto the registration (not saved); returns the fee."""
    registration.fee_category = category_for(is_member=is_member)
    registration.fee = fee_for(conference=registration.conference, category=registration.fee_category)
    return registration.fee
