"""A claim's quote as a W3C Web Annotation, so annotation tools can anchor it on the source.

The target carries both selectors of the Web Annotation Data Model: a ``TextQuoteSelector``
(the exact quote with up to 32 characters before and after) and a ``TextPositionSelector``
(``start``/``end`` in Unicode code points, as the model requires and as our offsets are).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tracker.exports.claimreview import RATINGS, public_url
from tracker.exports.rows import ClaimRow

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def source_text_url(base_url: str, source_id: int) -> str:
    return f"{base_url.rstrip('/')}/sources/{source_id}/text"


def w3c_time(at: datetime) -> str:
    """A timestamp as the model requires: xsd:dateTime in UTC, written with "Z"."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def annotation(row: ClaimRow, base_url: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextualBody",
            "purpose": "describing",
            "value": row.statement,
            "format": "text/plain",
        }
    ]
    rating = RATINGS.get(row.status)
    body.append(
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": rating.name if rating else row.status.label,
            "format": "text/plain",
        }
    )
    if row.rationale:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": row.rationale,
                "format": "text/plain",
            }
        )
    for evidence in row.evidence:
        body.append(
            {"type": "SpecificResource", "purpose": "linking", "source": evidence.url}
            | {"label": f"{evidence.stance}: {evidence.title}"}
        )
    target: dict[str, Any] = {
        # The verbatim text the offsets count in. On the article's own page, tools can anchor
        # by the quote selector (text positions in a web page's DOM differ).
        "source": source_text_url(base_url, row.source_id),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": row.quote,
                "prefix": row.prefix,
                "suffix": row.suffix,
            },
            {"type": "TextPositionSelector", "start": row.start, "end": row.end},
        ],
    }
    result: dict[str, Any] = {
        "@context": CONTEXT,
        "id": public_url(base_url, row.id) + "#annotation",
        "type": "Annotation",
        "motivation": "assessing",
        "created": w3c_time(row.created_at),
        "modified": w3c_time(row.updated_at),
        "body": body,
        "target": target,
    }
    if row.reviewer:
        result["creator"] = {"type": "Person", "nickname": row.reviewer}
    return result
