"""LAW spans to citations: type, number, year, article, title and a canonical string.

Canonical form: ``<Type>[ <region>] <number>/<year>``, prefixed with the
article when one is cited: ``UU 18/2017``, ``Pasal 81 ayat (1) UU 18/2017``,
``Perda Provinsi Lampung 5/2020``, ``Putusan MK 90/PUU-XXI/2023``.

How types are written lives in ``data/law_types.tsv``; laws known by name
("UU Cipta Kerja", "KUHP") in ``data/laws.tsv``. A name shared by a law and its
replacement resolves by date: the one in force on `ref`, else the newest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from .base import Unresolved, coerce_ref, key, phrase_pattern, pre_check, split_list, table
from .orgs import parse_org, resolve_place

_NUMBER_KW = r"(?:nomor|nomer|no|nr)\.?\s*:?\s*"
_NUMBER_RE = re.compile(r"^\s*(?:" + _NUMBER_KW + r"(?P<kw>[0-9a-z][0-9a-z.\-/]*)|(?P<bare>[0-9][0-9a-z.\-/]*))", re.I)
_YEAR_RE = re.compile(r"^\s*,?\s*(?:tahun|th\.?|thn\.?)\s*(?P<year>[0-9]{4})(?![0-9])", re.I)
_SPLIT_YEAR_RE = re.compile(r"^(?P<head>.+)/(?P<year>[0-9]{4})$")
_BETWEEN_RE = re.compile(
    r"^(?P<between>.*?)(?=\s*\b" + _NUMBER_KW + r"[0-9a-z]|\s+[0-9]|\s*\b(?:tahun|th\.?|thn\.?)\s*[0-9]{4}"
    r"|\s*\btentang\b|\s*$)",
    re.I,
)
_PAREN_ABBR_RE = re.compile(r"^\s*\([^()0-9]*\)")
_NATIONAL_RE = re.compile(r"^\s*(?:republik indonesia|ri)\b", re.I)
_TITLE_RE = re.compile(r"(?:^|\s)tentang\s+(?P<title>.+)$", re.I | re.S)
_LINK_RE = re.compile(r"^\s*(?:sebagaimana\s+diatur\s+dalam|yang\s+diatur\s+dalam|dari|dalam|pada|di)\s+", re.I)

# Article grammar: "Pasal 81 ayat (1) huruf a", "Pasal 81 dan 82", "Pasal 2 jo Pasal 10".
_PASAL_RE = re.compile(r"^\s*(?:pasal|ps\.?)\s*(?P<n>[0-9]+[a-z]?)(?![0-9a-z])", re.I)
_BARE_NUM_RE = re.compile(r"^\s*(?P<n>[0-9]+[a-z]?)(?![0-9a-z/.])", re.I)
_SUB_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "ayat",
        re.compile(r"^\s*(?:ayat\s*)?\(\s*(?P<v>[0-9]+[a-z]?)\s*\)|^\s*ayat\s+(?P<v2>[0-9]+[a-z]?)(?![0-9])", re.I),
    ),
    ("huruf", re.compile(r"^\s*huruf\s*\(?\s*(?P<v>[a-z])\s*\)?(?![a-z])", re.I)),
    ("angka", re.compile(r"^\s*angka\s*\(?\s*(?P<v>[0-9]+)\s*\)?", re.I)),
)
_CONNECTOR_RE = re.compile(r"^\s*(?P<c>,|dan|atau|serta|juncto|jo\.?)(?=[\s(])", re.I)


@dataclass(frozen=True)
class LawCitation:
    """A normalised LAW span. `name` is the short name from warta's table, if known."""

    canonical: str
    type: str
    number: str | None
    year: int | None
    article: str | None
    title: str | None
    region: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "canonical": self.canonical,
            "type": self.type,
            "number": self.number,
            "year": self.year,
            "article": self.article,
            "title": self.title,
            "region": self.region,
            "name": self.name,
        }


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class _Law:
    type: str
    number: str
    year: int
    title: str
    names: tuple[str, ...]
    valid_from: date | None
    valid_until: date | None

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class _Laws:
    by_name: dict[str, tuple[_Law, ...]]
    by_id: dict[tuple[str, str, int], _Law]


