"""Pieces every normaliser shares: the failure value, text cleaning, data tables.

Kept apart from ``__init__`` so that the parser modules can import it without
a cycle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

#: Longest input a normaliser looks at. Entity spans are short; a longer
#: string is not a span and would only cost regex time.
MAX_LEN = 600

_SPACE_RE = re.compile(r"\s+")
_KEY_RE = re.compile(r"[^0-9a-z]+")
_EDGE_PUNCT = " \t\n,;:!?\"'“”‘’«»"


@dataclass(frozen=True)
class Unresolved:
    """Why a span could not be normalised; falsy, so ``if result:`` reads naturally.

    The pipeline stores nothing for a failure, but callers (and tests) can ask
    `reason` what was missing: a reference date, a number, a known instrument.
    """

    kind: str
    text: str
    reason: str

    def __bool__(self) -> Literal[False]:
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.reason}


def require_str(text: object) -> str:
    """Reject non-strings loudly: a wrong type is a caller bug, not bad data."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    return text


def clean(text: str) -> str:
    """NFKC-fold (full-width digits, no-break spaces), collapse spaces, trim edge punctuation.

    Brackets are kept: "(28)" and "Selasa (23/3/2021)" mean something.
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SPACE_RE.sub(" ", folded).strip(_EDGE_PUNCT)


def key(text: str) -> str:
    """Lookup key: lower case, every run of non-alphanumerics one space."""
    return _KEY_RE.sub(" ", text.lower()).strip()


def pre_check(kind: str, text: object) -> str | Unresolved:
    """Type check, clean, and refuse empty or oversized input; the common prologue."""
    raw = require_str(text)
    cleaned = clean(raw)
    if not cleaned:
        return Unresolved(kind, raw, "empty text")
    if len(cleaned) > MAX_LEN:
        return Unresolved(kind, raw[:MAX_LEN], f"text longer than {MAX_LEN} characters")
    return cleaned


def number_value(value: Any) -> int | float:
    """int when integral, else float: JSON readers then see 177000, not 177000.0."""
    if value == int(value):
        return int(value)
    return float(value)


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``normalise/data/<name>`` (TSV, header line, '#' comments) as dicts.

    Missing trailing cells read as "" so that optional columns can be left off.
    """
    raw = resources.files("warta.normalise").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in raw.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for ln in lines[1:]:
        cells = [c.strip() for c in ln.split("\t")]
        cells = (cells + [""] * len(header))[: len(header)]
        rows.append(dict(zip(header, cells, strict=True)))
    return tuple(rows)


def split_list(cell: str) -> list[str]:
    """A '|'-separated table cell as a list, blanks dropped."""
    return [part.strip() for part in cell.split("|") if part.strip()]


def phrase_pattern(phrases: Iterable[str]) -> str:
    """One regex alternation for table phrases, longest first, flexible spacing.

    Words may be separated by spaces, hyphens or commas in the text
    ("undang-undang" = "undang undang"); alternation order makes the longest
    phrase win.
    """
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s\-]+", phrase.strip()) if w]
        if words:
            parts.append(r"[\s,\-]+".join(words))
    return "|".join(parts)


def coerce_ref(ref: object) -> date | Unresolved | None:
    """`ref` as a date: a date, a datetime (its day), an ISO string, or None.

    A string that is not ISO gives an Unresolved (metadata is data, and bad
    data must not crash the pipeline); any other type is a caller bug.
    """
    if ref is None:
        return None
    if isinstance(ref, datetime):
        return ref.date()
    if isinstance(ref, date):
        return ref
    if isinstance(ref, str):
        try:
            return date.fromisoformat(ref.strip()[:10])
        except ValueError:
            return Unresolved("date", ref, f"reference date {ref!r} is not ISO (YYYY-MM-DD)")
    raise TypeError(f"ref must be a date, an ISO string or None, got {type(ref).__name__}")
