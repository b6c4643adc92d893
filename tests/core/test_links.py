"""Links that keep the current query: a query argument named like one of url_for's own
keywords (`_method`, `_anchor`, `_external`, `_scheme`) is not a filter of ours, and must
neither break the page nor change where its links go."""

from __future__ import annotations

import re

import pytest

from tracker.accounts.models import Role
from tracker.core import db
from tracker.sources import services

KEYWORD_ARGS = ["_method=POST", "_anchor=evil", "_external=1", "_scheme=https"]


def _hrefs(html: str, start: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(rf'href="({start}[^"]*)"', html)]


@pytest.mark.parametrize("arg", KEYWORD_ARGS)
def test_the_disputes_filter_links_stay_on_this_site_and_page(client, auth, arg):
    auth.login(Role.viewer)
    page = client.get(f"/disputes?{arg}")
    assert page.status_code == 200
    links = re.findall(r'href="([^"]*disputes\?[^"]*)"', page.text)
    assert links, "the summary links to the disputes' filters"
    for link in links:
        assert link.startswith("/disputes?"), link  # relative: not made absolute by `_external`
        assert "#" not in link, link  # no fragment made from `_anchor`


@pytest.mark.parametrize("arg", KEYWORD_ARGS)
def test_the_next_page_link_keeps_the_filters_and_nothing_else(app, client, auth, arg):
    with app.app_context():
        for n in range(3):
            services.import_source(f"Article number {n} says one thing.\n", actor=None)
        db.session.commit()
    auth.login(Role.viewer)
    page = client.get(f"/sources?per_page=1&{arg}")
    assert page.status_code == 200
    (next_link,) = re.findall(r'<a rel="next" href="([^"]+)"', page.text)
    next_link = next_link.replace("&amp;", "&")
    assert next_link.startswith("/sources?") and "#" not in next_link
    assert "per_page=1" in next_link and "page=2" in next_link
    second = client.get(next_link)
    assert second.status_code == 200 and "Article number" in second.text
