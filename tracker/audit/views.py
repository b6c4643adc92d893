"""The activity page: recent changes by anyone, filtered by user and date."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.audit import services as audit
from tracker.core.auth import require_role
from tracker.core.pagination import check_page_args

bp = Blueprint("audit", __name__)


def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        abort(400, f"{name} must be a date (YYYY-MM-DD).")


@bp.get("/activity")
@require_role(Role.viewer)
def activity() -> str:
    user_id = request.args.get("user", "")
    filters = audit.ActivityFilter(
        user_id=int(user_id) if user_id.isdigit() else None,
        since=_date_arg("since"),
        until=_date_arg("until"),
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