@lru_cache(maxsize=1)
def _laws() -> _Laws:
    by_name: dict[str, list[_Law]] = {}
    by_id: dict[tuple[str, str, int], _Law] = {}
    for row in table("laws.tsv"):
        law = _Law(
            row["type"],
            row["number"],
            int(row["year"]),
            row["title"],
            tuple(split_list(row["names"])),
            date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
            date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        )
        by_id[(law.type, law.number, law.year)] = law
        for name in {key(n) for n in (*law.names, law.title)}:
            by_name.setdefault(name, []).append(law)
    return _Laws({k: tuple(v) for k, v in by_name.items()}, by_id)


@dataclass(frozen=True)
class _Types:
    regex: re.Pattern[str]
    by_form: dict[str, tuple[str, str]]


@lru_cache(maxsize=1)
def _types() -> _Types:
    """One regex over every written form of every type, longest first."""
    by_form = {key(row["form"]): (row["type"], row["follow"]) for row in table("law_types.tsv")}
    forms = [row["form"] for row in table("law_types.tsv")]
    return _Types(re.compile(r"^(?:" + phrase_pattern(forms) + r")(?![0-9a-z])", re.I), by_form)


# --------------------------------------------------------------------------- articles


def _take_article(text: str) -> tuple[str | None, str]:
    """Parse a run of article references at the start of `text`: (normalised, rest)."""
    parts: list[str] = []
    rest = text
    m = _PASAL_RE.match(rest)
    while m:
        piece = f"Pasal {m.group('n')}"
        rest = rest[m.end() :]
        piece, rest = _take_subdivisions(piece, rest)
        parts.append(piece)
        c = _CONNECTOR_RE.match(rest)
        if not c:
            break
        after = rest[c.end() :]
        nxt = _PASAL_RE.match(after) or _BARE_NUM_RE.match(after)
        if not nxt:
            break
        word = c.group("c").lower().rstrip(".")
        parts.append("," if word == "," else f" {'juncto' if word == 'jo' else word}")  # joins the next piece
        rest, m = after, nxt
    if not parts:
        return None, text
    article = parts[0]
    for part in parts[1:]:  # connectors carry their own spacing; pieces get one space
        article += part if part.startswith((",", " ")) else " " + part
    return article, rest


def _take_subdivisions(piece: str, rest: str) -> tuple[str, str]:
    """Append 'ayat (n)', 'huruf x', 'angka n' as written after a Pasal number."""
    progress = True
    while progress:
        progress = False
        for name, regex in _SUB_RES:
            if m := regex.match(rest):
                value = m.group("v") or (m.groupdict().get("v2") or "")
                piece += f" ayat ({value})" if name == "ayat" else f" {name} {value}"
                rest = rest[m.end() :]
                progress = True
    return piece, rest


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parts:
    type: str | None = None
    follow: str = ""
    between: str = ""
    number: str | None = None
    year: int | None = None
    article: str | None = None
    title: str | None = None


def _take_type(text: str, parts: _Parts) -> str:
    """Match the instrument type and what follows it up to the number."""
    types = _types()
    m = types.regex.match(text)
    if not m:
        return text
    parts.type, parts.follow = types.by_form[key(m.group())]
    rest = _NATIONAL_RE.sub("", _PAREN_ABBR_RE.sub("", text[m.end() :]))
    b = _BETWEEN_RE.match(rest)
    between = b.group("between") if b else ""
    parts.between = _PAREN_ABBR_RE.sub("", between).strip(" ,")
    return rest[len(between) :]


def _take_number(text: str, parts: _Parts) -> str:
    """Number ("Nomor 18", "No. 18/2017", "31/P", "12/PUU-XXI/2023") and year."""
    m = _NUMBER_RE.match(text)
    if m:
        number = (m.group("kw") or m.group("bare")).rstrip(".-/")
        if any(ch.isdigit() for ch in number):
            parts.number = number
            text = text[m.end() :]
    if y := _YEAR_RE.match(text):
        parts.year = int(y.group("year"))
        text = text[y.end() :]
    if parts.number and (s := _SPLIT_YEAR_RE.match(parts.number)):
        year = int(s.group("year"))
        if parts.year is None and 1800 <= year <= 2100:
            parts.year = year
            if "/" not in s.group("head"):
                parts.number = s.group("head")
    return text


def _pick(laws: tuple[_Law, ...], type_: str | None, year: int | None, ref: date | None) -> _Law | None:
    """Among laws sharing a name: same type, then the written year, then by date.

    With `ref`: the one in force that day, else the latest one already enacted
    (a text cannot cite a law from its future). Without: the newest.
    """
    if type_ is not None:
        laws = tuple(law for law in laws if law.type == type_)
    if not laws:
        return None
    if year is not None:
        return next((law for law in laws if law.year == year), None)
    if ref is not None:
        if current := [law for law in laws if law.in_force(ref)]:
            return current[0]
        if enacted := [law for law in laws if law.valid_from is None or law.valid_from <= ref]:
            return enacted[-1]
    return next((law for law in laws if law.valid_until is None), laws[-1])


