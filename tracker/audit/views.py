"""The activity page: recent changes by anyone, filtered by user and date."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.claims import services as claims
from tracker.core.auth import require_role
from tracker.core.db import MAX_INTEGER
from tracker.core.errors import InvalidInput
from tracker.core.pagination import check_page_args
from tracker.text.dates import InvalidDate, date_range

bp = Blueprint("audit", __name__)


def _date_arg(name: str, *, last: bool) -> date | None:
    """A date filter: YYYY, YYYY-MM or YYYY-MM-DD (its first day, or its `last` day).

    :raises InvalidInput: for anything else (another script's digits, 2024-02-30).
    """
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        first, final = date_range(value)
    except InvalidDate:
        raise InvalidInput(
            f"{name} is a date written YYYY-MM-DD (or YYYY, YYYY-MM), not “{value[:20]}”.",
            {name: "invalid"},
        ) from None
    return final if last else first


def _user_arg() -> int | None:
    """:raises InvalidInput: unless `user` is empty or a user's number."""
    value = request.args.get("user", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_INTEGER:
        raise InvalidInput(
            f"user is the number of a user (pick one from the list), not “{value[:20]}”.",
            {"user": "invalid"},
        )
    return int(value)


@bp.get("/activity")
@require_role(Role.viewer)
def activity() -> str:
    filters = audit.ActivityFilter(
        user_id=_user_arg(),
        since=_date_arg("since", last=False),
        until=_date_arg("until", last=True),
        with_deleted_claims=claims.may_see_deleted(current_user),
    )
    page, per_page = check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", current_app.config["PAGE_SIZE"]),
        current_app.config["API_MAX_PAGE_SIZE"],
    )
    return render_template(
        "audit/activity.html",
        page=audit.list_activity(filters, page, per_page),
        users=accounts.list_users(),
        filters=filters,
    )
