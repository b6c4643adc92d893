"""Every `next=` and back link stays on this site: one table of tricks, tried everywhere."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import PASSWORD
from tracker.accounts.models import Role

#: What an attacker may put in `next` (as the app receives it, after URL decoding): none of it
#: may become a Location or a link that leaves the site.
OFF_SITE = [
    "//evil.example/x",
    "////evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\/evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2f%2fevil.example",
    "https:evil.example",
    "https:/evil.example",
    "http://evil.example",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/%09/evil.example",
    "/\x0b/evil.example",
    "/\u3000/evil.example",
    "\u200b//evil.example",
    "/search ",
    " /search",
    "/search\t",
]
#: Paths on this site, followed as they are.
ON_SITE = ["/search", "/claims?status=disputed&q=a%20b", "/sources/1#s3", "/activity?user=1"]


def _location(response) -> str:
    assert response.status_code == 302, response.text
    return response.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_form_does_not_follow_an_off_site_next(client, make_user, target):
    user = make_user(Role.viewer)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD},
    )
    assert _location(response) == "/sources"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_link_for_a_logged_in_user_does_not_follow_an_off_site_next(client, auth, target):
    auth.login(Role.viewer)
    assert _location(client.get("/login", query_string={"next": target})) == "/sources"


@pytest.mark.parametrize("target", OFF_SITE)
def test_bulk_assign_does_not_follow_an_off_site_next(client, auth, target):
    auth.login(Role.reviewer)
    response = client.post("/claims/assign", data={"next": target, "assignee_id": "0"})
    assert _location(response) == "/claims"


@pytest.mark.parametrize("target", OFF_SITE)
def test_suggestion_decisions_do_not_follow_an_off_site_next(client, auth, world, target):
    auth.login(Role.reviewer)
    response = client.post(
        f"/claims/{world.claim_id}/suggestions/question/{world.question_id}/reject",
        data={"next": target},
    )
    assert _location(response) == f"/claims/{world.claim_id}#suggestions"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_dispute_page_links_back_only_on_site(client, auth, world, target):
    auth.login(Role.reviewer)
    page = client.get(f"/contradictions/{world.contradiction_id}", query_string={"next": target})
    assert page.status_code == 200
    back = re.search(r'<a href="([^"]*)">← Back</a>', page.text)
    hidden = re.search(r'name="next" value="([^"]*)"', page.text)
    assert back is not None and hidden is not None
    assert html.unescape(back.group(1)) == html.unescape(hidden.group(1)) == "/disputes"


@pytest.mark.parametrize("target", ON_SITE)
def test_a_path_on_this_site_is_followed(client, make_user, target):
    user = make_user(Role.reviewer)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD},
    )
    assert _location(response) == target
    assert _location(client.get("/login", query_string={"next": target})) == target
    assert _location(client.post("/claims/assign", data={"next": target})) == target


@pytest.mark.parametrize("target", ON_SITE)
def test_an_on_site_back_link_is_kept(client, auth, world, target):
    auth.login(Role.reviewer)
    page = client.get(f"/contradictions/{world.contradiction_id}", query_string={"next": target})
    back = re.search(r'<a href="([^"]*)">← Back</a>', page.text)
    assert back is not None and html.unescape(back.group(1)) == target
