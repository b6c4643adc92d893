"""What a password must be: one rule for the forms, the CLI and every service that sets one.

At least 12 characters and at most 1,024 (the hash is unchanged: scrypt; the cap keeps a
megabyte "password" from costing a megabyte of hashing), not the user name in any case, not one
character or a few repeated, and not one of the 20,000 most common passwords (the list Django
ships, vendored as data in ``data/``; see its licence file there).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from tracker.core.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1024
#: Fewer different characters than this ("            ", "abababababab") is too simple.
MIN_DISTINCT = 4


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased (read once per process: about 20,000 short strings)."""
    data = resources.files("tracker.accounts").joinpath("data/common-passwords.txt.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
        return frozenset(line.strip() for line in text if line.strip())


def check_password(password: str, username: str) -> None:
    """Refuse a password that breaks the rule, saying why, on the field ``password``.

    :raises InvalidInput: too short, too long, the user name, too simple, or too common.
    """

    def refuse(message: str, reason: str) -> InvalidInput:
        return InvalidInput(message, {"password": reason})

    if len(password) < MIN_LENGTH:
        raise refuse(f"A password needs at least {MIN_LENGTH} characters.", "too short")
    if len(password) > MAX_LENGTH:
        raise refuse(f"A password has at most {MAX_LENGTH:,} characters.", "too long")
    if password.strip().casefold() == username.strip().casefold():
        raise refuse("A password must not be the user name.", "same as the user name")
    if len(set(password.casefold())) < MIN_DISTINCT:
        raise refuse(
            f"A password needs at least {MIN_DISTINCT} different characters.", "too simple"
        )
    if password.lower().strip() in common_passwords():
        raise refuse(
            "This password is one of the most common ones, the first that attackers try; "
            "choose another.",
            "too common",
        )
