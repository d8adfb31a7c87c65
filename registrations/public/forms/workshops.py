"""The workshop choice per phase: which workshop, or the waiting list of a full one.

Input cleaning only; the seat rules live in domain/workshops.py. The form is
built from `workshop_choices(conference)` so full workshops can be shown as
full; `service_arguments()` turns the cleaned data into the keyword arguments
of `choose_workshops`.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NO_WORKSHOP = ""


class RadioSelectWithDisabled(forms.RadioSelect):
    """Radio buttons where some options are shown but cannot be chosen (full workshops)."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = {str(value) for value in disabled_values}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


def compact_workshop_label(fill):
    """The workshop in the binding form's list: title, moderators, full or the last few seats."""
    label = fill.workshop.title
    if fill.moderator_names:
        label += f" ({fill.moderator_names})"
    if fill.is_full:
        label += " – " + str(_("ausgebucht"))
    elif fill.seats_left is not None and fill.seats_left <= 5:
        left = fill.seats_left
        label += " – " + ngettext("noch %(count)s Platz frei", "noch %(count)s Plätze frei", left) % {
            "count": left
        }
    return label


def workshop_label(fill, *, sits_here=False):
    """The workshop on the personal workshops page: with room, moderation, the person's seat and seats left."""
    parts = [fill.workshop.title]
    if fill.workshop.room:
        parts.append(fill.workshop.room)
    if fill.moderator_names:
        parts.append(str(_("Moderation: %(names)s")) % {"names": fill.moderator_names})
    if sits_here:
        parts.append(str(_("Ihr Platz")))
    elif fill.is_full:
        parts.append(str(_("ausgebucht")))
    elif fill.seats_left is not None:
        parts.append(
            ngettext("noch %(count)s Platz frei", "noch %(count)s Plätze frei", fill.seats_left)
            % {"count": fill.seats_left}
        )
    return " – ".join(parts)


class WorkshopChoiceForm(forms.Form):
    """One radio group per choose phase, plus an optional waiting list when a workshop is full.

    `phases` is the result of `workshop_choices(conference)`, `current` the
    result of `bookings_of(registration)` (None for a new registration), and
    `holds_place` says whether the person holds a conference place (without one
    every workshop is only a wish, so full ones stay selectable).
    """

    def __init__(self, *args, phases, current=None, holds_place=True, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        current = {entry.phase.pk: entry for entry in current or []}
        self.phase_fields = []
        for entry in phases:
            if not entry.workshops:
                continue
            phase = entry.phase
            booked = current.get(phase.pk)
            seat_id = booked.seat.workshop_id if booked and booked.seat else None
            wish_id = booked.wish.workshop_id if booked and booked.wish else None
            full = [fill for fill in entry.workshops if fill.is_full and fill.workshop.pk != seat_id]
            choices = [
                (fill.workshop.pk, workshop_label(fill, sits_here=fill.workshop.pk == seat_id))
                for fill in entry.workshops
            ]
            if not required:
                choices.append((NO_WORKSHOP, _("keinen Workshop")))
            choice_name, waiting_name = f"phase_{phase.pk}", f"waiting_{phase.pk}"
            if holds_place:
                initial = seat_id if seat_id else (NO_WORKSHOP if wish_id else None)
            else:
                initial = wish_id
            self.fields[choice_name] = forms.TypedChoiceField(
                label=str(phase),
                choices=choices,
                coerce=_to_id,
                empty_value=None,
                required=required,
                initial=initial if initial is not None else (None if required else NO_WORKSHOP),
                widget=RadioSelectWithDisabled(
                    disabled_values=[fill.workshop.pk for fill in full] if holds_place else ()
                ),
                help_text=phase.guiding_question,
                error_messages={"required": _("Bitte wählen Sie einen Workshop für diese Arbeitsphase.")},
            )
            names = {"phase": phase, "choice": choice_name, "waiting": None}
            if holds_place and full:
                self.fields[waiting_name] = forms.TypedChoiceField(
                    label=_("Warteliste für einen ausgebuchten Workshop (optional)"),
                    choices=[(NO_WORKSHOP, _("– nicht auf eine Warteliste –"))]
                    + [(fill.workshop.pk, fill.workshop.title) for fill in full],
                    coerce=_to_id,
                    empty_value=None,
                    required=False,
                    initial=wish_id if wish_id in {fill.workshop.pk for fill in full} else NO_WORKSHOP,
                    help_text=_(
                        "Wird dort ein Platz frei, rücken Sie automatisch nach und erhalten eine E-Mail. "
                        "Bis dahin gilt der oben gewählte Workshop; diesen Platz geben Sie beim Nachrücken frei."
                    ),
                )
                names["waiting"] = waiting_name
            self.phase_fields.append(names)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(
                Div(
                    *[name for name in (names["choice"], names["waiting"]) if name],
                    css_class="card card-body mb-4 workshop-phase",
                )
                for names in self.phase_fields
            )
        )

    def clean(self):
        cleaned = super().clean()
        for names in self.phase_fields:
            waiting = names["waiting"] and cleaned.get(names["waiting"])
            if waiting is not None and waiting == cleaned.get(names["choice"]):
                self.add_error(
                    names["waiting"],
                    _("Für den Workshop, den Sie oben gewählt haben, brauchen Sie keine Warteliste."),
                )
        return cleaned

    def service_arguments(self):
        """Keyword arguments for `choose_workshops` (without the registration)."""
        choices, second_choices, join = {}, {}, set()
        for names in self.phase_fields:
            phase_id = names["phase"].pk
            chosen = self.cleaned_data.get(names["choice"])
            waiting = self.cleaned_data.get(names["waiting"]) if names["waiting"] else None
            if waiting is not None:
                choices[phase_id] = waiting
                second_choices[phase_id] = chosen
                join.add(phase_id)
            else:
                choices[phase_id] = chosen
        return {"choices": choices, "second_choices": second_choices, "join_waiting_list": join}


def _to_id(value):
    return int(value)
