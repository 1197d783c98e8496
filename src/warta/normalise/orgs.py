"""ORG spans to canonical names: national bodies from a table, regional bodies by pattern.

Three tables in ``data/``: ``agencies.tsv`` (fixed names: ministries, agencies,
police and military units, courts, parliaments, BUMN, NGOs, media),
``agency_patterns.tsv`` ("Polres X", "Dinas Tenaga Kerja Kota X", ...) and
``provinces.tsv`` (the 38 provinces and their short forms, used for `region`).

Unknown names are not failures: the span is still an organisation, so the
result carries the cleaned text as `canonical` with `kind` None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .base import Unresolved, key, phrase_pattern, pre_check, split_list, table

_LEVEL_RE = re.compile(r"^(provinsi|propinsi|prov\.?|kabupaten|kab\.?|kotamadya|kota)\s+(.+)$", re.I)
_LEVEL_NAMES = {"prov": "Provinsi", "prop": "Provinsi", "kab": "Kabupaten", "kota": "Kota"}
_CLASS_RE = re.compile(
    r"^(?:kelas\s+(?:iv|i{1,3}|[1-4])\s*[ab]?(?:\s+khusus)?(?:\s+(?:non[\s-]?)?tpi)?\s+|(?:non[\s-]?)?tpi\s+)",
    re.I,
)
_PAREN_RE = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_COMPANY_RE = re.compile(r"^pt\s+|\s+persero$|\s+tbk$|\s+persero tbk$")
_NATIONAL_SUFFIX_RE = re.compile(r"\s+(?:ri|republik indonesia)$")
_ACRONYM_RE = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Z0-9][A-Za-z0-9\-]{1,11}$")
_PERWAKILAN_RE = re.compile(r"^perwakilan\s+", re.I)
_DI_RE = re.compile(r"^di\s+", re.I)


@dataclass(frozen=True)
class OrgName:
    """A normalised ORG; `kind` None means the name is not in warta's tables."""

    canonical: str
    acronym: str | None
    kind: str | None
    region: str | None
    parent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical": self.canonical,
            "acronym": self.acronym,
            "kind": self.kind,
            "region": self.region,
            "parent": self.parent,
        }


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """A region: bare name ("Lampung Selatan") and its level when known."""

    name: str
    level: str | None
    province: bool

    @property
    def with_level(self) -> str:
        """ "Provinsi Lampung", "Kota Dumai", or the bare name when the level is unknown."""
        return f"{self.level} {self.name}" if self.level else self.name

    @property
    def short(self) -> str:
        """The form used after an acronym: "Kota Dumai", but "Lampung" for a province."""
        return self.with_level if self.level in ("Kabupaten", "Kota") else self.name


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    index: dict[str, str] = {}
    for row in table("provinces.tsv"):
        for form in [row["name"], *split_list(row["aliases"])]:
            index[key(form)] = row["name"]
    return index


def resolve_place(text: str) -> Place | None:
    """Split an optional level word off a place and expand province short forms.

    "Jatim" -> Jawa Timur (province), "Kota Dumai" -> Dumai (Kota),
    "Kab. Lampung Selatan" -> Lampung Selatan (Kabupaten). A bare province name
    is taken as the province ("Bengkulu" the province, not the city); a city
    that shares its name keeps it only with "Kota". None for empty text.
    """
    text = text.strip(" ,.")
    if not text:
        return None
    level = None
    if m := _LEVEL_RE.match(text):
        word = m.group(1).lower().rstrip(".")
        level = _LEVEL_NAMES.get(word[:4], _LEVEL_NAMES.get(word[:3], "Provinsi"))
        text = m.group(2).strip()
    if level in (None, "Provinsi") and (province := _provinces().get(key(text))):
        return Place(province, "Provinsi", True)
    if text.islower():
        text = text.title()
    return Place(text, level, False)


def province_of(text: str) -> str | None:
    """Canonical province name if `text` is one (or a short form of one)."""
    return _provinces().get(key(text))


# --------------------------------------------------------------------------- fixed names


@dataclass(frozen=True)
class _Agency:
    acronym: str | None
    name: str
    kind: str
    parent: str | None
    region: str | None

    def result(self) -> OrgName:
        return OrgName(self.name, self.acronym, self.kind, self.region, self.parent)


@lru_cache(maxsize=1)
def _agencies() -> dict[str, _Agency]:
    """Lookup key (acronym, name, alias; with and without 'RI') -> agency. First row wins."""
    index: dict[str, _Agency] = {}
    for row in table("agencies.tsv"):
        agency = _Agency(row["acronym"] or None, row["name"], row["kind"], row["parent"] or None, row["region"] or None)
        for form in [row["acronym"], row["name"], *split_list(row["aliases"])]:
            for k in (key(form), _NATIONAL_SUFFIX_RE.sub("", key(form))):
                if k:
                    index.setdefault(k, agency)
    return index


def agency_keys() -> dict[str, list[str]]:
    """Every lookup key with the names of all rows claiming it; for data checks."""
    claims: dict[str, list[str]] = {}
    for row in table("agencies.tsv"):
        forms = {key(f) for f in [row["acronym"], row["name"], *split_list(row["aliases"])] if f}
        for k in forms:
            claims.setdefault(k, []).append(row["name"])
    return claims


