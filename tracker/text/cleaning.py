"""The one rule for text entering the tracker, by form, query string, API, CLI or import.

- NUL and lone surrogates are refused: PostgreSQL cannot store NUL in text, a lone surrogate
  is not UTF-8, and a SQLite row holding either cannot be moved to PostgreSQL.
- Text made only of white space and invisible characters (zero-width spaces and joiners,
  direction marks and embeddings, the byte order mark, other default-ignorable code points)
  counts as empty, so a required field refuses it. Anything else is kept exactly as typed.
- Bidirectional controls are refused in web addresses, where they reverse how a link reads.

Pure functions; the web layer, the CLI and the importers call them (tracker/core/inputs.py).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: What no text column can hold.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

#: Unicode's bidirectional formatting characters: ALM, LRM, RLM, LRE..RLO, LRI..PDI.
BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): characters a renderer
#: shows as nothing (soft hyphen, fillers, zero-width and direction characters, variation
#: selectors, the BOM, tags).
_DEFAULT_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


class UnstorableText(ValueError):
    """Text holding NUL or a lone surrogate; `field` names where it was found, if known."""

    def __init__(self, field: str | None = None) -> None:
        self.field = field
        where = f"'{field}' contains" if field else "The text contains"
        super().__init__(
            f"{where} a NUL character or an unpaired surrogate; text cannot hold them."
        )


def is_storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


def _is_invisible(char: str) -> bool:
    return (
        char.isspace()
        or unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or _DEFAULT_IGNORABLE.match(char) is not None
    )


def is_blank(text: str) -> bool:
    """True for text a reader sees as nothing: empty, white space, invisible characters."""
    return all(_is_invisible(char) for char in text)


def clean_input(text: str, field: str | None = None) -> str:
    """`text` as typed, or "" when it is blank (see :func:`is_blank`).

    :raises UnstorableText: for NUL or a lone surrogate.
    """
    if not is_storable(text):
        raise UnstorableText(field)
    return "" if is_blank(text) else text


def clean_tree(data: Any) -> Any:
    """A copy of parsed JSON with :func:`clean_input` applied to every string in it (blank
    ones become ""); keys are checked too. The original is left as it was sent.

    Containers are walked without recursion (a body may nest as deep as the JSON parser
    allows).

    :raises UnstorableText: naming the top-level key that holds unstorable text.
    """
    if not isinstance(data, dict | list):
        return clean_input(data) if isinstance(data, str) else data
    root: Any = {} if isinstance(data, dict) else []
    pending: list[tuple[str | None, Any, Any]] = [(None, data, root)]
    while pending:
        top, source, target = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, value in items:
            name = top if top is not None else (str(key) if isinstance(source, dict) else None)
            if isinstance(key, str) and not is_storable(key):
                raise UnstorableText(UNSTORABLE.sub("", name or ""))
            if isinstance(value, str):
                copied: Any = clean_input(value, name)
            elif isinstance(value, dict | list):
                copied = {} if isinstance(value, dict) else []
                pending.append((name, value, copied))
            else:
                copied = value
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return root


def has_bidi_controls(text: str) -> bool:
    return BIDI_CONTROLS.search(text) is not None
