from django import template

from ..legal import unfinished_legal_pages

register = template.Library()


@register.inclusion_tag("admin/programme/_unfinished_pages.html", takes_context=True)
def unfinished_pages_notice(context):
    """On the admin dashboard: the legal pages the office still has to finish, in red."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {"pages": []}
    return {"pages": unfinished_legal_pages()}
