"""The group and workshop lists of a phase as PDF, one list per page."""

from core.pdf import render_pdf
from programme.models import WorkshopPhase

from ..queries.lists import group_lists, workshop_lists


def _lists_pdf(lists):
    return render_pdf(
        "documents/group_lists.html" if lists.kind == "groups" else "documents/workshop_lists.html",
        {"lists": lists, "phase": lists.phase, "conference": lists.phase.conference},
    )


def group_lists_pdf(phase) -> bytes:
    """The group lists of a phase as PDF: one group per page."""
    return _lists_pdf(group_lists(phase))


def workshop_lists_pdf(phase) -> bytes:
    """The workshop lists of a phase as PDF: one workshop per page."""
    return _lists_pdf(workshop_lists(phase))


def lists_filename(phase, extension):
    """A file name such as 'Gruppenlisten_demo-jahrestagung_Phase-1.pdf'."""
    kind = "Gruppenlisten" if phase.mode == WorkshopPhase.Mode.GROUPS else "Workshoplisten"
    return f"{kind}_{phase.conference.slug}_Phase-{phase.number}.{extension}"
