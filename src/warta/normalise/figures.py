"""QTY spans to numbers: Indonesian digits and number words, magnitudes, currencies, ranges.

No library reads Indonesian number words ("seratus dua puluh tiga ribu",
"satu setengah juta", "belasan"), so this module does it with a small
grammar over tokens. Vocabulary (number words, approximation markers,
currencies) lives in ``data/*.tsv``; the grammar is here.

Conventions (Indonesian): "." groups thousands and "," marks decimals
("1.200" = 1200, "4,5" = 4.5). A single dot followed by other than exactly three
digits is an English-style decimal ("1.5 juta" = 1.5 million).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .base import Unresolved, number_value, pre_check, table

Number = int | float

#: Figures beyond this are not news figures but overflow bait (1e18 = a million trillion).
_MAX_ABS = Decimal(10) ** 18
_MAX_DIGITS = 30

_TOKEN_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+|\S")
_GROUPED_RE = {sep: re.compile(r"[1-9][0-9]{0,2}(?:" + re.escape(sep) + r"[0-9]{3})+") for sep in ".,"}
_PARENS_RE = re.compile(r"^\((.*)\)$")


@dataclass(frozen=True)
class Range:
    """An interval of values, both ends inclusive."""

    min: Number
    max: Number


@dataclass(frozen=True)
class Figure:
    """A normalised QTY: value (or range), unit or counted noun, currency, flags."""

    value: Number | Range
    approximate: bool = False
    unit: str | None = None
    currency: str | None = None
    percent: bool = False

    def to_dict(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, Range):
            value = {"min": value.min, "max": value.max}
        return {
            "value": value,
            "approximate": self.approximate,
            "unit": self.unit,
            "currency": self.currency,
            "percent": self.percent,
        }


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(), m.group().lower()) for m in _TOKEN_RE.finditer(text)]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t.low for t in _tokens(text))


@dataclass(frozen=True)
class _Word:
    kind: str
    value: Decimal | str
    cased: bool
    needs_currency: bool


@dataclass(frozen=True)
class _Vocab:
    words: dict[str, _Word]
    phrases: dict[str, tuple[tuple[str, ...], ...]]
    collectives: dict[str, tuple[Decimal, Decimal]]
    se_units: dict[str, str]
    currency: dict[str, tuple[tuple[tuple[str, ...], str], ...]]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    """Load number_words, figure_words and currencies once, indexed for token matching."""
    words: dict[str, _Word] = {}
    for row in table("number_words.tsv"):
        flags = set(row["flags"].split(","))
        kind = row["kind"]
        value: Decimal | str = row["value"] if kind == "se" else Decimal(row["value"])
        cased = "cased" in flags
        words[row["word"] if cased else row["word"].lower()] = _Word(kind, value, cased, "currency" in flags)

    phrases: dict[str, list[tuple[str, ...]]] = {}
    collectives: dict[str, tuple[Decimal, Decimal]] = {}
    se_units: dict[str, str] = {}
    for row in table("figure_words.tsv"):
        role, word = row["role"], row["word"]
        if role == "collective":
            collectives[word] = (Decimal(row["value"]), Decimal(row["value2"]))
        elif role == "se_unit":
            se_units[word] = row["value"]
        else:
            phrases.setdefault(role, []).append(_phrase(word))

    currency: dict[str, list[tuple[tuple[str, ...], str]]] = {"prefix": [], "suffix": []}
    for row in table("currencies.tsv"):
        positions = ("prefix", "suffix") if row["position"] == "both" else (row["position"],)
        for pos in positions:
            currency[pos].append((_phrase(row["form"]), row["code"]))

    return _Vocab(  # longest phrases first, so that "kurang lebih" wins over "kurang"
        words=words,
        phrases={role: tuple(sorted(seqs, key=len, reverse=True)) for role, seqs in phrases.items()},
        collectives=collectives,
        se_units=se_units,
        currency={pos: tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True)) for pos, pairs in currency.items()},
    )


def _match(toks: Sequence[_Tok], i: int, seqs: Sequence[tuple[str, ...]]) -> int:
    """Length of the longest phrase in `seqs` that starts at token `i` (0 if none)."""
    for seq in seqs:
        n = len(seq)
        if n and tuple(t.low for t in toks[i : i + n]) == seq:
            return n
    return 0


def _match_currency(toks: Sequence[_Tok], i: int, position: str) -> tuple[int, str | None]:
    for seq, code in _vocab().currency[position]:
        if tuple(t.low for t in toks[i : i + len(seq)]) == seq:
            return len(seq), code
    return 0, None


# --------------------------------------------------------------------------- numbers


def parse_digits(s: str) -> Decimal | None:
    """A digit string with Indonesian separators as a Decimal, or None if malformed.

    Both separators: the last one is the decimal mark ("1.200,50", "1,200.50").
    Several of one kind: thousands groups. One dot: thousands only before exactly
    three digits ("1.200"), else a decimal ("1.5"). One comma: always a decimal.
    """
    if len(s) > _MAX_DIGITS:
        return None
    dots, commas = s.count("."), s.count(",")
    try:
        if dots and commas:
            dec = "," if s.rfind(",") > s.rfind(".") else "."
            thou = "." if dec == "," else ","
            if s.count(dec) > 1:
                return None
            whole, frac = s.split(dec)
            if not _GROUPED_RE[thou].fullmatch(whole):
                return None
            return Decimal(whole.replace(thou, "") + "." + frac)
        if dots > 1 or commas > 1:
            sep = "." if dots else ","
            return Decimal(s.replace(sep, "")) if _GROUPED_RE[sep].fullmatch(s) else None
        if dots == 1:
            whole, frac = s.split(".")
            if len(frac) == 3 and _GROUPED_RE["."].fullmatch(s):
                return Decimal(whole + frac)
            return Decimal(whole + "." + frac)
        if commas == 1:
            return Decimal(s.replace(",", "."))
        return Decimal(s)
    except InvalidOperation:
        return None


class _Malformed(Exception):
    """Number words in an order Indonesian does not use ("dua dua", "puluh lima")."""


def _atoms(tok: _Tok, currency: bool) -> list[tuple[str, Decimal]] | None:
    """The grammar atoms of one token, or None if it is not part of a number.

    "se-" words expand to one plus their base ("seratus" = satu ratus), so the
    grammar needs no special case for them.
    """
    if tok.text[0].isdigit():
        value = parse_digits(tok.text)
        if value is None:
            raise _Malformed(f"malformed number {tok.text!r}")
        return [("num", value)]
    words = _vocab().words
    word = words.get(tok.text)  # cased entries (M, T, K) are keyed by their exact form
    if word is None and (lower := words.get(tok.low)) is not None and not lower.cased:
        word = lower
    if word is None or (word.needs_currency and not currency):
        return None
    if word.kind == "se":
        base = words[str(word.value)]
        return [("unit", Decimal(1)), (base.kind, base.value)]  # type: ignore[list-item]
    return [(word.kind, word.value)]  # type: ignore[list-item]


@dataclass
class _Reading:
    """State of the number-word grammar while tokens are consumed."""

    total: Decimal = Decimal(0)
    group: Decimal = Decimal(0)
    last: str | None = None
    prev: str | None = None
    unit: Decimal = Decimal(0)
    scale: Decimal | None = None
    started: bool = False

    def _small(self) -> Decimal | None:
        """The one-digit multiplicand of puluh/ratus/belas, if the group has one."""
        if self.last == "unit" and self.unit >= 1:
            return self.unit
        if self.last == "num" and self.group == self.group.to_integral_value() and 1 <= self.group <= 9:
            return self.group
        return None

    def feed(self, kind: str, value: Decimal) -> bool:
        """Apply one atom; False means 'a new number starts here', _Malformed a bad order."""
        if kind == "num":
            if self.last is not None:
                return False
            self.group, self.last = value, "num"
        elif kind == "unit":
            if self.last not in (None, "ratus", "puluh"):
                raise _Malformed("two units in a row")
            self.prev, self.last, self.unit = self.last, "unit", value
            self.group += value
        elif kind in ("belas", "puluh", "ratus"):
            small = self._small()
            allowed_prev = (None,) if kind == "ratus" else (None, "ratus")
            if small is None or self.prev not in allowed_prev:
                raise _Malformed(f"'{kind}' without a digit before it")
            self.group += {"belas": Decimal(10), "puluh": small * 9, "ratus": small * 99}[kind]
            self.prev, self.last = self.last, kind
        elif kind == "per":  # the numerator is the group read so far: "tiga perempat" = 3/4
            if self.last not in ("unit", "num") or self.group == 0:
                raise _Malformed("a denominator without a numerator")
            if self.prev is not None or self.total or self.group >= 10:
                raise _Malformed("a fraction's numerator is one number below ten")
            self.group /= value
            self.last = "frac"
        elif kind == "frac":
            if self.last not in (None, "unit", "num"):
                raise _Malformed("fraction after tens or hundreds")
            self.group += value
            self.last = "frac"
        elif kind == "scale":
            if self.last is None or (self.scale is not None and value >= self.scale):
                raise _Malformed("magnitude word out of order")
            self.total += self.group * value
            self.group, self.last, self.prev, self.scale = Decimal(0), None, None, value
        self.started = True
        return True

    @property
    def value(self) -> Decimal:
        return self.total + self.group

    @property
    def ends_with_scale(self) -> bool:
        return self.last is None and self.scale is not None


def _read_number(toks: Sequence[_Tok], i: int, currency: bool) -> tuple[_Reading, int] | None:
    """Read one number (digits and/or words) starting at token `i`.

    Returns the reading and the index after it, or None when token `i` does not
    start a number. A dot after an abbreviated magnitude ("jt.") is eaten.
    """
    reading = _Reading()
    j = i
    while j < len(toks):
        atoms = _atoms(toks[j], currency)
        if atoms is None:
            break
        if not reading.feed(*atoms[0]):
            break
        for atom in atoms[1:]:
            reading.feed(*atom)
        j += 1
        if (
            reading.last is None
            and j < len(toks)
            and toks[j].text == "."
            and (j + 1 == len(toks) or not toks[j + 1].text[0].isdigit())
        ):
            j += 1
    return (reading, j) if reading.started else None


def parse_number(text: str) -> Number | None:
    """A bare number in digits or words ("dua puluh lima", "1,5 juta") or None.

    Used by dates.py for counts such as "dua hari lalu"; the whole text must be
    the number.
    """
    toks = _tokens(text)
    try:
        got = _read_number(toks, 0, currency=False)
    except _Malformed:
        return None
    if got is None or got[1] != len(toks):
        return None
    return number_value(got[0].value)


# --------------------------------------------------------------------------- figures


def _is_ordinal(toks: Sequence[_Tok]) -> bool:
    """'ke-16', 'ke 3', 'kelima', 'kedua': ordinals are not figures (SCHEMA.md §2a.10)."""
    first = toks[0].low
    if first == "ke" and len(toks) > 1 and (toks[1].text == "-" or toks[1].text[0].isdigit()):
        return True
    return first.startswith("ke") and len(first) > 2 and first[2:] in _vocab().words


def _collective(toks: Sequence[_Tok], i: int) -> tuple[Range, int] | None:
    """'belasan', 'puluhan ribu', 'ratusan juta' as a range; None if not one."""
    bounds = _vocab().collectives.get(toks[i].low) if i < len(toks) else None
    if bounds is None:
        return None
    lo, hi = bounds
    j = i + 1
    words = _vocab().words
    while j < len(toks) and (w := words.get(toks[j].low)) is not None and w.kind == "scale" and not w.cased:
        lo, hi = lo * w.value, hi * w.value  # type: ignore[operator]
        j += 1
    return Range(number_value(lo), number_value(hi - 1)), j


@dataclass
class _Parse:
    """What parse_figure has learnt so far about one span."""

    approximate: bool = False
    currency: str | None = None
    percent: bool = False
    negative: bool = False
    between: bool = False


def _prefixes(toks: Sequence[_Tok], i: int, st: _Parse) -> int:
    """Consume approximation words, fillers, 'antara', 'minus' and a currency sign."""
    phrases = _vocab().phrases
    while i < len(toks):
        if n := _match(toks, i, phrases["approx"]):
            st.approximate = True
        elif n := _match(toks, i, phrases["filler"]):
            pass
        elif n := _match(toks, i, phrases["between"]):
            st.between = True
        elif n := _match(toks, i, phrases["minus"]):
            st.negative = True
        else:
            n, code = _match_currency(toks, i, "prefix")
            if not n:
                return i
            st.currency = st.currency or code
        i += n
    return i


def _suffixes(toks: Sequence[_Tok], i: int, st: _Parse) -> int:
    """Consume '%'/'persen', '-an'/'lebih', and a currency name after the number."""
    phrases = _vocab().phrases
    while i < len(toks):
        if n := _match(toks, i, phrases["percent"]):
            st.percent = True
        elif n := _match(toks, i, phrases["approx_suffix"]):
            st.approximate = True
        else:
            n, code = _match_currency(toks, i, "suffix")
            if not n:
                return i
            st.currency = st.currency or code
        i += n
    return i


def _second_number(toks: Sequence[_Tok], i: int, st: _Parse) -> tuple[_Reading, int] | None:
    """After a first number: a range separator (or 'dan' after 'antara') and a second number."""
    phrases = _vocab().phrases
    if _match(toks, i, phrases["approx_suffix"]):
        return None
    n = _match(toks, i, phrases["range"])
    if not n and st.between and i < len(toks) and toks[i].low == "dan":
        n = 1
    if not n:
        return None
    j = i + n
    m, code = _match_currency(toks, j, "prefix")
    st.currency = st.currency or code
    return _read_number(toks, j + m, st.currency is not None)


def _unit(text: str, toks: Sequence[_Tok], i: int, st: _Parse) -> str | None:
    """The counted noun or unit: what follows the figure, minus a trailing 'lebih'."""
    end = len(toks)
    if end > i and toks[end - 1].low == "lebih":
        st.approximate = True
        end -= 1
    if end <= i:
        return None
    unit = text[toks[i].start : toks[end - 1].end].strip(" -,.")
    return unit or None


def _checked(value: Decimal, negative: bool) -> Number | None:
    if abs(value) > _MAX_ABS:
        return None
    return number_value(-value if negative else value)


def parse_figure(text: str) -> Figure | Unresolved:
    """Normalise a QTY span: "177 ribu pekerja migran" -> 177000, unit "pekerja migran".

    Never raises on a str; a span without a number (or with number words in an
    impossible order) comes back as ``Unresolved`` with the reason.
    """
    cleaned = pre_check("figure", text)
    if isinstance(cleaned, Unresolved):
        return cleaned
    if m := _PARENS_RE.match(cleaned):
        cleaned = m.group(1).strip()
    toks = _tokens(cleaned)
    if not toks:
        return Unresolved("figure", text, "empty text")
    try:
        result = _parse_tokens(cleaned, toks)
    except _Malformed as exc:
        return Unresolved("figure", text, str(exc))
    return Unresolved("figure", text, "no number found") if result is None else result


def _parse_tokens(text: str, toks: list[_Tok]) -> Figure | Unresolved | None:
    if _is_ordinal(toks):
        return Unresolved("figure", text, "an ordinal is not a figure")
    st = _Parse()
    i = _prefixes(toks, 0, st)
    if i < len(toks) and toks[i].low in _vocab().se_units:
        noun = _vocab().se_units[toks[i].low]
        rest = _unit(text, toks, i + 1, st)
        return Figure(1, st.approximate, f"{noun} {rest}" if rest else noun)
    if got := _collective(toks, i):
        value: Number | Range = got[0]
        st.approximate = True
        i = got[1]
    else:
        first = _read_number(toks, i, st.currency is not None)
        if first is None:
            return None
        reading, i = first
        single = _checked(reading.value, st.negative)
        if single is None:
            return Unresolved("figure", text, "number too large")
        value = single
        if i + 1 < len(toks) and toks[i].low in ("x", "×") and (times := _read_number(toks, i + 1, False)):
            product = _checked(reading.value * times[0].value, st.negative)
            if product is None:
                return Unresolved("figure", text, "number too large")
            value, i = product, times[1]
        elif second := _second_number(toks, i, st):
            ranged = _range(reading, second[0], st.negative)
            if isinstance(ranged, str):
                return Unresolved("figure", text, ranged)
            value, i = ranged, second[1]
    i = _suffixes(toks, i, st)
    unit = _unit(text, toks, i, st)  # may still set `approximate` ("300 orang lebih")
    return Figure(value, st.approximate, unit, st.currency, st.percent)


def _range(first: _Reading, second: _Reading, negative: bool) -> Range | str:
    """Two readings as a range, or the reason they are not one.

    "4-6 ribu": a first number without a magnitude takes the second's, unless
    that would put it above the second ("500-1 juta" stays 500..1000000).
    """
    lo, hi = first.value, second.value
    if first.scale is None and second.ends_with_scale:
        scaled = lo * second.scale  # type: ignore[operator]
        if scaled <= hi:
            lo = scaled
    a, b = _checked(lo, negative), _checked(hi, negative)
    if a is None or b is None:
        return "number too large"
    if a > b:
        return "range ends below its start"
    return Range(a, b)
