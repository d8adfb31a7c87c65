"""core/csrf.py: Django's CSRF token drawn faster for cached pages, and still Django's token."""

from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    _check_token_format,
    _does_token_match,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from core import csrf


def test_a_new_visitor_gets_a_secret_for_the_cookie_and_a_token_that_django_unmasks_to_it():
    request = RequestFactory().get("/")

    token = csrf.get_token(request)

    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert len(token) == CSRF_TOKEN_LENGTH
    _check_token_format(token)  # raises if Django's middleware would refuse its format
    assert _unmask_cipher_token(token) == secret
    assert _does_token_match(token, secret)


def test_a_visitor_with_a_cookie_keeps_their_secret_and_gets_a_new_mask_each_time():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "A" * 16 + "z9" * 8

    first, second = csrf.get_token(request), csrf.get_token(request)

    assert request.META["CSRF_COOKIE"] == "A" * 16 + "z9" * 8
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert first != second  # a fresh mask per response (BREACH)
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == "A" * 16 + "z9" * 8


def test_every_byte_value_that_is_kept_maps_onto_the_alphabet_evenly():
    kept = [csrf._TO_CHAR[b] for b in range(256) if b not in csrf._REJECTED]

    assert len(kept) == 248
    assert Counter(kept) == {ord(char): 4 for char in CSRF_ALLOWED_CHARS}


def test_the_random_characters_cover_the_alphabet_without_a_visible_bias():
    drawn = Counter("".join(csrf.random_csrf_string() for _ in range(2000)))  # 64,000 characters

    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1,032 each
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    assert all(0.8 * expected < count < 1.2 * expected for count in drawn.values()), drawn
    assert len({csrf.random_csrf_string() for _ in range(1000)}) == 1000
