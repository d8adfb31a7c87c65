from django import template

from ..queries.dashboard import office_dashboard
from ..rules import can_export, can_read_money_lists

register = template.Library()


@register.inclusion_tag("admin/exports/_dashboard.html", takes_context=True)
def office_dashboard_panel(context):
    """The dashboard for staff who may see participant data; nothing for everyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (
        user.is_staff and (can_export(user) or user.has_perm("registrations.view_registration"))
    ):
        return {"figures": [], "can_export": False}
    return {
        "figures": office_dashboard(),
        "can_export": can_export(user),
        "can_read_money_lists": can_read_money_lists(user),
    }
