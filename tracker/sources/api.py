"""JSON API for sources: list, read, sentences, import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Role
from tracker.core.api import json_body, page_json
from tracker.core.auth import require_role
from tracker.core.errors import InvalidInput
from tracker.core.openapi import nullable, page_of, string
from tracker.core.pagination import check_page_args
from tracker.sources import services
from tracker.sources.models import Sentence, Source

bp = Blueprint("sources_api", __name__, url_prefix="/api/v1/sources")

_SOURCE_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "language": {"type": "string", "description": "BCP 47 tag", "example": "zh-Hant"},
    "is_language_detected": {"type": "boolean"},
    "url": nullable({"type": "string"}),
    "published": nullable({"type": "string", "format": "date"}),
    "sha256": {"type": "string"},
    "char_count": {"type": "integer"},
    "sentence_count": {"type": "integer"},
    "gloss_count": {"type": "integer"},
    "imported_at": {"type": "string", "format": "date-time"},
    "links": {
        "type": "object",
        "properties": {name: {"type": "string"} for name in ("self", "sentences", "html")},
    },
}
#: What this module reads and answers, for the OpenAPI document (tracker/core/openapi.py).
OPENAPI_COMPONENTS: dict[str, Any] = {
    "schemas": {
        "SourceSummary": {
            "type": "object",
            "required": list(_SOURCE_FIELDS),
            "properties": _SOURCE_FIELDS,
        },
        "Source": {
            "type": "object",
            "required": [*_SOURCE_FIELDS, "text"],
            "properties": {
                **_SOURCE_FIELDS,
                "text": {"type": "string", "description": "The article, verbatim."},
            },
        },
        "SourcePage": page_of("SourceSummary"),
        "Sentence": {
            "type": "object",
            "properties": {
                "index": {"type": "integer"},
                "start": {"type": "integer"},
                "end": {"type": "integer"},
                "text": {"type": "string", "description": "source.text[start:end]"},
                "reading_text": {"type": "string", "description": "The text without glosses."},
                "glosses": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "start": {"type": "integer"},
                            "end": {"type": "integer"},
                            "reading": {"type": "string"},
                        },
                    },
                },
                "reading_map": {
                    "type": "array",
                    "description": "Breakpoints (reading offset, verbatim offset).",
                    "items": {"type": "array", "items": {"type": "integer"}},
                },
                "anchor": {"type": "string"},
            },
        },
        "SentencePage": page_of("Sentence"),
        "NewSource": {
            "type": "object",
            "required": ["text"],
            "properties": {
                "text": string(minLength=1, description="The article, stored verbatim."),
                "title": nullable(string(services.MAX_TITLE_LENGTH)),
                "language": nullable(string(description="BCP 47 tag; detected when absent.")),
                "url": nullable(string(services.MAX_URL_LENGTH, format="uri")),
                "published": nullable(string(format="date")),
            },
        },
    }
}


def source_json(source: Source, *, with_text: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": source.id,
        "title": source.title,
        "language": source.language,
        "is_language_detected": source.is_language_detected,
        "url": source.url,
        "published": source.published.isoformat() if source.published else None,
        "sha256": source.sha256,
        "char_count": source.char_count,
        "sentence_count": source.sentence_count,
        "gloss_count": source.gloss_count,
        "imported_at": source.imported_at.isoformat(),
        "links": {
            "self": url_for("sources_api.detail", source_id=source.id),
            "sentences": url_for("sources_api.sentences", source_id=source.id),
            "html": url_for("sources.detail", source_id=source.id),
        },
    }
    if with_text:
        data["text"] = source.text
    return data


def sentence_json(sentence: Sentence) -> dict[str, Any]:
    reading = sentence.reading()
    return {
        "index": sentence.index,
        "start": sentence.start,
        "end": sentence.end,
        "text": sentence.text,
        "reading_text": sentence.reading_text,
        "glosses": [{"start": s, "end": e, "reading": r} for s, e, r in sentence.glosses],
        # Breakpoints (reading offset, verbatim offset): between two of them both advance together.
        "reading_map": [list(pair) for pair in reading.offset_map],
        "anchor": url_for("sources.detail", source_id=sentence.source_id) + f"#s{sentence.index}",
    }


def _page_args(default: int) -> tuple[int, int]:
    return check_page_args(
        request.args.get("page", 1),
        request.args.get("per_page", default),
        current_app.config["API_MAX_PAGE_SIZE"],
    )


@bp.get("")
@require_role(Role.viewer)
def index() -> Response:
    """The sources, newest first, without their texts.

    ---
    parameters: [page, per_page]
    responses:
      200:
        description: One page of sources.
        content: {application/json: {schema: SourcePage}}
    """
    page = services.list_sources(*_page_args(current_app.config["PAGE_SIZE"]))
    return jsonify(page_json(page, [source_json(s, with_text=False) for s in page.items]))


@bp.get("/<int:source_id>")
@require_role(Role.viewer)
def detail(source_id: int) -> Response:
    """One source with its verbatim text.

    ---
    responses:
      200:
        description: The source.
        content: {application/json: {schema: Source}}
    """
    return jsonify(source_json(services.get_source(source_id), with_text=True))


@bp.get("/<int:source_id>/sentences")
@require_role(Role.viewer)
def sentences(source_id: int) -> Response:
    """A source's sentences in order, with their offsets, glosses and reading map.

    ---
    parameters: [page, per_page]
    responses:
      200:
        description: One page of sentences.
        content: {application/json: {schema: SentencePage}}
    """
    page = services.list_sentences(source_id, *_page_args(current_app.config["API_MAX_PAGE_SIZE"]))
    return jsonify(page_json(page, [sentence_json(s) for s in page.items]))


@bp.post("")
@require_role(Role.reviewer)
def create() -> tuple[Response, int, dict[str, str]]:
    """Import an article: stored verbatim, split into sentences.

    The same text twice stores nothing and answers 409 with the existing source's id.
    ---
    requestBody:
      required: true
      content: {application/json: {schema: NewSource}}
    responses:
      201:
        description: The new source.
        content: {application/json: {schema: SourceSummary}}
      409: Conflict
    """
    body = json_body()
    text = body.get("text")
    if not isinstance(text, str):
        raise InvalidInput("Send the article as a JSON string in 'text'.", {"text": "required"})
    fields = {}
    for name in ("title", "language", "url", "published"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"'{name}' must be a string.", {name: "invalid"})
        fields[name] = value
    source = services.import_source(
        text,
        services.SourceMetadata(**fields),
        actor=current_user,
        max_bytes=current_app.config["MAX_SOURCE_BYTES"],
    )
    location = url_for("sources_api.detail", source_id=source.id)
    return jsonify(source_json(source, with_text=False)), 201, {"Location": location}
