"""Creating users and tokens, and checking passwords and tokens."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts.models import ApiToken, LoginFailure, Role, User
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.core import db
from tracker.core.db import utcnow
from tracker.core.errors import Duplicate, InvalidInput, NotAllowed, NotFound, TooManyAttempts

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,80}$")
MIN_PASSWORD_LENGTH = 10
# Hashing an unknown user's password too keeps login time the same whether or not the name exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def create_user(username: str, password: str, role: Role | str) -> User:
    """Add a user with a scrypt password hash.

    :raises InvalidInput: for a bad name, a short password or an unknown role.
    :raises Duplicate: when the name is taken.
    """
    if not USERNAME_RE.match(username):
        raise InvalidInput(
            "A user name is 2-80 letters, digits, '.', '_' or '-'.", {"username": "invalid"}
        )
    try:
        role = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(
            f"Unknown role {role!r}; use one of {allowed}.", {"role": "invalid"}
        ) from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            {"password": "too short"},
        )
    existing = db.session.scalar(sa.select(User).where(User.username == username))
    if existing is not None:
        raise Duplicate(f"The user name {username!r} is taken.", existing.id, {"username": "taken"})
    user = User(
        username=username,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.has_usable_password:
        check_password_hash(_DUMMY_HASH, password)  # the same time whatever the reason
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


#: Failed logins allowed per address and user name, (count, window); and per address whatever
#: the name. Only failures count, so people who log in often are never locked out.
FAILED_LOGINS_PER_ACCOUNT = ((10, timedelta(minutes=1)), (50, timedelta(hours=1)))
FAILED_LOGINS_PER_ADDRESS = ((30, timedelta(minutes=1)),)
_KEPT_FOR = timedelta(hours=1)


def _login_key(address: str, username: str) -> tuple[str, str]:
    return address[:64], username.strip().lower()[:80]


def check_login_allowed(address: str, username: str) -> None:
    """Refuse a login attempt from an address (for a user name) that failed too often lately.

    Sliding windows over the failures stored in the database, so the limits hold across
    worker processes and machines.

    :raises TooManyAttempts: with the seconds until the oldest counted failure leaves its window.
    """
    address, username = _login_key(address, username)
    now = utcnow()
    since = now - _KEPT_FOR
    rows = db.session.execute(
        sa.select(LoginFailure.username, LoginFailure.at)
        .where(LoginFailure.address == address, LoginFailure.at > since)
        .order_by(LoginFailure.at.desc())
    ).all()
    for limits, times in (
        (FAILED_LOGINS_PER_ACCOUNT, [at for name, at in rows if name == username]),
        (FAILED_LOGINS_PER_ADDRESS, [at for _name, at in rows]),
    ):
        for count, window in limits:
            recent = [at for at in times if at > now - window]
            if len(recent) >= count:
                # Newest first: the count drops below the limit when the count-th newest leaves.
                wait = (recent[count - 1] + window - now).total_seconds()
                raise TooManyAttempts(
                    f"Too many failed logins. Try again in {math.ceil(wait)} seconds.",
                    retry_after=math.ceil(wait),
                )


def record_failed_login(address: str, username: str) -> None:
    """Count a failed login (and forget those older than an hour); the caller commits."""
    address, username = _login_key(address, username)
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < utcnow() - _KEPT_FOR))
    db.session.add(LoginFailure(address=address, username=username))
    db.session.flush()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def set_password(username: str, password: str, *, actor: User | None) -> User:
    """Give a user a new password (administrators, or the system); logged without the hash.

    :raises NotAllowed: the actor is not an administrator.
    :raises NotFound: no such user.
    :raises InvalidInput: the password is too short.
    """
    if actor is not None and not actor.can(Role.admin):
        raise NotAllowed("Setting passwords needs the admin role.")
    user = find_user(username)
    if user is None:
        raise NotFound(f"There is no user {username!r}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            {"password": "too short"},
        )
    had = user.has_usable_password
    user.password_hash = generate_password_hash(password, method="scrypt")
    audit.record(
        actor,
        "user",
        user.id,
        AuditAction.update,
        changes={"password": ("set" if had else "none", "changed")},
    )
    db.session.flush()
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username))


def ensure_admin(username: str = "admin") -> str | None:
    """Create the first administrator when there is no user at all.

    Returns the generated password (to show once), or None when users exist already.
    """
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(12)
    create_user(username, password, Role.admin)
    return password


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(username: str, name: str = "cli") -> str:
    """Issue an API token for a user; the clear token is returned once and never stored.

    :raises InvalidInput: when the user does not exist.
    """
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(f"No user named {username!r}.", {"username": "unknown"})
    token = "fct_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, name=name, token_hash=_hash_token(token)))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    api_token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == _hash_token(token), ApiToken.is_revoked.is_(False)
        )
    )
    if api_token is None or not api_token.user.is_active:
        return None
    return api_token.user


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.username)))


def list_reviewers() -> list[User]:
    """Active users who may review claims (reviewers, editors, admins)."""
    roles = [r for r in Role if r.includes(Role.reviewer)]
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_active.is_(True), User.role.in_(roles))
            .order_by(User.username)
        )
    )


def update_user(
    user_id: int, *, role: Role | str | None, is_active: bool | None, actor: User | None
) -> User:
    """Change a user's role or lock/unlock them (admins); logged.

    :raises NotAllowed: when the actor is not an admin, or would lock out the last admin.
    """
    if actor is not None and not actor.can(Role.admin):
        raise NotAllowed("Managing users needs the admin role.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    changes: dict[str, tuple[object, object]] = {}
    if role is not None:
        try:
            new_role = Role(role)
        except ValueError:
            raise InvalidInput(f"Unknown role {role!r}.", {"role": "invalid"}) from None
        if new_role != user.role:
            changes["role"] = (user.role, new_role)
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = (user.is_active, is_active)
    losing_admin = user.role == Role.admin and (
        changes.get("role", (None, Role.admin))[1] != Role.admin or is_active is False
    )
    if losing_admin:
        admins = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.role == Role.admin, User.is_active.is_(True))
        )
        if admins <= 1:
            raise NotAllowed("This is the last active administrator; make another one first.")
    for name, (_before, after) in changes.items():
        setattr(user, name, after)
    if changes:
        audit.record(actor, "user", user.id, AuditAction.update, changes=changes)
        db.session.flush()
    return user
