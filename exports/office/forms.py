"""The export page's form: which list, which format, which columns and filters."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from programme.models import Workshop
from registrations.models import DiscussionGroup, Registration

from ..models import ExportFormat, ExportKind
from ..queries import lists
from ..rules import layout_errors, only_as_pdf

YES_NO = [("", _("alle")), ("yes", _("ja")), ("no", _("nein"))]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Liste"),
        choices=ExportKind.choices,
        initial=ExportKind.PARTICIPANTS,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=ExportFormat.choices, initial=ExportFormat.PDF, widget=forms.RadioSelect
    )
    columns = forms.MultipleChoiceField(
        label=_("Spalten der Teilnehmerliste"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nur für die Teilnehmerliste der Geschäftsstelle; ohne Auswahl die Standardspalten."),
    )
    # The keys of the ticked columns in the order they were ticked (static/js/export_columns.js):
    # the file follows the office's order, not the order of the checkboxes on the page.
    column_order = forms.CharField(required=False, widget=forms.HiddenInput)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Registration.Status.choices,
        initial=[Registration.Status.HOLDS_PLACE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stage = forms.ChoiceField(
        label=_("Stufe"), choices=[("", _("alle")), *Registration.Stage.choices], required=False
    )
    paid = forms.ChoiceField(label=_("bezahlt"), choices=YES_NO, required=False)
    member = forms.ChoiceField(label=_("Mitglied"), choices=YES_NO, required=False)
    workshop = forms.ModelChoiceField(
        label=_("Workshop"), queryset=Workshop.objects.none(), required=False, empty_label=_("alle")
    )
    group = forms.ModelChoiceField(
        label=_("Diskussionsgruppe"),
        queryset=DiscussionGroup.objects.none(),
        required=False,
        empty_label=_("alle"),
    )
    with_city = forms.BooleanField(
        label=_("Ort mit aufführen"), required=False, help_text=_("Nur für die Liste zum Aushändigen.")
    )
    day = forms.ChoiceField(label=_("Tag der Unterschriftenliste"), required=False)
    layout_name = forms.CharField(
        label=_("Als Layout speichern unter"),
        max_length=100,
        required=False,
        help_text=_("Spalten und Filter unter diesem Namen für das nächste Mal speichern."),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["columns"].choices = [(c.key, c.header) for c in lists.available_columns(conference)]
        self.fields["workshop"].queryset = Workshop.objects.filter(
            phase__conference=conference
        ).select_related("phase")
        self.fields["workshop"].label_from_instance = lambda w: f"AP {w.phase.number}: {w.title}"
        self.fields["group"].queryset = DiscussionGroup.objects.filter(
            phase__conference=conference
        ).select_related("phase")
        self.fields["group"].label_from_instance = lambda g: f"AP {g.phase.number}: {g}"
        self.fields["day"].choices = [
            ("", _("alle Tagungstage")),
            *((d.isoformat(), date_format(d, "l, d.m.Y")) for d in lists.conference_days(conference)),
        ]

    def clean(self):
        cleaned = super().clean()
        if only_as_pdf(cleaned.get("kind"), cleaned.get("format")):
            self.add_error("format", _("Diese Liste gibt es nur als PDF."))
        return cleaned

    def filters(self):
        data = self.cleaned_data
        filters = {"status": list(data.get("status") or [])}
        for key in ("stage", "paid", "member"):
            if data.get(key):
                filters[key] = data[key]
        if data.get("workshop"):
            filters["workshop"] = data["workshop"].pk
        if data.get("group"):
            filters["group"] = data["group"].pk
        return filters

    def params(self):
        data = self.cleaned_data
        options = {"with_city": bool(data.get("with_city"))}
        if data.get("day"):
            options["day"] = data["day"]
        return {"columns": self.picked_columns(), "filters": self.filters(), "options": options}

    def picked_columns(self):
        """The ticked columns in the order they were picked; ticked ones the order misses come last."""
        ticked = list(self.cleaned_data.get("columns") or [])
        order = [key for key in (self.cleaned_data.get("column_order") or "").split(",") if key in ticked]
        return list(dict.fromkeys(order)) + [key for key in ticked if key not in order]

    @classmethod
    def initial_from_layout(cls, layout):
        """The form's start values from a saved layout; a layout with broken JSON gives none."""
        if layout_errors(layout.columns, layout.filters):
            return {}
        filters = layout.filters or {}
        return {
            "columns": layout.columns,
            "column_order": ",".join(layout.columns),
            "status": filters.get("status", []),
            "stage": filters.get("stage", ""),
            "paid": filters.get("paid", ""),
            "member": filters.get("member", ""),
            "workshop": filters.get("workshop"),
            "group": filters.get("group"),
        }


class ExportLayoutAdminForm(forms.ModelForm):
    """The layout admin: the stored JSON must be what the export page can read."""

    class Meta:
        fields = ["name", "conference", "columns", "filters"]

    def clean(self):
        cleaned = super().clean()
        if "columns" in cleaned and "filters" in cleaned:
            for error in layout_errors(cleaned["columns"], cleaned["filters"]):
                self.add_error(None, error)


class LedgerExportForm(forms.Form):
    """The treasurer's lists: which list, which period (for the journal), which file format."""

    JOURNAL = "journal"
    OPEN_ITEMS = "open_items"

    kind = forms.ChoiceField(
        label=_("Liste"),
        choices=[
            (JOURNAL, _("Rechnungsausgangsbuch (alle Rechnungen und Stornorechnungen des Zeitraums)")),
            (OPEN_ITEMS, _("Offene Posten (offene Beträge und Erstattungen, heute)")),
        ],
        initial=JOURNAL,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=_("von (Rechnungsdatum)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("bis (Rechnungsdatum)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV (Excel, Semikolon)"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Das Ende des Zeitraums liegt vor seinem Anfang."))
        return cleaned