def _by_name(parts: _Parts, whole: str, ref: date | None) -> _Law | None:
    """A law named rather than numbered: "UU Cipta Kerja", "KUHP", "UU tentang Desa"."""
    by_name = _laws().by_name
    candidates: list[str] = []
    if parts.type is not None:
        candidates += [key(parts.between), key(parts.title or "")]
    else:
        candidates.append(key(whole))
    for k in candidates:
        typed_or_long = parts.type is not None or len(k) >= 4  # a bare "PA" or "ITE" is not a citation
        if k and typed_or_long and k in by_name and (found := _pick(by_name[k], parts.type, parts.year, ref)):
            return found
    return None


def _resolve_type(parts: _Parts) -> tuple[str, str | None, str | None]:
    """Final type string, region (bare name) and the region label used in canonical."""
    type_ = parts.type or ""
    between = parts.between
    if parts.follow == "region" and between:
        place = resolve_place(between)
        if place is not None:
            label = place.with_level if type_ in ("Perda", "Qanun") else place.name
            return type_, place.name, label
    if parts.follow == "ministry" and between:
        return f"{type_} {between.title()}", None, None
    if parts.follow == "org" and between:
        org = parse_org(between)
        if org and org.kind is not None:
            return f"{type_} {org.acronym or org.canonical}", None, None
        return f"{type_} {between}", None, None
    return type_, None, None


def parse_law(text: str, ref: object = None) -> LawCitation | Unresolved:
    """Normalise a LAW span: "Undang-Undang Nomor 18 Tahun 2017" -> canonical "UU 18/2017".

    `ref` (publication date) only matters for names shared by a law and its
    replacement ("UU Cipta Kerja" in 2021 is UU 11/2020, after March 2023 UU
    6/2023). Never raises on a str.
    """
    cleaned = pre_check("law", text)
    if isinstance(cleaned, Unresolved):
        return cleaned
    day = coerce_ref(ref)
    if isinstance(day, Unresolved):
        return Unresolved("law", text, day.reason)
    parts = _Parts()
    parts.article, rest = _take_article(cleaned)
    rest = _LINK_RE.sub("", rest).strip(" ,")
    if t := _TITLE_RE.search(rest):
        parts.title = t.group("title").strip(" ,.;")
        rest = rest[: t.start()].strip()
    rest = _take_type(rest, parts)
    if parts.type and parts.between and not parts.follow:
        named = _by_name(_Parts(parts.type, between=f"{parts.between} {rest}"), "", day)
        if named is not None:  # "UU APBN Tahun Anggaran 2024": the year belongs to the name
            parts.between, rest = f"{parts.between} {rest}", ""
    rest = _take_number(rest, parts)
    if parts.article is None:
        parts.article, rest = _take_article(rest)
    return _build(parts, cleaned if parts.type else _without_article(cleaned, parts), day, text)


def _without_article(cleaned: str, parts: _Parts) -> str:
    """The name part of a typeless citation ("Pasal 362 KUHP" -> "KUHP")."""
    _, rest = _take_article(cleaned)
    rest = _LINK_RE.sub("", rest)
    if parts.title:
        rest = _TITLE_RE.sub("", rest)
    return rest.strip(" ,")


def _build(parts: _Parts, whole: str, ref: date | None, text: str) -> LawCitation | Unresolved:
    known: _Law | None = None
    if parts.number is None:
        known = _by_name(parts, whole, ref)
        if known is None:
            reason = "no number and no known name" if parts.type else "no legal instrument recognised"
            return Unresolved("law", text, reason)
        parts.type, parts.number, parts.year = known.type, known.number, known.year
    type_, region, label = _resolve_type(parts)
    if known is None and parts.year is not None:
        known = _laws().by_id.get((type_, parts.number or "", parts.year))
    number, year = parts.number, parts.year
    ident = number if year is None or number.endswith(f"/{year}") else f"{number}/{year}"  # type: ignore[union-attr]
    base = " ".join(p for p in (type_, label, ident) if p)
    canonical = f"{parts.article} {base}" if parts.article else base
    title = parts.title or (known.title if known else None)
    name = known.names[0] if known and known.names else None
    return LawCitation(canonical, type_, number, year, parts.article, title, region, name)
