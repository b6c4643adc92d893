"""Source pages: importing through the form, reading, searching, inert text, query counts."""

from __future__ import annotations

import io
import re

import pytest

from tracker.accounts.models import Role
from tracker.core import db
from tracker.sources import services


def _import(app, text: str, **meta) -> int:
    with app.app_context():
        source = services.import_source(text, services.SourceMetadata(**meta), actor=None)
        db.session.commit()
        return source.id


def test_pages_need_a_login(client):
    response = client.get("/sources")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_import_by_pasting_then_read_it(client, auth, seed_text):
    auth.login(Role.reviewer)
    text = seed_text("de-openai-talent-exodus.txt")
    # Browsers send a textarea's line breaks as CRLF.
    response = client.post("/sources/new", data={"text": text.replace("\n", "\r\n")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.text
    assert "Imported" in html and "language de" in html
    assert 'id="s0"' in html and 'lang="de"' in html
    # The six bullet lines keep their bullets, outside the sentences' spans.
    assert html.count('<span class="marker" aria-hidden="true">•</span>') == 6
    assert "Statistiken zufolge haben bisher fast 75 wichtige Mitarbeiter OpenAI verlassen" in html
    # The paste is stored as the same text as the file, so the file is now a duplicate.
    again = client.post(
        "/sources/new",
        data={"file": (io.BytesIO(text.encode()), "article.txt")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302
    assert "imported before" in client.get(again.headers["Location"]).text


def test_import_by_uploading_a_file_keeps_its_bytes(client, auth, app):
    auth.login(Role.reviewer)
    raw = b"Titel\r\nEin Satz. Noch einer.\r\n"
    response = client.post(
        "/sources/new",
        data={"file": (io.BytesIO(raw), "a.txt"), "language": "de", "published": "2024-08-06"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    source_id = int(response.headers["Location"].rsplit("/", 1)[1])
    verbatim = client.get(f"/sources/{source_id}/text")
    assert verbatim.data == raw
    assert verbatim.headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste the article"),
        ({"text": "Satz.", "language": "xx"}, "not a known language code"),
        ({"text": "Satz.", "url": "javascript:alert(1)"}, "not a web address"),
        ({"text": "Satz.", "published": "2024-13-01"}, "Not a valid date"),
        ({"file": ("Größe".encode("latin-1"), "x.txt")}, "not UTF-8"),
    ],
)
def test_bad_form_input_shows_the_problem_and_keeps_what_was_typed(client, auth, data, message):
    auth.login(Role.reviewer)
    data = {"title": "Mein Titel", **data}
    if "file" in data:
        content, name = data["file"]
        data["file"] = (io.BytesIO(content), name)
    response = client.post("/sources/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.text
    assert 'value="Mein Titel"' in response.text
    assert client.get("/api/v1/sources").json["total"] == 0


def test_viewers_cannot_import(client, auth):
    auth.login(Role.viewer)
    assert client.get("/sources/new").status_code == 403
    assert client.post("/sources/new", data={"text": "Satz."}).status_code == 403


def test_article_text_is_rendered_inert(client, auth, app):
    auth.login(Role.viewer)
    source_id = _import(
        app,
        '<script>alert("x")</script> Böse.\n<img src=x onerror=alert(1)> Auch.',
        title="<b>Titel</b>",
        url="https://example.org/?q=<script>",
    )
    html = client.get(f"/sources/{source_id}").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Titel" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Titel&lt;/b&gt;" in html
    listing = client.get("/sources").text
    assert "<b>Titel" not in listing and "&lt;b&gt;Titel&lt;/b&gt;" in listing
    csp = client.get("/sources").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp


def test_reading_view_shows_clean_text_with_anchors(client, auth, app, seed_text):
    auth.login(Role.viewer)
    source_id = _import(app, seed_text("zh-openai-leadership-shakeup.txt"))
    html = client.get(f"/sources/{source_id}").text
    assert "聯創辭職總裁休假" in html and "(lián)" not in html
    anchors = re.findall(r'id="s(\d+)"', html)
    assert [int(a) for a in anchors] == list(range(len(anchors)))
    assert 'lang="zh"' in html and "58 (hidden below" in html


def test_search_page_finds_simplified_queries_in_traditional_text(client, auth, app, seed_text):
    auth.login(Role.viewer)
    source_id = _import(app, seed_text("zh-openai-leadership-shakeup.txt"))
    html = client.get("/search", query_string={"q": "总裁"}).text
    assert f"/sources/{source_id}#s0" in html and "總裁休假" in html


def test_sources_list_and_page_cost_a_fixed_number_of_queries(
    client, auth, app, count_queries, seed_text
):
    auth.login(Role.viewer)
    first = _import(app, seed_text("de-openai-talent-exodus.txt"))

    def cost(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    list_one, page_small = cost("/sources"), cost(f"/sources/{first}")
    for n in range(12):
        _import(app, f"Quelle {n}.\n" + "Ein Satz hier. " * (n + 1))
    big = _import(app, seed_text("zh-openai-leadership-shakeup.txt"))
    assert cost("/sources") == list_one
    assert cost(f"/sources/{big}") == page_small


def test_a_source_page_loads_the_evidence_of_all_its_claims_at_once(
    client, auth, app, count_queries
):
    from tracker.claims import services as claims
    from tracker.claims.models import Stance

    text = "".join(f"Satz Nummer {n} sagt etwas. " for n in range(8)) + "\n"
    source_id = _import(app, text, title="Viele Belege", language="de")

    def mark(n: int) -> None:
        with app.app_context():
            source = services.get_source(source_id)
            quote = f"Satz Nummer {n} sagt etwas."
            start = claims.locate_quote(source, quote)
            claim = claims.mark_claim(
                source_id,
                claims.ClaimDraft(start=start, end=start + len(quote), statement=f"Claim {n}."),
                actor=None,
            )
            claims.attach_evidence(
                claim.id,
                claims.EvidenceDraft(
                    url=f"https://example.org/beleg-{n}", title=f"Beleg {n}", stance=Stance.supports
                ),
                actor=None,
            )
            db.session.commit()

    auth.login(Role.viewer)

    def cost() -> tuple[int, str]:
        with count_queries() as counter:
            page = client.get(f"/sources/{source_id}")
            assert page.status_code == 200
        return counter.count, page.text

    mark(0)
    few, page = cost()
    assert "Claim 0." in page
    for n in range(1, 8):
        mark(n)
    many, page = cost()
    assert "Claim 7." in page
    assert many == few
