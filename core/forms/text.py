"""Text input that never carries control characters into the database, mails or documents."""

from django import forms

from .validators import reject_control_characters, reject_control_characters_multiline


class CleanTextMixin:
    """Every text field refuses control characters; single-line fields also refuse line breaks."""

    multiline_fields: tuple = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.strip = True
                if name in self.multiline_fields:
                    field.validators.append(reject_control_characters_multiline)
                else:
                    field.validators.append(reject_control_characters)
