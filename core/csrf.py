"""Django's CSRF token for a page served from the page cache, at a fraction of the CPU.

`django.middleware.csrf.get_token()` draws its random strings with `get_random_string()`,
one `secrets.choice()` per character: about 40 µs per 32-character string on the bench
machine, and a visitor without a cookie needs two (the secret and the mask), so the
token cost about a third of a cached conference page (bench/LOAD.md). `get_token()`
here does exactly what Django's does (same secret length and alphabet, the secret in
`request.META["CSRF_COOKIE"]` for CsrfViewMiddleware to set as the cookie, a fresh mask
per response against BREACH), with the random characters drawn from one
`secrets.token_bytes()` call each: bytes 0–247 map evenly onto the 62 characters (4 bytes
per character) and bytes 248–255 are dropped, so every character is uniform and
independent, as with `secrets.choice()`. Django's middleware checks the token as usual;
tests/project/test_fast_csrf.py unmasks it with Django's own code.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_ACCEPTED = 256 - 256 % len(_CHARS)  # 248: a multiple of 62, so b % 62 is uniform over 0..247
_TO_CHAR = bytes(ord(_CHARS[b % len(_CHARS)]) for b in range(256))
_REJECTED = bytes(range(_ACCEPTED, 256))
_INDEX = {char: index for index, char in enumerate(_CHARS)}


def random_csrf_string(length=CSRF_SECRET_LENGTH):
    """`length` characters of CSRF_ALLOWED_CHARS, each uniform and independent (secrets)."""
    drawn = b""
    while len(drawn) < length:  # 8 spare bytes: a second draw is needed about once in 10^5
        drawn += secrets.token_bytes(length + 8).translate(_TO_CHAR, _REJECTED)
    return drawn[:length].decode("ascii")


def _mask_cipher_secret(secret):
    """As django.middleware.csrf._mask_cipher_secret: a new mask, and the secret shifted by it."""
    mask = random_csrf_string()
    count = len(_CHARS)
    return mask + "".join(_CHARS[(_INDEX[s] + _INDEX[m]) % count] for s, m in zip(secret, mask, strict=True))


def get_token(request):
    """As django.middleware.csrf.get_token: the visitor's secret (a new one if they have none,
    which CsrfViewMiddleware then sets as the cookie, renewed on every response), masked anew."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = random_csrf_string()
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return _mask_cipher_secret(secret)
