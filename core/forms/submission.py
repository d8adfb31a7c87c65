"""A hidden token per rendered form, so a double-clicked submit can be recognised as one submission."""

import re
import secrets

from django import forms

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def new_submission_token():
    """128 random bits, URL-safe: unguessable, so nobody can replay someone else's submission."""
    return secrets.token_urlsafe(16) + secrets.token_urlsafe(8)


class SubmissionTokenMixin:
    """Adds the hidden `submission_token`: a new one on each unbound rendering, the posted one when bound.

    A malformed token is dropped silently (the submission then counts as a new one), never an error
    the person would see on a field they cannot see.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=new_submission_token
        )

    def clean_submission_token(self):
        token = self.cleaned_data.get("submission_token") or ""
        return token if _TOKEN_RE.match(token) else ""
