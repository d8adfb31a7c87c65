"""Saved list layouts move with a copied conference."""

from ..models import ExportLayout


def copy_export_layouts(*, source, conference):
    """Next year's conference gets the list layouts saved for `source`, marked "zu prüfen".

    Layouts for all conferences need no copy. Two queries. Returns {verbose name plural: count}.
    """
    copies = ExportLayout.objects.bulk_create(
        [
            ExportLayout(
                name=layout.name,
                conference=conference,
                columns=layout.columns,
                filters=layout.filters,
                created_by_id=layout.created_by_id,
                needs_review=True,
            )
            for layout in ExportLayout.objects.filter(conference=source).order_by("pk")
        ]
    )
    return {str(ExportLayout._meta.verbose_name_plural): len(copies)}
