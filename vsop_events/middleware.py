from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """German first: English only for visitors who chose it with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an
    English browser in a German office would get a half-English page. Here the
    language cookie set by the switch decides, otherwise settings.LANGUAGE_CODE.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
