"""Creating users and tokens, and checking passwords and tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.accounts import sessions
from tracker.accounts.models import ApiToken, Role, User
from tracker.accounts.passwords import MAX_LENGTH, MIN_LENGTH, check_password
from tracker.audit import services as audit
from tracker.audit.models import AuditAction
from tracker.core import db, unique
from tracker.core.db import utcnow
from tracker.core.errors import Duplicate, InvalidInput, NotAllowed, NotFound

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,80}$")
#: Kept for callers of the old name; the rule lives in tracker/accounts/passwords.py.
MIN_PASSWORD_LENGTH = MIN_LENGTH
MAX_PASSWORD_LENGTH = MAX_LENGTH
#: A token's last use is written at most this often (a write per API call would be a write
#: lock per read on SQLite).
TOKEN_USE_PRECISION = timedelta(minutes=1)
# Hashing an unknown user's password too keeps login time the same whether or not the name exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def create_user(username: str, password: str, role: Role | str) -> User:
    """Add a user with a scrypt password hash.

    :raises InvalidInput: for a bad name, a password the rule refuses (passwords.py) or an
        unknown role.
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
    check_password(password, username)

    def find_existing() -> int | None:
        return db.session.scalar(sa.select(User.id).where(User.username == username))

    def taken(existing: int) -> Duplicate:
        return Duplicate(f"The user name {username!r} is taken.", existing, {"username": "taken"})

    if (existing := find_existing()) is not None:
        raise taken(existing)
    user = User(
        username=username,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=role,
    )
    # Taken by someone else's request at the same moment: refused the same way.
    unique.insert_or_refuse(lambda: db.session.add(user), find_existing, taken)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this name and password, or None."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return None  # no stored password is that long: refuse before hashing a megabyte
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.has_usable_password:
        check_password_hash(_DUMMY_HASH, password)  # the same time whatever the reason
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def set_password(
    username: str, password: str, *, actor: User | None, must_change: bool = False
) -> User:
    """Give a user a new password (administrators, or the system); logged without the hash.
    Every login of the user ends. With ``must_change``, they must choose another password
    after their next login (a temporary password).

    :raises NotAllowed: the actor is not an administrator.
    :raises NotFound: no such user.
    :raises InvalidInput: the password rule refuses it (tracker/accounts/passwords.py).
    """
    if actor is not None and not actor.can(Role.admin):
        raise NotAllowed("Setting passwords needs the admin role.")
    user = find_user(username)
    if user is None:
        raise NotFound(f"There is no user {username!r}.")
    check_password(password, user.username)
    _replace_password(user, password, actor=actor, must_change=must_change)
    return user


def _replace_password(
    user: User, password: str, *, actor: User | None, must_change: bool, keep: str | None = None
) -> None:
    had = user.has_usable_password
    user.password_hash = generate_password_hash(password, method="scrypt")
    changes: dict[str, tuple[object, object]] = {"password": ("set" if had else "none", "changed")}
    if user.must_change_password != must_change:
        changes["must_change_password"] = (user.must_change_password, must_change)
        user.must_change_password = must_change
    ended = sessions.end_all_sessions(user, keep=keep)
    if ended:
        changes["sessions"] = (ended + (1 if keep else 0), 1 if keep else 0)
    audit.record(actor, "user", user.id, AuditAction.update, changes=changes)
    db.session.flush()


def change_own_password(user: User, current: str, new: str, *, session_key: str | None) -> None:
    """A user replaces their own password (needs the current one). Their other logins end;
    the one they are using (``session_key``) goes on. Clears a forced reset.

    :raises InvalidInput: the current password is wrong (field ``current_password``), or the
        rule refuses the new one (field ``password``), or it is the current one again.
    """
    if not user.has_usable_password or not check_password_hash(user.password_hash, current):
        raise InvalidInput(
            "That is not your current password.", {"current_password": "wrong password"}
        )
    check_password(new, user.username)
    if new == current:
        raise InvalidInput(
            "Choose a password other than the current one.", {"password": "unchanged"}
        )
    _replace_password(user, new, actor=user, must_change=False, keep=session_key)


