"""The office's form for copying a conference: the new title and address, and when it starts."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .copying import days_between
from .models import Conference

_YEAR = re.compile(r"\b(19|20)(\d\d)\b")


def _next_year_text(text):
    """'Jahrestagung 2022' → 'Jahrestagung 2023': every year in the text one up."""
    return _YEAR.sub(lambda match: str(int(match.group(0)) + 1), text)


def one_year_later(day):
    """The same date a year later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class CopyConferenceForm(forms.Form):
    SAME_DATE = "same_date"
    SAME_WEEKDAY = "same_weekday"
    OTHER_DATE = "other_date"

    title = forms.CharField(label=_("Titel der neuen Tagung"), max_length=200)
    slug = forms.SlugField(
        label=_("Kurzname in der Adresse"),
        max_length=100,
        help_text=_("Erscheint in der Adresse der Tagungsseite; muss neu sein."),
    )
    shift = forms.ChoiceField(label=_("Neuer Termin"), widget=forms.RadioSelect)
    starts_on = forms.DateField(
        label=_("Beginn der neuen Tagung"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Nur für „Anderer Beginn“. Alle Termine und Fristen verschieben sich um dieselbe Zahl von Tagen."
        ),
    )

    def __init__(self, *args, source, **kwargs):
        self.source = source
        start = timezone.localdate(source.starts_at)
        self.dates = {
            self.SAME_DATE: one_year_later(start),
            self.SAME_WEEKDAY: start + dt.timedelta(weeks=52),
        }
        title = _next_year_text(source.title)
        initial = {
            "title": title,
            "slug": _next_year_text(source.slug)
            if _YEAR.search(source.slug)
            else slugify(f"{title}-{source.city}"),
            "shift": self.SAME_WEEKDAY,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["shift"].choices = [
            (
                self.SAME_WEEKDAY,
                _("Ein Jahr später, am selben Wochentag: ab %(date)s")
                % {"date": date_format(self.dates[self.SAME_WEEKDAY], "l, d.m.Y")},
            ),
            (
                self.SAME_DATE,
                _("Ein Jahr später, am selben Datum: ab %(date)s")
                % {"date": date_format(self.dates[self.SAME_DATE], "l, d.m.Y")},
            ),
            (self.OTHER_DATE, _("Anderer Beginn (Datum unten eintragen)")),
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Conference.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Diesen Kurznamen hat schon eine Tagung. Bitte wählen Sie einen anderen.")
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        shift = cleaned.get("shift")
        if shift == self.OTHER_DATE:
            if not cleaned.get("starts_on"):
                self.add_error("starts_on", _("Bitte geben Sie den Beginn der neuen Tagung an."))
                return cleaned
            new_start = cleaned["starts_on"]
        elif shift in self.dates:
            new_start = self.dates[shift]
        else:
            return cleaned
        cleaned["offset_days"] = days_between(self.source.starts_at, new_start)
        return cleaned
