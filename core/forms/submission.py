"""A hidden token per rendered form, so a double-clicked submit can be recognised as one submission.

The token is written into the page by the template (`form.submission_token_value`), not by
crispy-forms: the forms' HTML is cached per process or in the shared cache
(core/forms/cached.py, {% crispy_cached %}), and a value that differs on every visit would
make every visit a new cache entry. A whole page from the shared page cache (the conference
page with its pre-registration form, core/pagecache.py) carries SUBMISSION_TOKEN_PLACEHOLDER
instead, which each visit's copy gets replaced by a token of its own.
"""

import re
import secrets

from django import forms

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Letters and digits only (escaping leaves it alone); never accepted as a token itself.
SUBMISSION_TOKEN_PLACEHOLDER = "vsopSubmissionTokenPlaceholder4b8e2d"  # noqa: S105 -- not a secret


def new_submission_token():
    """128 random bits and more, URL-safe: unguessable, so nobody can replay someone else's submission."""
    return secrets.token_urlsafe(24)


def valid_token(value):
    if not isinstance(value, str) or value == SUBMISSION_TOKEN_PLACEHOLDER:
        return ""
    return value if _TOKEN_RE.match(value) else ""


class SubmissionTokenMixin:
    """Adds the hidden `submission_token`: a new one on each unbound rendering, the posted one when bound.

    A malformed token is dropped silently (the submission then counts as a new one), never an error
    the person would see on a field they cannot see.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"] = forms.CharField(widget=forms.HiddenInput, required=False)

    @property
    def submission_token_value(self):
        """What the template writes into the hidden input: the posted token again, or a new one."""
        if self.is_bound:
            return valid_token(self.data.get("submission_token"))
        if not hasattr(self, "_new_submission_token"):
            self._new_submission_token = new_submission_token()
        return self._new_submission_token

    def clean_submission_token(self):
        return valid_token(self.cleaned_data.get("submission_token") or "")
