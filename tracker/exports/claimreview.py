"""schema.org ClaimReview for a checked claim, following Google's fact-check guidelines.

Required by Google: ``claimReviewed`` (at most 75 characters, as Google advises, the full
statement in ``itemReviewed.description``), ``reviewRating`` with ``alternateName`` (and
``name``), ``url``; recommended and given here: ``author`` (the reviewing organisation),
``datePublished``, ``itemReviewed`` (a ``Claim`` with its ``author`` where we know who made it,
and ``appearance``), and on a numeric rating ``ratingValue``, ``bestRating`` and
``worstRating``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tracker.claims.models import ClaimStatus
from tracker.exports.rows import ClaimRow

BEST, WORST = 5, 1
#: Google's guideline for ``claimReviewed``: at most 75 characters, so it does not wrap on a phone.
SHORT_CLAIM = 75
ELLIPSIS = "…"
#: Speakers that mean the article itself says it.
_ARTICLE_SPEAKERS = frozenset({"", "the article", "article"})
#: Words that open a description ("The ministry ...", "Die Regierung ..."), never a name.
_DETERMINERS = frozenset({"the", "a", "an", "die", "der", "das", "ein", "eine", "o", "os", "um"})
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(frozen=True)
class Rating:
    #: The truthfulness rating as text, what readers see ("False", "Misleading").
    name: str
    #: 1 (false) to 5 (true); None where a verdict is not a point on that scale.
    value: int | None


#: Our statuses as ClaimReview ratings. Statuses that are not verdicts (unreviewed, in review)
#: have no rating and are never exported as ClaimReview.
RATINGS: dict[ClaimStatus, Rating] = {
    ClaimStatus.verified: Rating("True", 5),
    ClaimStatus.partly_true: Rating("Partly true", 3),
    ClaimStatus.misleading: Rating("Misleading", 2),
    ClaimStatus.false: Rating("False", 1),
    ClaimStatus.unverifiable: Rating("Unverifiable", None),
    ClaimStatus.disputed: Rating("Disputed", None),
}
VERDICTS = frozenset(RATINGS)
#: The public page of a claim, where its ClaimReview is published (see exports.views).
PUBLIC_PATH = "/review/{claim_id}"


@dataclass(frozen=True)
class Publisher:
    """The organisation that publishes the reviews (settings REVIEW_ORG_NAME/_URL)."""

    name: str
    url: str


def public_url(base_url: str, claim_id: int) -> str:
    return base_url.rstrip("/") + PUBLIC_PATH.format(claim_id=claim_id)


def short_claim(statement: str, limit: int = SHORT_CLAIM) -> str:
    """The statement in at most ``limit`` characters: cut between words, with an ellipsis."""
    if len(statement) <= limit:
        return statement
    text = " ".join(statement.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    # Between words unless the cut falls on a space already, or the text has none to cut at
    # (Chinese, Japanese) or only near its start.
    if not text[len(cut)].isspace() and space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def _looks_like_a_personal_name(speaker: str) -> bool:
    """Two to four capitalised words of letters ("Marc Toberoff", "Jean-Luc O'Neil"): what
    a quoted person's name looks like. Groups and descriptions ("people close to Sam Altman",
    "the ministry", "OpenAI's lawyers") have words in lower case, and are not people."""
    words = _PARENTHESIS.sub("", speaker).split()
    if not 2 <= len(words) <= 4 or words[0].casefold() in _DETERMINERS:
        return False
    return all(
        w[0].isupper()
        and not (len(w) > 1 and w.isupper())  # "NASA", "US": organisations
        and all(ch.isalpha() or ch in "-'’." for ch in w)
        and not w.endswith(("'s", "’s"))
        for w in words
    )


def _claim_author(row: ClaimRow) -> dict[str, Any] | None:
    """Who made the claim: the person or organisation the tracker knows the speaker to be;
    else a speaker who looks like a person's name; else, for any other speaker (a group, a
    description), an organisation of that name; where the article says it, the site that
    published it (none when the source has no URL: the headline is not an author)."""
    if row.speaker_kind is not None and row.speaker_name:
        kind = "Person" if row.speaker_kind == "person" else "Organization"
        return {"@type": kind, "name": row.speaker_name}
    speaker = row.speaker.strip()
    if speaker.casefold() not in _ARTICLE_SPEAKERS:
        kind = "Person" if _looks_like_a_personal_name(speaker) else "Organization"
        return {"@type": kind, "name": speaker}
    parts = urlsplit(row.source_url) if row.source_url else None
    if parts is None or not parts.hostname:
        return None
    return {
        "@type": "Organization",
        "name": parts.hostname.removeprefix("www."),
        "url": f"{parts.scheme}://{parts.hostname}",
    }


def claim_review(row: ClaimRow, base_url: str, publisher: Publisher) -> dict[str, Any]:
    """The ClaimReview JSON-LD object for one claim with a verdict.

    :raises ValueError: the claim's status is not a verdict.
    """
    rating = RATINGS.get(row.status)
    if rating is None:
        raise ValueError(f"Claim #{row.id} has no verdict ({row.status}).")
    review_rating: dict[str, Any] = {
        "@type": "Rating",
        "name": rating.name,
        "alternateName": rating.name,
    }
    if rating.value is not None:
        review_rating |= {
            "ratingValue": rating.value,
            "bestRating": BEST,
            "worstRating": WORST,
        }
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": row.source_title}
    if row.source_url:
        appearance["url"] = row.source_url
    if row.source_published:
        appearance["datePublished"] = row.source_published.isoformat()
    appearance["inLanguage"] = row.source_language
    item: dict[str, Any] = {"@type": "Claim", "description": row.statement}
    author = _claim_author(row)
    if author is not None:
        item["author"] = author
    item |= {"appearance": appearance, "firstAppearance": appearance}
    if row.source_published:
        item["datePublished"] = row.source_published.isoformat()
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(base_url, row.id),
        "claimReviewed": short_claim(row.statement),
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": review_rating,
    }
    if row.verdict_at is not None:
        review["datePublished"] = row.verdict_at.date().isoformat()
    if row.rationale:
        review["reviewBody"] = row.rationale
    return review
