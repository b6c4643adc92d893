"""The import form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.core.forms import IsoDateField, TrackerForm


class ImportSourceForm(TrackerForm):
    text = TextAreaField("Article text", validators=[Optional()])
    file = FileField("…or a UTF-8 .txt file")
    title = StringField(
        "Title", validators=[Optional(), Length(max=500)], description="Default: the first line."
    )
    language = StringField(
        "Language",
        validators=[Optional(), Length(max=35)],
        description="A code such as de, zh, en, pt-BR. Detected when empty.",
    )
    url = StringField("Address (URL)", validators=[Optional(), Length(max=2048)])
    published = IsoDateField("Publication date", validators=[Optional()])

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """Exactly one of a pasted text and a file."""
        valid = super().validate(extra_validators)
        has_file = bool(self.file.data and getattr(self.file.data, "filename", ""))
        has_text = bool(self.text.data and self.text.data.strip())
        if has_file and has_text:
            self.text.errors.append("Paste a text or choose a file, not both.")
            return False
        if not has_file and not has_text:
            self.text.errors.append("Paste the article's text or choose a file.")
            return False
        return valid
