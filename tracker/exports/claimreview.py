"""schema.org ClaimReview for a checked claim, following Google's fact-check guidelines.

Required by Google: ``claimReviewed``, ``reviewRating`` with ``alternateName``, ``url``;
recommended and given here: ``author`` (the reviewing organisation), ``datePublished``,
``itemReviewed`` (a ``Claim`` with its ``author`` and ``appearance``), and on a numeric rating
``ratingValue``, ``bestRating`` and ``worstRating``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tracker.claims.models import ClaimStatus
from tracker.exports.rows import ClaimRow

BEST, WORST = 5, 1


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


def _claim_author(row: ClaimRow) -> dict[str, Any]:
    """Who made the claim: the person or organisation quoted, else the article's publisher."""
    if row.speaker_kind is not None and row.speaker_name:
        kind = "Person" if row.speaker_kind == "person" else "Organization"
        return {"@type": kind, "name": row.speaker_name}
    if row.speaker.strip().lower() not in {"", "the article", "article"}:
        return {"@type": "Person", "name": row.speaker}
    host = urlsplit(row.source_url).hostname if row.source_url else None
    author: dict[str, Any] = {"@type": "Organization", "name": host or row.source_title}
    if row.source_url:
        author["url"] = f"{urlsplit(row.source_url).scheme}://{host}"
    return author


def claim_review(row: ClaimRow, base_url: str, publisher: Publisher) -> dict[str, Any]:
    """The ClaimReview JSON-LD object for one claim with a verdict.

    :raises ValueError: the claim's status is not a verdict.
    """
    rating = RATINGS.get(row.status)
    if rating is None:
        raise ValueError(f"Claim #{row.id} has no verdict ({row.status}).")
    review_rating: dict[str, Any] = {"@type": "Rating", "alternateName": rating.name}
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
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": _claim_author(row),
        "appearance": appearance,
        "firstAppearance": appearance,
    }
    if row.source_published:
        item["datePublished"] = row.source_published.isoformat()
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": public_url(base_url, row.id),
        "claimReviewed": row.statement,
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": publisher.name, "url": publisher.url},
        "reviewRating": review_rating,
    }
    if row.verdict_at is not None:
        review["datePublished"] = row.verdict_at.date().isoformat()
    if row.rationale:
        review["reviewBody"] = row.rationale
    return review
