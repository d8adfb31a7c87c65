"""The personal page's box for future invitations: give or withdraw the consent (domain/invitations.py)."""

from django import template

from ..queries.invitations import invitation_consent_of

register = template.Library()


@register.inclusion_tag("registrations/_personal_invitations.html")
def personal_invitations(registration):
    return {"registration": registration, "consent": invitation_consent_of(registration)}
