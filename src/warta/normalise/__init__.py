"""Normalisers: entity spans to values (dates, figures, laws, organisations) and officials.

The model-free layer between extraction and records. Every parser takes the
span text and returns a result object (falsy ``Unresolved`` on failure, never
an exception for a str); ``normalize_entity`` dispatches by label and returns
the plain dict the pipeline stores as an entity's ``normalized``. See
docs/normalise.md for the keys and the decisions behind them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .base import Unresolved
from .dates import DateRange, DateValue, parse_date
from .figures import Figure, Range, parse_figure, parse_number
from .laws import LawCitation, parse_law
from .officials import Official, build_officials
from .orgs import OrgName, parse_org, resolve_place

__all__ = [
    "DateRange",
    "DateValue",
    "Figure",
    "LawCitation",
    "Official",
    "OrgName",
    "Range",
    "Unresolved",
    "build_officials",
    "normalize_entity",
    "parse_date",
    "parse_figure",
    "parse_law",
    "parse_number",
    "parse_org",
    "resolve_place",
]


def normalize_entity(entity: Any, ref: object = None) -> dict[str, Any] | None:
    """The `normalized` dict for one entity (DATE, QTY, LAW, ORG), else None.

    `entity` is a schema ``Entity`` or a mapping with ``label`` and ``text``;
    `ref` is the publication date (``Document.date``), used by dates and by
    law names that changed meaning over time; a ref that is not a date or an
    ISO string counts as absent. Failures give None: the entity stays, without
    a value.
    """
    if isinstance(entity, Mapping):
        label, text = entity.get("label"), entity.get("text")
    else:
        label, text = getattr(entity, "label", None), getattr(entity, "text", None)
    if not isinstance(text, str):
        return None
    if not isinstance(ref, (str, date)):  # metadata is data: a bad date must not stop the pipeline
        ref = None
    if label == "DATE":
        result: Any = parse_date(text, ref)
    elif label == "QTY":
        result = parse_figure(text)
    elif label == "LAW":
        result = parse_law(text, ref)
    elif label == "ORG":
        result = parse_org(text)
    else:
        return None
    return result.to_dict() if result else None
