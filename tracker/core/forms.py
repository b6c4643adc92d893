"""The base of every form: the input rule of tracker/text/cleaning.py on every field.

Every field refuses NUL and lone surrogates, and numbers in other digits than 0-9 or beyond 32
bits, with a message on the field (the page comes back with what was typed); a text field made
only of invisible characters reads as empty, so ``DataRequired`` refuses it and an optional one
is stored as nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, Field, StringField
from wtforms.validators import ValidationError

from tracker.core.db import MAX_INTEGER
from tracker.text.cleaning import UnstorableText, clean_input, is_storable
from tracker.text.dates import InvalidDate, parse_date


def _blank_as_empty(value: Any) -> Any:
    """Invisible-only text as ""; unstorable text is left for the validator to name."""
    if isinstance(value, str) and is_storable(value):
        return clean_input(value)
    return value


def refuse_unstorable(_form: Any, field: Field) -> None:
    """:raises ValidationError: when what was sent for the field holds NUL or a surrogate."""
    sent = [*(getattr(field, "raw_data", None) or []), field.data]
    if any(isinstance(value, str) and not is_storable(value) for value in sent):
        raise ValidationError(str(UnstorableText()))


_ASCII_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*")


def refuse_bad_number(_form: Any, field: Field) -> None:
    """:raises ValidationError: for a number not in ASCII digits (``int`` also reads "٣"), or
    one no column can hold (beyond 32 bits)."""
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if not numbers:
        return
    sent = [v for v in getattr(field, "raw_data", None) or [] if isinstance(v, str) and v]
    if not all(_ASCII_NUMBER.fullmatch(v) for v in sent):
        raise ValidationError("Write numbers in the digits 0-9.")
    if not all(-MAX_INTEGER - 1 <= v <= MAX_INTEGER for v in numbers):
        raise ValidationError(f"Numbers here are at most {MAX_INTEGER:,}.")


class TrackerForm(FlaskForm):
    """A FlaskForm whose fields all follow the input rule (see the module docstring)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            if issubclass(unbound_field.field_class, StringField):
                filters = [*unbound_field.kwargs.get("filters", ()), _blank_as_empty]
                options = {**options, "filters": filters}
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        extra: dict[str, list[Any]] = {
            name: list(validators) for name, validators in (extra_validators or {}).items()
        }
        for name in self._fields:
            extra.setdefault(name, []).extend((refuse_unstorable, refuse_bad_number))
        return super().validate(extra)


class IsoDateField(DateField):
    """A full date, YYYY-MM-DD in ASCII digits on the calendar (``strptime`` would also take
    other scripts' digits)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = " ".join(str(v) for v in valuelist).strip()
        self.data = None
        if not text:
            return
        try:
            self.data = parse_date(text)
        except InvalidDate:
            raise ValueError("Not a valid date: write it as YYYY-MM-DD, e.g. 2024-08-06.") from None


def form_problems(form: FlaskForm) -> str:
    """Every field's errors as one line ("Label: message; ..."), for a refusal without a page
    to show the form on."""
    return "; ".join(
        f"{form[name].label.text}: {' '.join(errors)}"
        for name, errors in form.errors.items()
        if name is not None and name in form
    ) or "; ".join(form.form_errors)
