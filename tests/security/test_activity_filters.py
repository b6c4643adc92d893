"""/activity with bad filters is a 400 that says why, never a 500; good edge values work."""

from __future__ import annotations

import pytest

from tracker.accounts.models import Role

REFUSED = [
    ("user=²", "user"),
    ("user=٣", "user"),
    ("user=99999999999999999999", "user"),
    ("user=9999999999", "user"),
    ("user=-1", "user"),
    ("user=abc", "user"),
    ("since=2024-02-30", "since"),
    ("until=0000-01-01", "until"),
    ("until=٢٠٢٤-٠١-٠١", "until"),
    ("since=yesterday", "since"),
    ("since=99999-01-01", "since"),
]


@pytest.mark.parametrize(("query", "name"), REFUSED)
def test_a_bad_activity_filter_is_a_400_naming_it(client, auth, world, query, name):
    auth.login(Role.viewer)
    response = client.get(f"/activity?{query}")
    assert response.status_code == 400, response.text[:300]
    assert name in response.text


@pytest.mark.parametrize(
    "query",
    ["until=9999-12-31", "since=9999-12-31", "since=0001-01-01", "until=9999", "since=2024-02"],
)
def test_extreme_dates_are_dates(client, auth, world, query):
    auth.login(Role.viewer)
    assert client.get(f"/activity?{query}").status_code == 200


def test_a_far_future_until_still_lists_everything(client, auth, world):
    auth.login(Role.viewer)
    page = client.get("/activity?until=9999-12-31").text
    assert f"claim #{world.claim_id}" in page


def test_a_year_or_month_covers_its_days(client, auth, world):
    auth.login(Role.viewer)
    assert "No changes in this range." in client.get("/activity?until=2000").text
    assert "No changes in this range." in client.get("/activity?since=9999-12").text
    assert f"claim #{world.claim_id}" in client.get("/activity?since=2000-01").text


def test_an_unknown_user_has_no_activity(client, auth, world):
    auth.login(Role.viewer)
    page = client.get("/activity?user=2147483647")
    assert page.status_code == 200 and "No changes in this range." in page.text
