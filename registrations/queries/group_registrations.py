"""Reads for group registrations: the group behind the contact's link and its page."""

import secrets

from ..models import GroupRegistration, Invoice
from ..rules.group_registrations import has_own_address
from .invoices import current_collective_invoice
from .personal import _TOKEN_RE, PersonalLinkNotFound
from .places import waiting_positions


def group_for_token(token):
    """The group a contact's link points to; the same 404 as a wrong personal link."""
    if not _TOKEN_RE.match(token or ""):
        raise PersonalLinkNotFound
    found = GroupRegistration.objects.select_related("conference").filter(token=token)[:1]
    group = found[0] if found else None
    if group is None or not secrets.compare_digest(group.token, token):
        raise PersonalLinkNotFound
    return group


def group_overview(group):
    """Everyone of the group with their place, waiting position and own-address flag, and the
    group's invoices (collective, or each person's): a constant number of queries."""
    members = list(
        group.members.select_related("conference", "group_registration", "substituted_by")
        .prefetch_related("workshop_bookings__workshop")
        .order_by("pk")
    )
    positions = waiting_positions(members)
    rows = []
    for member in members:
        rows.append(
            {
                "registration": member,
                "position": positions.get(member.pk),
                "has_own_address": has_own_address(member, group),
            }
        )
    if group.is_billed_collectively:
        invoices = list(
            Invoice.objects.filter(group_registration=group)
            .prefetch_related("lines")
            .order_by("year", "sequence")
        )
    else:
        invoices = list(
            Invoice.objects.filter(registration__in=members)
            .select_related("registration")
            .order_by("year", "sequence")
        )
    return {
        "members": rows,
        "invoices": invoices,
        "collective_invoice": current_collective_invoice(group) if group.is_billed_collectively else None,
    }


def groups_of_address(email):
    """The groups whose contact has this (normalised) address, newest conference first."""
    return list(
        GroupRegistration.objects.filter(contact_email=email)
        .select_related("conference")
        .order_by("-conference__starts_at", "pk")
    )
