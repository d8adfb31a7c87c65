"""Reads for pending completions: the one behind a mailed link, what applying it would change,
and the outcome of a public form submission that was accepted before (models/completions.py)."""

import hashlib
import json
import re
import secrets
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils.translation import gettext as _

from programme.models import ProgrammeItem, Workshop

from ..models import FormSubmission, PendingCompletion, Registration
from ..rules import fees
from ..rules.billing import BINDING_FIELDS
from ..rules.personal import PERSONAL_FIELDS
from .invitations import invitation_consent_of

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

# What a public form's data may carry into a pending completion: the fields the domain takes.
STORED_KEYS = (
    *PERSONAL_FIELDS,
    *BINDING_FIELDS,
    "evening_events",
    "workshop_choices",
    "second_choices",
    "join_workshop_waiting_list",
    "terms_accepted",
    "terms_version",
    "language",
    # The separate consent to future invitations (domain/invitations.py): given when applied.
    "invitation_consent",
)
# The fee is frozen at the binding registration: membership changes afterwards go through the office.
MEMBERSHIP_FIELDS = ("is_member", "member_number")


def _id(value):
    return value.pk if hasattr(value, "pk") else int(value)


def storable_data(data):
    """The part of a form's data a completion keeps, as plain JSON values (ids for items and workshops)."""
    stored = {}
    for key in STORED_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key == "evening_events":
            value = sorted(_id(item) for item in value or ())
        elif key in ("workshop_choices", "second_choices"):
            value = {
                str(_id(phase)): (None if wish is None else _id(wish))
                for phase, wish in (value or {}).items()
            }
        stored[key] = value
    return json.loads(json.dumps(stored, cls=DjangoJSONEncoder))


def service_data(completion):
    """The completion's data in the shape lifecycle.register_binding and the update functions take."""
    data = dict(completion.data)
    for key in ("workshop_choices", "second_choices"):
        if key in data:
            data[key] = {int(phase): wish for phase, wish in data[key].items()}
    return data


def fingerprint(data):
    """A digest of what a submission carried: a double click repeats it exactly."""
    canonical = json.dumps(storable_data(data), sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_token(data):
    """The hidden token of a public form's submission, or "" when it carried none (or a malformed one)."""
    token = data.get("submission_token") or ""
    return token if isinstance(token, str) and _TOKEN_RE.match(token) else ""


def earlier_submission(data):
    """The accepted submission this one repeats (same token, same data), or None."""
    token = submission_token(data)
    if not token:
        return None
    return (
        FormSubmission.objects.select_related("registration__conference")
        .filter(token=token, fingerprint=fingerprint(data))
        .first()
    )


def was_submitted_for(data, registration):
    """Whether the form rendering behind `data`'s token was accepted for `registration` before."""
    token = submission_token(data)
    return bool(token) and FormSubmission.objects.filter(token=token, registration=registration).exists()


def completion_for_token(token):
    """The pending completion behind a mailed link; the same 404 for malformed, unknown and wrong tokens."""
    if not _TOKEN_RE.match(token or ""):
        raise Http404
    found = PendingCompletion.objects.select_related("registration__conference").filter(token=token)[:1]
    completion = found[0] if found else None
    if completion is None or not secrets.compare_digest(completion.token, token):
        raise Http404
    return completion


# ---------------------------------------------------------------- what applying changes


EMPTY = "–"


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    @property
    def had_value(self):
        return self.before != EMPTY


@dataclass(frozen=True)
class CompletionPlan:
    """What applying a completion does now: whether the registration becomes binding (with which fee),
    which values change, and what the person typed that is not applied here (with the reason)."""

    becomes_binding: bool
    fee: object
    changes: tuple
    not_applied: tuple
    terms_version: object

    @property
    def changes_anything(self):
        return self.becomes_binding or bool(self.changes)


def _text(registration, name, value):
    field = Registration._meta.get_field(name)
    if isinstance(value, bool) or field.get_internal_type() == "BooleanField":
        return _("ja") if value else _("nein")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or EMPTY))
    return str(value) if value not in (None, "") else EMPTY


def _label(name):
    return str(Registration._meta.get_field(name).verbose_name)


def completion_plan(registration, data, form):
    """What applying `data` from the public `form` to `registration` would do, read now.

    A pre-registration with data from the binding form becomes binding; otherwise the typed values
    replace the stored ones. A binding registration keeps its frozen fee, so its membership fields
    are not applied (the office changes them).
    """
    becomes_binding = form == PendingCompletion.Form.BINDING and not registration.is_binding
    names = [name for name in PERSONAL_FIELDS if name in data]
    if form == PendingCompletion.Form.BINDING:
        names += [name for name in BINDING_FIELDS if name in data]
    changes, not_applied = [], []
    for name in names:
        before, after = getattr(registration, name), data[name]
        if name == "member_number" and not data.get("is_member"):
            after = ""
        if (before or "") == (after or "") or (name == "email" and before == (after or "").strip().lower()):
            continue
        change = Change(_label(name), _text(registration, name, before), _text(registration, name, after))
        if registration.is_binding and name in MEMBERSHIP_FIELDS:
            not_applied.append(change)
        else:
            changes.append(change)
    if form == PendingCompletion.Form.BINDING and "evening_events" in data:
        chosen = set(data.get("evening_events") or ())
        current = set() if becomes_binding else set(registration.evening_events.values_list("pk", flat=True))
        if chosen != current:
            titles = dict(ProgrammeItem.objects.filter(pk__in=chosen | current).values_list("pk", "title"))
            changes.append(
                Change(
                    _("Abendveranstaltungen"),
                    ", ".join(sorted(titles.get(pk, "") for pk in current)) or EMPTY,
                    ", ".join(sorted(titles.get(pk, "") for pk in chosen)) or EMPTY,
                )
            )
    wishes = {int(phase): wish for phase, wish in (data.get("workshop_choices") or {}).items() if wish}
    if form == PendingCompletion.Form.BINDING and wishes:
        booked = dict(registration.workshop_bookings.values_list("phase_id", "workshop_id"))
        titles = dict(
            Workshop.objects.filter(pk__in=[*wishes.values(), *booked.values()]).values_list("pk", "title")
        )
        for phase, wish in sorted(wishes.items()):
            if booked.get(phase) != wish:
                changes.append(
                    Change(_("Workshop"), titles.get(booked.get(phase), EMPTY), titles.get(wish, EMPTY))
                )
    if data.get("invitation_consent") and invitation_consent_of(registration) is None:
        changes.append(Change(_("Über künftige Tagungen informieren"), _("nein"), _("ja")))
    fee = None
    if becomes_binding:
        is_member = bool(data.get("is_member"))
        fee = fees.fee_for(
            conference=registration.conference, category=fees.category_for(is_member=is_member)
        )
    return CompletionPlan(
        becomes_binding=becomes_binding,
        fee=fee,
        changes=tuple(changes),
        not_applied=tuple(not_applied),
        terms_version=data.get("terms_version"),
    )
