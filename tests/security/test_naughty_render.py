"""The naughty-strings corpus on every page a user can reach, in real headless Chromium, on
both databases: no script runs, no markup gets in, and what was stored reads as it was typed.

The strings are stored through the services wherever a user-visible text lives (source titles,
texts and addresses; claim statements, speakers, subjects, rationales and quotes; evidence
titles, publishers, passages and addresses; questions, answers and aspects; entity names and
aliases; contradiction reasons and decisions; audit notes; display names; token names; the
organisation's name), many strings to an object, so that one page load shows many of them.
Then every page is loaded as an editor, a viewer, an admin and (PUBLIC_READING) an anonymous
visitor. A script that runs is seen four ways: ``__xss(n)`` (our payloads) and alert, confirm,
prompt and print (BLNS's) are replaced before any page script runs; a dialog that opens anyway
is dismissed and counted; the page's Content-Security-Policy reports each inline script or
handler it blocked (markup that got in, though it could not run); and the DOM is searched for
what no template writes: elements such as script, img, svg or iframe, ``on*`` attributes, and
javascript:, vbscript: or data: addresses.

``SECURITY_CORPUS=full`` runs the whole corpus (``make test-security``); by default the subset.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.conftest import BACKENDS, PASSWORD
from tests.security.naughty import SCRIPT_PAYLOADS, corpus
from tests.support.live import serving
from tracker import create_app
from tracker.accounts import services as accounts
from tracker.accounts.models import Role
from tracker.claims import services as claims
from tracker.core import db, migrate
from tracker.core.errors import TrackerError
from tracker.entities import services as entities
from tracker.questions import answers, disputes, rulings
from tracker.questions import services as questions
from tracker.questions.qualifiers import Qualifiers
from tracker.sources import services as sources

pytestmark = pytest.mark.browser

#: Strings a chunk's joined text may take: a source title and a question hold 500 characters,
#: and each chunk's texts start with a short marker of their own.
CHUNK_BUDGET = 480
#: The organisation that signs the public reviews: every script payload of ours.
ORGANISATION = "«org» " + " | ".join(SCRIPT_PAYLOADS)
#: Sentence searches that find many of the strings (markup, quotes), shown highlighted.
SEARCHES = ["<", "script", "'", "&"]
FULL = os.environ.get("SECURITY_CORPUS") == "full"

# Runs in every frame before the page's own scripts: any way a script of the corpus runs
# calls back into the test, and so does any inline script or handler the CSP blocked.
INIT_SCRIPT = """
(() => {
  const report = (kind, detail) => {
    try { window.__naughtyReport(kind, String(detail)); } catch (error) {}
  };
  window.__xss = (n) => report("__xss", n);
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (...args) => { report(name, args.map(String).join(" ")); return null; };
  }
  document.addEventListener("securitypolicyviolation", (event) => {
    report("csp", `${event.violatedDirective} blocked ${event.blockedURI}: ${event.sample}`);
  }, true);
})();
"""

# Markup no template writes. The templates use only these elements; the head's scripts only
# (our file, the review page's JSON-LD); link, meta and title in the head; no on* attribute;
# forms post to paths of the site; addresses are paths or http(s) links.
DOM_CHECK = """
async (isHtml) => {
  // What a page does after its load event first: focus, toggles, late errors.
  await new Promise((done) => setTimeout(done, 0));
  const allowed = new Set(`a article blockquote body br button cite code dd details div dl dt
    em form h1 h2 h3 head header html input label li link main mark meta nav ol option p pre
    q section select small span strong summary table tbody td textarea th thead time title tr
    ul`.split(/\\s+/).filter(Boolean));
  const addresses = new Set(["href", "src", "action", "formaction", "data", "poster",
    "background", "xlink:href", "srcset", "ping", "manifest", "codebase", "cite"]);
  const found = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    const inHead = el.parentElement !== null && el.parentElement.localName === "head";
    if (tag === "script") {
      const ours = inHead && (el.getAttribute("src") === "/static/tracker.js"
        || (el.type === "application/ld+json" && !el.hasAttribute("src")));
      if (!ours) found.push("script element: " + show(el));
    } else if (isHtml && !allowed.has(tag)) {
      found.push("element no template writes: " + show(el));
    } else if (isHtml && ["link", "meta", "title"].includes(tag) && !inHead) {
      found.push(`${tag} outside the head: ` + show(el));
    }
    if (tag === "meta" && el.hasAttribute("http-equiv")) found.push("meta refresh: " + show(el));
    const action = el.getAttribute("action");
    if (tag === "form" && action !== null && !/^\\/(?!\\/)/.test(action)) {
      found.push("form posting elsewhere: " + show(el));
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]+/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${name} attribute: ` + show(el));
      if (name === "srcdoc") found.push("srcdoc attribute: " + show(el));
      if (addresses.has(name) && /^(javascript|vbscript|data):/.test(value)) {
        found.push(`${name}=${value.slice(0, 40)}: ` + show(el));
      }
    }
  }
  return found;
}
"""


def is_storable(text: str) -> bool:
    """What any text column can hold: no NUL and no lone surrogate (the corpus has neither
    today; should it gain some, they are the input tests' business, not this page walk's)."""
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def packed(strings: list[str], budget: int, sep: str = " | ") -> list[list[str]]:
    """Consecutive strings in runs whose joined length stays within `budget`; a string longer
    than the budget is a run of its own."""
    runs: list[list[str]] = []
    size = 0
    for text in strings:
        if runs and size + len(sep) + len(text) <= budget:
            runs[-1].append(text)
            size += len(sep) + len(text)
        else:
            runs.append([text])
            size = len(text)
    return runs


def fits(strings: list[str], budget: int, sep: str = " | ") -> list[str]:
    """The first strings whose joined length stays within `budget`."""
    taken: list[str] = []
    for text in strings:
        if len(sep.join([*taken, text])) > budget:
            break
        taken.append(text)
    return taken


def in_address(text: str) -> bool:
    """Whether `text` can go into a web address as it is: no white space, no control or
    format character (an address refuses them; the test picks its inputs by this)."""
    return all(c.isprintable() and not c.isspace() for c in text)


def visible(text: str) -> str:
    """Text as a reader compares it: runs of white space (line breaks included) as one space."""
    return " ".join(text.split())


def as_parsed(text: str) -> str:
    """Text as an HTML parser hands it on: a CR, alone or before LF, becomes LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Chunk:
    """A run of corpus strings and the objects that show them."""

    index: int
    strings: list[str]
    source_id: int
    source_title: str
    source_text: str
    claim_id: int  # the chunk's own claim: statement, rationale, evidence, subjects, answer
    statement: str
    rationale: str
    speaker: str
    other_id: int | None = None  # a second claim that disagrees with the first
    string_claims: list[int] = field(default_factory=list)  # one claim per string
    question_id: int | None = None
    question: str | None = None
    contradiction_id: int | None = None
    entity_id: int | None = None
    entity: str | None = None


@dataclass
class Tally:
    """How many values of each field were stored, and which were refused (and why)."""

    stored: Counter[str] = field(default_factory=Counter)
    refused: dict[str, list[str]] = field(default_factory=dict)

    def attempt(self, name: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a service in a savepoint; a refusal is counted (None), not raised."""
        try:
            with db.session.begin_nested():
                result = action(*args, **kwargs)
        except TrackerError as exc:
            self.refused.setdefault(name, []).append(exc.message[:100])
            return None
        self.stored[name] += 1
        return result


@dataclass
class NaughtySite:
    url: str
    backend: str
    app: Flask
    strings: list[str]
    chunks: list[Chunk]
    tally: Tally
    #: The display name each role user has now (each one set before is in the change log).
    display_names: dict[str, str]
    #: The 80-character names given, and those stored as token names.
    short_names: list[str]
    token_names: list[str]
    #: Page loads and hits by who walked, added up over the module's tests.
    walked: Counter[str] = field(default_factory=Counter)


def _lines(chunk_index: int, strings: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A source text: a marker line, the strings one per line, and a last line; with the
    offsets of each line."""
    lines = [
        f"«{chunk_index}» Chunk {chunk_index} of the naughty strings.",
        *strings,
        f"«/{chunk_index}» The other claim of chunk {chunk_index} says otherwise.",
    ]
    spans, at = [], 0
    for line in lines:
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return "\n".join(lines) + "\n", spans


def _address(base: str, strings: list[str]) -> str:
    """An http(s) address carrying the strings in its query, one parameter each."""
    return base + "?" + "&".join(f"s{n}={text}" for n, text in enumerate(strings))


STANCES = ["supports", "refutes", "context"]


class Builder:
    """Stores the strings everywhere, through the services, as the site's role users."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.users = {role: accounts.create_user(role.value, PASSWORD, role) for role in Role}
        db.session.flush()
        self.reviewer, self.editor = self.users[Role.reviewer], self.users[Role.editor]
        self.admin = self.users[Role.admin]
        self.number = 0  # each string's number across the corpus

    def chunk(self, k: int, run: list[str]) -> Chunk:
        tally, reviewer, editor = self.tally, self.reviewer, self.editor
        long = len(run) == 1 and len(run[0]) > CHUNK_BUDGET
        text, spans = _lines(k, run)
        joined = " | ".join(run)
        title = f"«{k}» " + (f"a string of {len(run[0])} characters" if long else joined)
        in_query = [s for s in run if in_address(s)]
        address = _address(f"https://example.org/source/{k}", fits(in_query, 1900, "&s0="))
        meta = sources.SourceMetadata(title=title, url=address)
        source = tally.attempt("source address", sources.import_source, text, meta, actor=reviewer)
        if source is None:
            meta = sources.SourceMetadata(title=title, url=f"https://example.org/source/{k}")
            source = sources.import_source(text, meta, actor=reviewer)
        tally.stored["source title"] += 1
        tally.stored["source text"] += 1

        statement = f"«{k}»\n" + "\n".join(run) + f"\n«/{k}»"
        if len(statement) > 5000:  # the form's limit; the corpus' longest string is 5000
            statement = run[0]
        speaker = " ".join([f"«{k}»", " | ".join(fits(run, 190))]).strip()
        claim = claims.mark_claim(
            source.id,
            claims.ClaimDraft(
                start=spans[1][0], end=spans[-2][1], statement=statement, speaker=speaker
            ),
            actor=reviewer,
        )
        for name in ("claim statement", "claim speaker", "claim quote"):
            tally.stored[name] += 1
        chunk = Chunk(
            index=k,
            strings=run,
            source_id=source.id,
            source_title=title,
            source_text=text,
            claim_id=claim.id,
            statement=statement,
            rationale=statement,
            speaker=speaker,
        )
        self.evidence(k, claim.id, run)

        # The verdict, by a reviewer (whose display name the public page shows) or by the
        # system (the organisation's name); then the subjects, with a note for the history.
        claims.edit_claim(
            claim.id,
            claims.ClaimChanges(status="verified", rationale=statement),
            version=claim.version,
            actor=reviewer if k % 2 == 0 else None,
        )
        tally.stored["claim rationale"] += 1
        note = f"«{k}» note: {joined}"[:1000]
        subjects = [s for s in run if len(s) <= claims.MAX_SPEAKER][: claims.MAX_SUBJECTS]
        tally.attempt(
            "claim subjects",
            claims.edit_claim,
            claim.id,
            claims.ClaimChanges(subjects=subjects),
            version=claims.get_claim(claim.id).version,
            actor=editor,
            note=note,
        )
        tally.stored["audit note"] += 1
        chunk.string_claims = self.one_string_claims(k, source.id, run, spans)
        if not long:
            self.across(chunk, spans[-1], note)
        return chunk

    def evidence(self, k: int, claim_id: int, run: list[str]) -> None:
        """Evidence for each string: its title, publisher and passage, and in its address."""
        for n, string in enumerate(run):
            self.number += 1
            address = f"https://example.org/evidence/{k}/{n}"
            draft = claims.EvidenceDraft(
                url=f"{address}?q={string}" if in_address(string) else address,
                title=f"{self.number}: {string}" if len(string) < 490 else f"{self.number}: long",
                stance=STANCES[self.number % 3],
                publisher=f"{self.number}: {string}" if len(string) < 190 else None,
                passage=f"{self.number}: {string}",
            )
            added = self.tally.attempt(
                "evidence", claims.attach_evidence, claim_id, draft, actor=self.reviewer
            )
            if added is None:
                plain = claims.EvidenceDraft(
                    url=address,
                    title=draft.title,
                    stance=draft.stance,
                    publisher=draft.publisher,
                    passage=draft.passage,
                )
                claims.attach_evidence(claim_id, plain, actor=self.reviewer)
            self.tally.stored["evidence title"] += 1
            self.tally.stored["evidence passage"] += 1
            self.tally.stored["evidence publisher"] += draft.publisher is not None

    def one_string_claims(
        self, k: int, source_id: int, run: list[str], spans: list[tuple[int, int]]
    ) -> list[int]:
        """A claim per string, quoting its line: statement, speaker, subject and rationale are
        the string (on the marker line, with a marker, when the service refuses it)."""
        ids = []
        for n, string in enumerate(run, start=1):
            start, end = spans[n]
            short = len(string) <= claims.MAX_SPEAKER
            draft = claims.ClaimDraft(
                start=start,
                end=end,
                statement=string,
                speaker=string if short else "the article",
                subjects=[string] if short else [],
                status="partly_true",
                rationale=string,
            )
            one = self.tally.attempt(
                "one-string claim", claims.mark_claim, source_id, draft, actor=None
            )
            if one is None:
                marked = f"«{k}.{n}» {string}"
                fallback = claims.ClaimDraft(
                    start=spans[0][0],
                    end=spans[0][1],
                    statement=marked,
                    status="partly_true",
                    rationale=marked,
                )
                one = claims.mark_claim(source_id, fallback, actor=None)
            ids.append(one.id)
        return ids

    def across(self, chunk: Chunk, last_line: tuple[int, int], note: str) -> None:
        """A question the chunk's claim and a second one answer differently, the
        contradiction between them (decided, or deleted and restored), and an entity."""
        tally, reviewer, editor = self.tally, self.reviewer, self.editor
        k, run, claim_id = chunk.index, chunk.strings, chunk.claim_id
        joined = " | ".join(run)
        rest = run[len(fits(run, 190)) :]
        other = claims.mark_claim(
            chunk.source_id,
            claims.ClaimDraft(
                start=last_line[0],
                end=last_line[1],
                statement=f"«{k}» the other claim: " + joined,
                speaker=" ".join([f"«{k}»", " | ".join(fits(rest, 190))]).strip(),
                status="false",
                rationale=f"«{k}» why not: " + joined,
            ),
            actor=editor,
        )
        chunk.other_id = other.id

        chunk.question = f"«{k}» {joined}"
        question = questions.create_question(chunk.question, actor=reviewer)
        tally.stored["question"] += 1
        chunk.question_id = question.id
        questions.assign_question(claim_id, question.id, actor=reviewer)
        questions.assign_question(other.id, question.id, actor=reviewer)
        answer = f"«{k}» " + " | ".join(fits(run, 290))
        aspect = f"«{k}» " + " | ".join(fits(run, 90))
        answers.set_answer(
            claim_id, answer, qualifiers=Qualifiers(aspect=aspect), version=None, actor=reviewer
        )
        answers.set_answer(other.id, f"«{k}» another answer", version=None, actor=reviewer)
        tally.stored["answer"] += 1
        tally.stored["aspect"] += 1
        flagged = disputes.flag(claim_id, other.id, f"«{k}» reason: {joined}", actor=reviewer)
        tally.stored["contradiction reason"] += 1
        chunk.contradiction_id = flagged.id
        if k % 2 == 0:
            rulings.decide(
                flagged.id, "resolved", chunk.statement, holding_claim_id=claim_id, actor=editor
            )
            tally.stored["decision rationale"] += 1
            for row in disputes.between(claim_id, other.id):
                if row.id != flagged.id and row.state == "open":
                    ruled = f"«{k}» ruled: {joined}"
                    rulings.decide(row.id, "not_a_contradiction", ruled, actor=editor)
                    tally.stored["ruling rationale"] += 1
        else:
            # Deleted and restored, with notes; evidence too.
            other = claims.get_claim(other.id)
            claims.delete_claim(other.id, version=other.version, actor=editor, note=note)
            claims.restore_claim(other.id, actor=editor, note=note)
            evidence_id = claims.get_claim(claim_id).evidence[0].id
            claims.set_evidence_deleted(claim_id, evidence_id, True, actor=editor, note=note)
            claims.set_evidence_deleted(claim_id, evidence_id, False, actor=editor, note=note)
            tally.stored["audit note"] += 4

        # The entity with every string as another name: at once, or (when one of them names
        # another entity already) one by one.
        chunk.entity = f"«{k}» " + " | ".join(fits(run, 190))
        kind = "person" if k % 2 else "organisation"
        names = [s for s in run if len(s) <= entities.MAX_NAME]
        entity = tally.attempt(
            "entity with aliases", entities.create_entity, chunk.entity, kind, names, actor=reviewer
        )
        if entity is None:
            entity = entities.create_entity(chunk.entity, kind, actor=reviewer)
            for name in names:
                tally.attempt("entity alias", entities.add_alias, entity.id, name, actor=reviewer)
        else:
            tally.stored["entity alias"] += len(names)
        tally.stored["entity name"] += 1
        chunk.entity_id = entity.id

    def names(self, strings: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
        """Display names and token names (80 characters): every run of strings is set in turn
        as a role user's display name, so each is in the change log and the last four are
        the users' names now; and each names a token of the admin's, every third revoked."""
        short = [s for s in strings if len(s) <= 74]
        names = [f"{n}: " + " | ".join(run) for n, run in enumerate(packed(short, 74))]
        display_names: dict[str, str] = {}
        for n, name in enumerate(names):
            user = self.users[list(Role)[n % len(Role)]]
            named = self.tally.attempt(
                "display name", accounts.set_display_name, user, name, actor=user
            )
            if named is not None:
                display_names[user.username] = name
        token_names = []
        for n, name in enumerate(names):
            token = self.tally.attempt(
                "token name", accounts.create_token, "admin", name, actor=self.admin
            )
            if token is not None:
                token_names.append(name)
                if n % 3 == 0:
                    newest = accounts.list_tokens(self.admin)[0]
                    accounts.revoke_token(newest.id, actor=self.admin)
        return names, display_names, token_names


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, new_database: Callable[[str], str]
) -> Iterator[NaughtySite]:
    url = new_database(request.param)
    migrate.upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "naughty-render",
            "PUBLIC_READING": True,
            "REVIEW_ORG_NAME": ORGANISATION,
        }
    )
    strings = [s for s in corpus() if is_storable(s)]
    try:
        began = time.monotonic()
        with app.app_context():
            builder = Builder()
            runs = packed(strings, CHUNK_BUDGET)
            chunks = [builder.chunk(k, run) for k, run in enumerate(runs)]
            short_names, display_names, token_names = builder.names(strings)
            db.session.commit()
        tally = builder.tally
        print(
            f"\n[{request.param}] {len(strings)} strings in {len(chunks)} chunks, stored in "
            f"{time.monotonic() - began:.1f} s: {dict(tally.stored)}; refused: "
            f"{ {name: len(why) for name, why in tally.refused.items()} }"
        )
        with serving(app, threads=4) as base:
            site = NaughtySite(
                url=base,
                backend=request.param,
                app=app,
                strings=strings,
                chunks=chunks,
                tally=tally,
                display_names=display_names,
                short_names=short_names,
                token_names=token_names,
            )
            yield site
        print(f"\n[{request.param}] walked: {dict(site.walked)}")
    finally:
        app.extensions["tracker.engine"].dispose()


@dataclass
class Hit:
    where: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.detail}"


class Walker:
    """One logged-in (or anonymous) browser context that loads pages and watches them."""

    def __init__(self, browser: Browser, site: NaughtySite, username: str | None) -> None:
        self.site = site
        self.who = username or "anonymous"
        self.where = ""
        self.loads = 0
        self.hits: list[Hit] = []
        self.server_errors: list[str] = []
        self.wrong_status: list[str] = []
        self.mismatches: list[str] = []
        self.began = time.monotonic()
        self.context: BrowserContext = browser.new_context(locale="en-GB")
        self.context.add_init_script(INIT_SCRIPT)
        self.context.expose_binding("__naughtyReport", self._report)
        self.context.on("response", self._response)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(60000)
        self.page.on("dialog", self._dialog)
        if username:
            self.page.goto(f"{site.url}/login")
            self.page.get_by_label("User name").fill(username)
            self.page.get_by_label("Password").fill(PASSWORD)
            self.page.get_by_role("button", name="Log in").click()
            self.page.wait_for_url(f"{site.url}/sources")

    def _report(self, source: dict[str, Any], kind: str, detail: str) -> None:
        self.hits.append(Hit(self.where, kind, detail))

    def _dialog(self, dialog: Any) -> None:
        self.hits.append(Hit(self.where, f"{dialog.type} dialog", dialog.message))
        dialog.dismiss()

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url[:200]}")

    def open(self, path: str, status: int = 200, *, html: bool = True) -> None:
        """Load a page, let it settle, and search it for what no template writes; the status
        is `status`, and no response of it (nor of what it loads) is a 5xx."""
        self.where = f"{self.who} {path[:150]}"
        response = self.page.goto(self.site.url + path, wait_until="load")
        self.loads += 1
        got = response.status if response else None
        if got != status:
            self.wrong_status.append(f"{self.where}: {got}, not {status}")
        for problem in self.page.evaluate(DOM_CHECK, html):
            self.hits.append(Hit(self.where, "markup", problem))

    def open_pages(self, path: str, limit: int = 60) -> int:
        """Load a list page and every page its rel=next links lead to."""
        pending, seen = [path], set()
        while pending and len(seen) < limit:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            self.open(current)
            for href in self.page.eval_on_selector_all(
                'a[rel="next"]', "links => links.map(a => a.getAttribute('href'))"
            ):
                pending.append(href)
        return len(seen)

    def submit(self, button: str, status: int = 200) -> None:
        """Press a form's button and watch the page it leads to (after any redirect)."""
        self.where = f"{self.who} {button!r} on {self.page.url[len(self.site.url) :][:100]}"
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()
        self.page.wait_for_load_state("load")
        self.loads += 1
        for problem in self.page.evaluate(DOM_CHECK, True):
            self.hits.append(Hit(self.where, "markup", problem))

    def text(self, selector: str) -> str:
        return self.page.eval_on_selector(selector, "el => el.textContent")

    def value(self, selector: str) -> str:
        return self.page.eval_on_selector(selector, "el => el.value")

    def shows(self, selector: str, expected: str) -> None:
        """The element's text is what was stored, as a reader sees it."""
        got = self.text(selector)
        if visible(got) != visible(expected):
            self.mismatches.append(f"{self.where} {selector}: {got[:120]!r} != {expected[:120]!r}")

    def holds(self, selector: str, expected: str) -> None:
        """The form field holds exactly what was stored."""
        got = self.value(selector)
        if got != as_parsed(expected):
            self.mismatches.append(f"{self.where} {selector}: {got[:120]!r} != {expected[:120]!r}")

    def contains(self, expected: str) -> None:
        """The page's visible text shows `expected` literally."""
        body = self.page.evaluate("() => document.body.innerText")
        if visible(expected) not in visible(body):
            self.mismatches.append(f"{self.where}: does not show {expected[:120]!r}")

    def close(self) -> None:
        self.context.close()

    def check(self, at_least: int) -> None:
        """Nothing ran, nothing got in, nothing failed, and the walk was not vacuous."""
        seconds = time.monotonic() - self.began
        print(
            f"\n[{self.site.backend}] {self.who}: {self.loads} page loads in {seconds:.1f} s, "
            f"{len(self.hits)} hits"
        )
        self.site.walked[f"{self.who} page loads"] += self.loads
        self.site.walked["page loads"] += self.loads
        self.site.walked["hits"] += len(self.hits)
        assert self.loads >= at_least, self.loads
        assert self.server_errors == [], "\n".join(self.server_errors)
        assert [str(hit) for hit in self.hits] == []
        assert self.wrong_status == []
        assert self.mismatches == []


@pytest.fixture
def walk(browser: Browser, site: NaughtySite) -> Iterator[Callable[[str | None], Walker]]:
    walkers: list[Walker] = []

    def start(username: str | None) -> Walker:
        walker = Walker(browser, site, username)
        walkers.append(walker)
        return walker

    yield start
    for walker in walkers:
        walker.close()


def query(**params: str) -> str:
    return urlencode(params, quote_via=quote)


def test_the_watch_sees_script_and_markup_that_get_in(walk, site):
    """The watch is live: on a page that does not escape (served by the test, not the app),
    the wrapped functions, the CSP reports and the DOM search each see what got in."""
    visitor = walk(None)
    raw = (
        "<script>__xss(1)</script><img src=x onerror=__xss(2)>"
        "<a href=javascript:__xss(17)>x</a><script>alert(7)</script>"
        "<script>const f = document.createElement('iframe'); document.body.append(f);"
        " f.contentWindow.alert('through a frame');</script>"
    )
    page = f"<!doctype html><html><head><title>t</title></head><body><p>{raw}</p></body></html>"

    def serve(route: Route, csp: bool) -> None:
        headers = {"Content-Security-Policy": "script-src 'self'"} if csp else {}
        route.fulfill(status=200, content_type="text/html", headers=headers, body=page)

    visitor.context.route("**/canary", lambda route: serve(route, csp=False))
    visitor.context.route("**/canary-csp", lambda route: serve(route, csp=True))
    visitor.open("/canary")
    seen = Counter(hit.kind for hit in visitor.hits)
    assert seen["__xss"] == 2, visitor.hits
    assert seen["alert"] + seen["alert dialog"] == 2, visitor.hits
    assert seen["markup"] >= 5, (
        visitor.hits
    )  # four scripts, an img with onerror, a javascript: link
    visitor.hits.clear()
    visitor.open("/canary-csp")
    seen = Counter(hit.kind for hit in visitor.hits)
    assert seen["csp"] >= 4 and seen["__xss"] == 0, visitor.hits
    assert seen["markup"] >= 5, visitor.hits


def _sampled(chunks: list[Chunk]) -> list[Chunk]:
    """Every chunk for the full corpus; for the subset, the first three (pages that take
    seconds each, and show what other pages show already)."""
    return chunks if FULL else chunks[:3]


def test_every_page_as_an_editor_runs_no_script_and_shows_the_strings(walk, site):
    editor = walk("editor")
    editor.open_pages("/sources?per_page=500")
    for chunk in site.chunks:
        editor.open(f"/sources/{chunk.source_id}")
        editor.shows("h1", chunk.source_title)
        editor.shows("title", chunk.source_title + " · factcheck-tracker")
        editor.open(f"/claims/{chunk.claim_id}")
        editor.shows("h1.statement", chunk.statement)
        editor.shows("blockquote.rationale", chunk.rationale)
        editor.open(f"/claims/{chunk.claim_id}/edit")
        editor.holds("textarea[name=statement]", chunk.statement)
        editor.holds("textarea[name=rationale]", chunk.rationale)
        editor.holds("input[name=speaker]", chunk.speaker.replace("\r", "").replace("\n", ""))
        if chunk.question_id:
            editor.open(f"/questions/{chunk.question_id}")
            editor.shows("h1", chunk.question or "")
            editor.open(f"/contradictions/{chunk.contradiction_id}")
            editor.open(f"/entities/{chunk.entity_id}")
            editor.shows("h1", chunk.entity or "")
    for chunk in _sampled(site.chunks):
        editor.open(f"/sources/{chunk.source_id}/suggestions")
        editor.open(f"/claims/{chunk.claim_id}/history")
        # The queue and the sentence search, filtered by the chunk's strings.
        typed = next((s for s in chunk.strings if len(s) <= 200), "")
        editor.open("/claims?" + query(q=typed, speaker=chunk.speaker[:200]))
        editor.holds("form.filters input[name=q]", typed.replace("\r", "").replace("\n", ""))
        editor.open("/search?" + query(q=typed))
    for word in SEARCHES:
        editor.open("/search?" + query(q=word))
    # 400 pages that repeat what was asked for, in the page or in the form's fields: every
    # string at once (the date filter repeats 20 characters of it).
    everything = " | ".join(site.strings)
    editor.open("/claims?" + query(status=everything), status=400)
    editor.open("/export?" + query(status=everything), status=400)
    editor.open("/matrix?" + query(q=everything), status=400)
    editor.holds("form.filters input[name=q]", everything.replace("\r", "").replace("\n", ""))
    editor.open("/activity?" + query(since=SCRIPT_PAYLOADS[1]), status=400)
    editor.open_pages("/claims?per_page=500")
    editor.open_pages("/questions?per_page=500")
    editor.open_pages("/disputes?state=all&per_page=100")
    editor.open_pages("/matrix?per_page=100&sources_per_page=20")
    editor.open("/matrix?" + query(q=" ".join(site.strings[0].split())[:200]))
    editor.open_pages("/entities?per_page=500")
    editor.open_pages("/activity?per_page=500")
    first = site.chunks[0]
    editor.open("/export?" + query(q=first.strings[0], speaker=first.speaker[:200]))
    editor.open("/account")
    editor.open("/account/tokens")
    # The literal text on a claim page: our first payloads, as typed.
    holder = next(c for c in site.chunks if SCRIPT_PAYLOADS[0] in c.strings)
    editor.open(f"/claims/{holder.claim_id}")
    for payload in SCRIPT_PAYLOADS[:4]:
        editor.contains(payload)
    editor.check(at_least=7 * len(site.chunks))


def test_the_conflict_page_keeps_naughty_typing_without_running_it(walk, site):
    """Someone else saved first: the page shows both versions, ours as typed."""
    chunk = next(c for c in site.chunks if c.other_id)
    editor = walk("editor")
    editor.open(f"/claims/{chunk.other_id}/edit")
    with site.app.app_context():
        other = claims.get_claim(chunk.other_id)
        claims.edit_claim(
            other.id,
            claims.ClaimChanges(rationale=other.rationale + " (theirs)"),
            version=other.version,
            actor=None,
        )
        db.session.commit()
    typed = "\n".join(chunk.strings)
    editor.page.fill("textarea[name=statement]", typed)
    editor.where = f"editor POST /claims/{chunk.other_id}/edit"
    with editor.page.expect_navigation() as navigation:
        editor.page.get_by_role("button", name="Save").click()
    editor.loads += 1
    assert navigation.value.status == 409
    for problem in editor.page.evaluate(DOM_CHECK, True):
        editor.hits.append(Hit(editor.where, "markup", problem))
    editor.shows("td.yours-statement", typed)
    editor.holds("textarea[name=statement]", typed)
    editor.check(at_least=2)


def test_every_page_as_a_viewer(walk, site):
    viewer = walk("viewer")
    viewer.open_pages("/sources?per_page=500")
    viewer.open_pages("/claims?per_page=500")
    for chunk in _sampled(site.chunks):
        viewer.open(f"/claims/{chunk.claim_id}")
        viewer.shows("h1.statement", chunk.statement)
    for chunk in _sampled([c for c in site.chunks if c.question_id]):
        viewer.open(f"/questions/{chunk.question_id}")
    viewer.open("/account")
    viewer.shows("h1", "Your account")
    viewer.shows("title", "Your account · factcheck-tracker")
    name = viewer.value("input[name=display_name]")
    assert visible(name) == visible(site.display_names["viewer"])
    viewer.check(at_least=len(_sampled(site.chunks)) + 3)


def test_public_review_pages(walk, site):
    """Anonymous visitors (PUBLIC_READING) read each verdict; its JSON-LD reads back exact."""
    visitor = walk(None)
    for chunk in site.chunks:
        visitor.open(f"/review/{chunk.claim_id}")
        visitor.shows("h1", chunk.statement)
        review = json.loads(visitor.text('script[type="application/ld+json"]'))
        # The whole statement is the claim's description; claimReviewed is its start, short
        # enough for a phone (at most 75 characters, as Google advises).
        assert review["itemReviewed"]["description"] == chunk.statement, visitor.where
        short = review["claimReviewed"]
        assert len(short) <= 75, visitor.where
        assert " ".join(chunk.statement.split()).startswith(short.removesuffix("…")), visitor.where
        assert review["reviewBody"] == chunk.rationale, visitor.where
        assert review["author"]["name"] == ORGANISATION, visitor.where
        signed = site.display_names["reviewer"] if chunk.index % 2 == 0 else ORGANISATION
        visitor.contains(f"by {signed}.")
    for chunk in _sampled([c for c in site.chunks if c.other_id]):
        visitor.open(f"/review/{chunk.other_id}")
    visitor.check(at_least=len(site.chunks))


def test_admin_pages(walk, site):
    admin = walk("admin")
    admin.open("/users")
    admin.open("/account")
    name = admin.value("input[name=display_name]")
    assert visible(name) == visible(site.display_names["admin"])
    admin.open("/account/tokens")
    names = admin.page.eval_on_selector_all(
        "table td:first-child", "cells => cells.map(c => c.textContent)"
    )
    assert {visible(name) for name in site.token_names} <= {visible(name) for name in names}
    admin.check(at_least=3)


#: What Chromium would save rather than show: shown as plain text, as a text viewer would.
SAVED_ONLY = ("text/csv", "application/x-ndjson", "application/jsonl")


def test_downloads_opened_as_pages(walk, site):
    editor = walk("editor")
    served: dict[str, dict[str, str]] = {}

    def inline(route: Route) -> None:
        response = route.fetch()
        headers = {k.lower(): v for k, v in response.headers.items()}
        served[route.request.url] = dict(headers)
        headers.pop("content-disposition", None)
        if headers["content-type"].startswith(SAVED_ONLY):
            headers["content-type"] = "text/plain; charset=utf-8"
        route.fulfill(response=response, headers=headers)

    editor.context.route("**/export/**", inline)
    first = next(c for c in site.chunks if c.question_id)
    downloads = [
        *(f"/export/download?format={fmt}&deleted=1" for fmt in ("csv", "json", "jsonl")),
        "/export/download?format=claimreview",
        "/export/download?format=annotations",
        "/export/matrix.csv",
    ]
    pages = [
        f"/api/v1/claims/{first.claim_id}",
        f"/api/v1/claims/{first.claim_id}/history",
        "/api/v1/claims?per_page=500",
        f"/api/v1/questions/{first.question_id}",
        f"/api/v1/entities/{first.entity_id}",
        f"/api/v1/sources/{first.source_id}/sentences",
        "/api/v1/disputes",
    ]
    for path in [*downloads, *pages]:
        editor.open(path, html=False)
        assert editor.page.evaluate("() => document.contentType") != "text/html", path
    for url, headers in served.items():
        assert "html" not in headers["content-type"], url
        assert headers.get("x-content-type-options") == "nosniff", url
        assert headers.get("content-disposition", "").startswith("attachment"), url
    assert len(served) == len(downloads)
    editor.open(f"/sources/{first.source_id}/text", html=False)
    assert editor.text("body") == first.source_text
    editor.check(at_least=len(downloads) + len(pages))


def test_every_field_took_the_strings(site):
    """The walk is not vacuous: the strings are stored in every field that takes text."""
    stored = site.tally.stored
    strings = len(site.strings)
    assert stored["source text"] == stored["claim statement"] == len(site.chunks)
    assert stored["evidence title"] == stored["evidence passage"] == strings
    assert stored["one-string claim"] >= 0.9 * strings, site.tally.refused.get("one-string claim")
    for name in ("question", "entity name", "answer", "contradiction reason", "display name"):
        assert stored[name] > 0, name
    assert stored["entity alias"] >= 0.8 * strings, site.tally.refused.get("entity alias")
    assert len(site.token_names) == len(site.short_names)
    assert set(site.display_names) == {role.value for role in Role}
    refused = json.dumps(site.tally.refused, ensure_ascii=False, indent=1)
    print(f"\n[{site.backend}] refused: {refused[:4000]}")


def test_text_that_folds_longer_than_typed_is_kept_or_refused_not_a_500(walk, site):
    """ß folds to ss: a 300-character answer and a 200-character name (the forms' limits)
    have longer search keys than the columns they are kept in. The answer is kept as typed; the
    name is refused, saying why; neither is a server error (PostgreSQL enforces the length)."""
    chunk = next(c for c in site.chunks if c.question_id)
    reviewer = walk("reviewer")
    reviewer.open(f"/claims/{chunk.claim_id}")
    reviewer.page.get_by_text("Change the answer or its qualifiers").click()
    reviewer.page.fill("form.answer-form input[name=answer]", "ß" * 300)
    reviewer.submit("Save the answer")
    reviewer.shows("p.answer strong.value", "ß" * 300)
    reviewer.open(f"/entities/{chunk.entity_id}")
    reviewer.page.fill("input[name=alias]", "ß" * 200)
    reviewer.submit("Add name")
    reviewer.contains("200 characters")
    assert "ß" * 200 not in reviewer.text("h1 + p"), "the name was added"
    reviewer.check(at_least=4)
