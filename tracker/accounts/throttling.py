"""Failed logins, counted in the database: per address, per address and name, and per account
whatever the address, so the limits hold across worker processes, machines and restarts.

A locked account's administrators are told through the audit log (an entry by "system" on the
user, shown on the users page while the lock lasts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from tracker.accounts.models import LoginFailure, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.core import db
from tracker.core.db import utcnow
from tracker.core.errors import TooManyAttempts

#: (count, window) pairs. Only failures count, so people who log in often are never locked out.
#: Per address and user name:
FAILED_LOGINS_PER_ADDRESS_AND_NAME = ((10, timedelta(minutes=1)), (50, timedelta(hours=1)))
#: Per address, whatever the name:
FAILED_LOGINS_PER_ADDRESS = ((30, timedelta(minutes=1)),)
#: Per user name, whatever the address (30 addresses trying one password each are one attack):
FAILED_LOGINS_PER_ACCOUNT = ((10, timedelta(minutes=15)),)
_KEPT_FOR = timedelta(hours=1)


def _login_key(address: str, username: str) -> tuple[str, str]:
    return address[:64], username.strip().lower()[:80]


def _wait(times: list[datetime], limits: tuple[tuple[int, timedelta], ...], now: datetime) -> float:
    """Seconds until every limit allows one more failure; 0 when none is reached.

    ``times`` newest first: the count drops below a limit when its count-th newest leaves.
    """
    wait = 0.0
    for count, window in limits:
        recent = [at for at in times if at > now - window]
        if len(recent) >= count:
            wait = max(wait, (recent[count - 1] + window - now).total_seconds())
    return wait


def _account_failures(username: str, since: datetime) -> list[tuple[datetime, str]]:
    """(time, address) of the name's failures since then, newest first, from any address."""
    return [
        (at, address)
        for at, address in db.session.execute(
            sa.select(LoginFailure.at, LoginFailure.address)
            .where(LoginFailure.username == username, LoginFailure.at > since)
            .order_by(LoginFailure.at.desc())
        )
    ]


def check_login_allowed(address: str, username: str) -> None:
    """Refuse a login attempt when the address, the address with this name, or the account
    (from anywhere) failed too often lately. Sliding windows over the stored failures.

    :raises TooManyAttempts: with the seconds until every limit allows a try again.
    """
    address, username = _login_key(address, username)
    now = utcnow()
    rows = db.session.execute(
        sa.select(LoginFailure.username, LoginFailure.at)
        .where(LoginFailure.address == address, LoginFailure.at > now - _KEPT_FOR)
        .order_by(LoginFailure.at.desc())
    ).all()
    longest = max(window for _count, window in FAILED_LOGINS_PER_ACCOUNT)
    account = [at for at, _address in _account_failures(username, now - longest)]
    wait = max(
        _wait(
            [at for name, at in rows if name == username], FAILED_LOGINS_PER_ADDRESS_AND_NAME, now
        ),
        _wait([at for _name, at in rows], FAILED_LOGINS_PER_ADDRESS, now),
        _wait(account, FAILED_LOGINS_PER_ACCOUNT, now),
    )
    if wait > 0:
        raise TooManyAttempts(
            f"Too many failed logins. Try again in {math.ceil(wait)} seconds.",
            retry_after=math.ceil(wait),
        )


def record_failed_login(address: str, username: str) -> None:
    """Count a failed login (and forget those older than an hour); the caller commits.

    The failure that locks an existing account writes the notice its administrators see.
    """
    address, username = _login_key(address, username)
    now = utcnow()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - _KEPT_FOR))
    db.session.add(LoginFailure(address=address, username=username, at=now))
    db.session.flush()
    for count, window in FAILED_LOGINS_PER_ACCOUNT:
        failures = _account_failures(username, now - window)
        if len(failures) != count:  # only the failure that reaches the limit
            continue
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username))
        if user is None:
            continue
        until = failures[count - 1][0] + window
        addresses = len({a for _at, a in failures})
        audit.record(
            None,
            "user",
            user.id,
            AuditAction.update,
            changes={"login": ("allowed", f"locked until {until:%Y-%m-%d %H:%M} UTC")},
            reason=(
                f"{count} failed logins in {_minutes(window)} minutes from {addresses} "
                f"address{'es' if addresses != 1 else ''}"
            ),
        )
        db.session.flush()


def _minutes(window: timedelta) -> int:
    return int(window.total_seconds() // 60)


@dataclass(frozen=True)
class Lockout:
    username: str
    failures: int
    addresses: int
    until: datetime


def current_lockouts() -> list[Lockout]:
    """Existing accounts locked now by failed logins from anywhere, for the users page."""
    now = utcnow()
    found: list[Lockout] = []
    for count, window in FAILED_LOGINS_PER_ACCOUNT:
        names = db.session.scalars(
            sa.select(LoginFailure.username)
            .where(LoginFailure.at > now - window)
            .group_by(LoginFailure.username)
            .having(sa.func.count() >= count)
        ).all()
        for name in names:
            user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name))
            if user is None:
                continue
            failures = _account_failures(name, now - window)
            found.append(
                Lockout(
                    username=user.username,
                    failures=len(failures),
                    addresses=len({a for _at, a in failures}),
                    until=failures[count - 1][0] + window,
                )
            )
    return sorted(found, key=lambda lock: lock.username)
