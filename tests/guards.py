"""Look-ups that fail a test, with a clear message, when what it guards is missing.

A test that skips itself when a route or an admin registration disappears turns green
exactly when it should turn red; these helpers make the disappearance the failure.
"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse


def url_or_fail(name, **kwargs):
    """reverse(name, kwargs=kwargs), failing with the route's name where it is not registered."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        raise AssertionError(f"The route {name!r} is missing: the test that guards it cannot run.") from None


def model_admin_or_fail(model, site=admin.site):
    """The ModelAdmin of a model, failing where the model is not registered in the admin."""
    assert model in site._registry, f"{model._meta.label} is not registered in the admin."
    return site._registry[model]