def _lookup(text: str) -> _Agency | None:
    """Exact table lookup, forgiving 'RI', 'PT', '(Persero)' and 'Tbk'."""
    agencies = _agencies()
    k = key(text)
    for candidate in (k, _NATIONAL_SUFFIX_RE.sub("", k), _COMPANY_RE.sub("", k)):
        if candidate in agencies:
            return agencies[candidate]
    return None


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    canonical: str
    acronym: str
    kind: str
    parent: str | None
    level: str | None
    region: str
    strip_class: bool


@lru_cache(maxsize=1)
def _patterns() -> tuple[_Pattern, ...]:
    out = []
    for row in table("agency_patterns.tsv"):
        regex = re.compile(r"^(?:" + phrase_pattern(split_list(row["forms"])) + r")[\s,]+(?P<rest>\S.*)$", re.I)
        out.append(
            _Pattern(
                regex,
                row["canonical"],
                row["acronym"],
                row["kind"],
                row["parent"] or None,
                row["level"].title() or None,
                row["region"],
                row["strip"] == "class",
            )
        )
    return tuple(out)


def _fill(template: str, place: Place) -> str:
    return template.replace("{LR}", place.with_level).replace("{AR}", place.short).replace("{R}", place.name)


def _by_pattern(text: str) -> OrgName | None:
    """The longest regional prefix that matches ("Polres Metro" before "Polres")."""
    best: tuple[int, _Pattern, str] | None = None
    for pattern in _patterns():
        if (m := pattern.regex.match(text)) and (best is None or m.start("rest") > best[0]):
            best = (m.start("rest"), pattern, m.group("rest"))
    if best is None:
        return None
    _, pattern, rest = best
    if pattern.strip_class:
        rest = _CLASS_RE.sub("", rest)
    rest = _DI_RE.sub("", rest)
    place = resolve_place(rest)
    if place is None:
        return None
    if pattern.level and place.level is None and not place.province:
        place = Place(place.name, pattern.level, False)
    if pattern.level:  # "Pemprov Lampung": the level is in the prefix, not in {R}
        place = Place(place.name, pattern.level, place.province)
    region: str | None = place.name
    if pattern.region == "no" or (pattern.region == "maybe" and not (place.province or _LEVEL_RE.match(rest))):
        region = None
    return OrgName(_fill(pattern.canonical, place), _fill(pattern.acronym, place), pattern.kind, region, pattern.parent)


def _agency_with_place(text: str) -> OrgName | None:
    """ "BPS Provinsi Lampung", "Ombudsman RI Perwakilan Lampung": a known body plus a place."""
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        agency = _lookup(" ".join(words[:cut]))
        if agency is None:
            continue
        rest = " ".join(words[cut:])
        if (unit_of := _resolve(rest, 1)).kind is not None:  # "Ditreskrimum Polda Jatim"
            return OrgName(
                f"{agency.name} {unit_of.acronym or unit_of.canonical}",
                f"{agency.acronym} {unit_of.acronym}" if agency.acronym and unit_of.acronym else None,
                agency.kind,
                unit_of.region,
                unit_of.acronym or unit_of.canonical,
            )
        perwakilan = bool(_PERWAKILAN_RE.match(rest))
        rest = _PERWAKILAN_RE.sub("", rest)
        place = resolve_place(rest)
        if place is None or not (place.province or _LEVEL_RE.match(rest) or rest[:1].isupper()):
            return None
        joiner = " Perwakilan " if perwakilan else " "
        acronym = f"{agency.acronym}{joiner}{place.short}" if agency.acronym else None
        return OrgName(
            f"{agency.name}{joiner}{place.with_level}", acronym, agency.kind, place.name, agency.acronym or agency.name
        )
    return None


def _trailing_province(text: str) -> str | None:
    """A province named by the last one to three words of an unknown name."""
    words = text.split()
    for n in (3, 2, 1):
        if len(words) > n and (province := province_of(" ".join(words[-n:]))):
            return province
    return None


def parse_org(text: str) -> OrgName | Unresolved:
    """Normalise an ORG span to canonical name, acronym, kind and region.

    Order: the fixed table, then "Long name (ABBR)", then regional patterns,
    then a known body followed by a place. Anything else is returned as an
    unknown organisation (kind None) rather than a failure; only text without
    letters fails.
    """
    cleaned = pre_check("org", text)
    if isinstance(cleaned, Unresolved):
        return cleaned
    if not any(ch.isalpha() for ch in cleaned):
        return Unresolved("org", text, "no name in text")
    return _resolve(cleaned)


def _resolve(text: str, depth: int = 0) -> OrgName:
    if agency := _lookup(text):
        return agency.result()
    if depth == 0 and (m := _PAREN_RE.match(text)):
        for part in (m.group(2), m.group(1)):
            found = _resolve(part, 1) if part.strip() else None
            if found is not None and found.kind is not None:
                return found
    if found := _by_pattern(text) or _agency_with_place(text):
        return found
    acronym = text if _ACRONYM_RE.match(text) else None
    return OrgName(text, acronym, None, _trailing_province(text))
