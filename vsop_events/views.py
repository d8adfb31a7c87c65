"""Project-wide views."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language as django_set_language


@require_http_methods(["GET", "HEAD", "POST"])
def set_language(request):
    """The footer's language switch: a plain GET form, so pages carry no CSRF token.

    Choosing a language only sets the language cookie: nothing is stored and nothing
    personal is revealed, so a GET is safe to accept (at worst a foreign page could
    switch a visitor's site to English). Without a per-visitor token in the footer,
    pages such as the programme can be cached whole for anonymous visitors
    (programme.views.programme). POST still works through Django's own view.
    """
    if request.method == "POST":
        return django_set_language(request)
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    language = request.GET.get("language", "")
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
