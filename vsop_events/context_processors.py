from django.conf import settings


def association(request):
    """Make the association's details available to every template."""
    return {"association": settings.ASSOCIATION}
