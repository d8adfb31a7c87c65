import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_the_german_site(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="de">' in response.content.decode()
    assert response["Content-Language"] == "de"


def test_the_language_switch_chooses_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode()


def test_the_footer_switch_chooses_english_with_a_get_and_returns_to_the_page(client):
    response = client.get("/i18n/setlang/", {"language": "en", "next": "/datenschutz/"})
    assert response.status_code == 302
    assert response["Location"] == "/datenschutz/"
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"

    client.get("/i18n/setlang/", {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


def test_the_switch_never_redirects_to_another_site(client):
    response = client.get("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.get("/i18n/setlang/", {"language": "en", "next": "//evil.example/"})
    assert response["Location"] == "/"


def test_the_switch_ignores_an_unknown_language(client, settings):
    response = client.get("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_unknown_language_cookie_falls_back_to_german(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="de">' in client.get("/").content.decode()
