"""Login sessions kept in the database, so that a login can be ended from the server.

A browser's session cookie and its "remember me" cookie carry a random key; the database
keeps its SHA-256 (``user_sessions``). A request is logged in only while that row exists and
has not expired: logging out deletes it, and logging out everywhere, a new password, a new
role, a lock or a forced reset delete every row of the user. A restore writes no row, so every
cookie made before it is refused (see exports/backup.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from tracker.accounts.models import Role, User, UserSession
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.core import db
from tracker.core.db import utcnow
from tracker.core.errors import NotAllowed, NotFound

#: A session key in a cookie is this long at most (token_urlsafe(32) is 43 characters).
_MAX_KEY = 64


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def start_session(user: User, *, remember: bool, lifetime: timedelta) -> str:
    """Open a login for ``user`` and return its key (set as ``user.session_key`` too).

    Sessions that have expired, anyone's, are deleted on the way.
    """
    now = utcnow()
    db.session.execute(sa.delete(UserSession).where(UserSession.expires_at <= now))
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=_hash(key),
            created_at=now,
            expires_at=now + lifetime,
            is_remembered=remember,
        )
    )
    db.session.flush()
    user.session_key = key
    return key


def user_for_session(key: str) -> User | None:
    """The active user whose unexpired session has this key, or None (one query)."""
    if not key or len(key) > _MAX_KEY:
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _hash(key), UserSession.expires_at > utcnow())
    )
    if user is None or not user.is_active or not user.has_usable_password:
        return None
    user.session_key = key
    return user


def end_session(key: str | None) -> None:
    """Forget one login (logging out): its cookies, wherever copied, are refused from now on."""
    if key:
        db.session.execute(sa.delete(UserSession).where(UserSession.key_hash == _hash(key)))


def end_all_sessions(user: User, *, keep: str | None = None) -> int:
    """End every login of ``user`` (but ``keep``, the key of the one making the change, if
    given); returns how many ended. The caller records why (a password, a role, a lock)."""
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        stmt = stmt.where(UserSession.key_hash != _hash(keep))
    result = db.session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def count_sessions(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        )
        or 0
    )


def log_out_everywhere(user_id: int, *, actor: User | None) -> tuple[User, int]:
    """End every login of a user, this browser's too; logged. Users may end their own,
    administrators anyone's (``actor`` None: the system, e.g. the CLI).

    API tokens are separate credentials and stay valid: revoke them on the tokens page.

    :raises NotFound: no such user.
    :raises NotAllowed: the actor is neither the user nor an administrator.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    if actor is not None and actor.id != user.id and not actor.can(Role.admin):
        raise NotAllowed("Ending another user's sessions needs the admin role.")
    ended = end_all_sessions(user)
    audit.record(
        actor,
        "user",
        user.id,
        AuditAction.update,
        changes={"sessions": (ended, 0)},
        reason="logged out everywhere",
    )
    db.session.flush()
    return user, ended