def require_new_password(user_id: int, *, actor: User | None) -> User:
    """Make a user choose a new password at their next login (administrators); every login
    of theirs ends now. Logged.

    :raises NotAllowed: the actor is not an administrator.
    :raises NotFound: no such user.
    """
    if actor is not None and not actor.can(Role.admin):
        raise NotAllowed("Forcing a password reset needs the admin role.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    ended = sessions.end_all_sessions(user)
    changes: dict[str, tuple[object, object]] = {"sessions": (ended, 0)}
    if not user.must_change_password:
        changes["must_change_password"] = (False, True)
        user.must_change_password = True
    audit.record(actor, "user", user.id, AuditAction.update, changes=changes)
    db.session.flush()
    return user


#: The longest display name (public pages show it beside a review).
MAX_DISPLAY_NAME = 80


def set_display_name(user: User, display_name: str | None, *, actor: User) -> User:
    """Set the name public pages show for the user's reviews (empty: the organisation's).

    :raises InvalidInput: longer than 80 characters, or the user's login name.
    :raises NotAllowed: the actor is neither the user nor an administrator.
    """
    if actor.id != user.id and not actor.can(Role.admin):
        raise NotAllowed("Only the user or an administrator changes a display name.")
    name = " ".join((display_name or "").split()) or None
    if name is not None and len(name) > MAX_DISPLAY_NAME:
        raise InvalidInput(
            f"A display name has at most {MAX_DISPLAY_NAME} characters.",
            {"display_name": "too long"},
        )
    if name is not None and name.casefold() == user.username.casefold():
        raise InvalidInput(
            "Public pages never show a login name: choose a name other than your user name "
            "(or leave it empty to show the organisation).",
            {"display_name": "is the user name"},
        )
    if name != user.display_name:
        audit.record(
            actor,
            "user",
            user.id,
            AuditAction.update,
            changes={"display_name": (user.display_name, name)},
        )
        user.display_name = name
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


#: The longest a token may live, in days (and the choices the tokens page offers).
MAX_TOKEN_DAYS = 3650
TOKEN_NAME_LENGTH = 80


def create_token(
    username: str,
    name: str = "cli",
    *,
    expires_in_days: int | None = None,
    actor: User | None = None,
) -> str:
    """Issue an API token for a user; the clear token is returned once and never stored.
    ``expires_in_days`` None: valid until revoked. Logged (without the token).

    :raises InvalidInput: the user does not exist, the name is empty or too long, or the
        lifetime is not 1 to 3650 days.
    :raises NotAllowed: the actor is neither the user nor an administrator.
    """
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(f"No user named {username!r}.", {"username": "unknown"})
    if actor is not None and actor.id != user.id and not actor.can(Role.admin):
        raise NotAllowed("Only the user or an administrator makes tokens for them.")
    name = " ".join(name.split())
    if not name or len(name) > TOKEN_NAME_LENGTH:
        raise InvalidInput(
            f"Name the token (what it is for), in at most {TOKEN_NAME_LENGTH} characters.",
            {"name": "required" if not name else "too long"},
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            f"A token lives 1 to {MAX_TOKEN_DAYS} days (or until revoked).",
            {"expires_in_days": "out of range"},
        )
    now = utcnow()
    token = "fct_" + secrets.token_urlsafe(32)
    api_token = ApiToken(
        user=user,
        name=name,
        token_hash=_hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(api_token)
    db.session.flush()
    audit.record(
        actor,
        "api_token",
        api_token.id,
        AuditAction.create,
        snapshot={"user": user.username, "name": name, "expires_at": api_token.expires_at},
    )
    db.session.flush()
    return token


def find_token(token: str, *, now: datetime | None = None) -> ApiToken | None:
    """The token with this value, when it is neither revoked nor expired and its user is
    active (one query, the user loaded with it); else None."""
    now = now or utcnow()
    api_token = db.session.scalar(
        sa.select(ApiToken)
        .join(User, ApiToken.user_id == User.id)
        .options(contains_eager(ApiToken.user))
        .where(
            ApiToken.token_hash == _hash_token(token),
            ApiToken.is_revoked.is_(False),
            sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
            User.is_active.is_(True),
        )
    )
    return api_token


def user_for_token(token: str) -> User | None:
    """The active user a valid (not revoked, not expired) bearer token belongs to, or None."""
    api_token = find_token(token)
    return api_token.user if api_token is not None else None


def token_use_is_stale(api_token: ApiToken, now: datetime) -> bool:
    """Whether the token's last use is older than `TOKEN_USE_PRECISION` (so worth writing)."""
    return api_token.last_used_at is None or api_token.last_used_at <= now - TOKEN_USE_PRECISION


def note_token_use(token_id: int, now: datetime) -> None:
    """Write a token's last use (unless another request wrote a newer one meanwhile).

    A single UPDATE: the caller (core/auth.py) runs it as the first statement of its own
    short transaction, since on SQLite a transaction that has read cannot then queue for the
    write lock.
    """
    db.session.execute(
        sa.update(ApiToken)
        .where(
            ApiToken.id == token_id,
            sa.or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - TOKEN_USE_PRECISION,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """Tokens, newest first: one user's, or everyone's (with their user loaded)."""
    stmt = sa.select(ApiToken).options(joinedload(ApiToken.user))
    if user is not None:
        stmt = stmt.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(ApiToken.id.desc())))


def revoke_token(token_id: int, *, actor: User | None) -> ApiToken:
    """Revoke a token at once: the next request with it gets a 401. Logged.

    :raises NotFound: no such token, or one of another user (unless the actor is an
        administrator or the system).
    """
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or (
        actor is not None and api_token.user_id != actor.id and not actor.can(Role.admin)
    ):
        raise NotFound(f"There is no token #{token_id}.")
    if not api_token.is_revoked:
        api_token.is_revoked = True
        audit.record(
            actor,
            "api_token",
            api_token.id,
            AuditAction.update,
            changes={"is_revoked": (False, True)},
            reason=f"token {api_token.name!r} of {api_token.user.username}",
        )
        db.session.flush()
    return api_token


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
        admins = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(User)
                .where(User.role == Role.admin, User.is_active.is_(True))
            )
            or 0
        )
        if admins <= 1:
            raise NotAllowed("This is the last active administrator; make another one first.")
    for name, (_before, after) in changes.items():
        setattr(user, name, after)
    if changes:
        # A new role or a lock takes effect now, not when the user's cookies expire.
        ended = sessions.end_all_sessions(user)
        if ended:
            changes["sessions"] = (ended, 0)
        audit.record(actor, "user", user.id, AuditAction.update, changes=changes)
        db.session.flush()
    return user
