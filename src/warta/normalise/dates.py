"""DATE spans to ISO 8601: absolute, partial, relative, ranges and clock times.

The grammar here covers how Indonesian news writes dates ("Selasa
(23/3/2021)", "1-5 Maret 2024", "Juni lalu", "pukul 09.00 WITA"), because
each of those needs a decision dateparser does not make the way warta wants
(a bare weekday is the most recent one *on or before* the publication date; a
partial date takes the publication year; a range keeps both ends). Whatever
the grammar does not know (English month names, "March 23, 2021", other word
orders) goes to dateparser, restricted to absolute dates.

Every resolution relative to the text's own time uses `ref`, the publication
date; without it such dates are Unresolved, never guessed from the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from .base import Unresolved, coerce_ref, phrase_pattern, pre_check, table
from .figures import parse_number

#: Indonesian time zones: WIB (west), WITA (central), WIT (east).
_ZONES = {"wib": 7, "wita": 8, "wit": 9}
_YEARS = range(1000, 3000)
_DATEPARSER_MAX = 64

_CLOCK_RE = re.compile(
    r"(?:\b(?:(?:sekitar|sekira|kurang\s+lebih)\s+)?(?:pukul|pkl\.?|jam)\s*(?P<h1>[0-9]{1,2})(?:[.:](?P<m1>[0-9]{2}))?"
    r"|(?<![0-9.,/])(?P<h2>[0-9]{1,2})[.:](?P<m2>[0-9]{2})(?![0-9.,/]))"
    r"(?:\s*(?P<zone1>wib|wita|wit)\b)?"
    r"(?:\s*(?:-|–|hingga|sampai(?:\s+dengan)?|s\.?d\.?|s/d)\s*(?:pukul\s*)?"
    r"(?:(?P<h3>[0-9]{1,2})(?:[.:](?P<m3>[0-9]{2}))?|(?P<open>selesai)))?"
    r"(?:\s*(?P<zone>wib|wita|wit)\b)?(?:\s*waktu\s+setempat)?",
    re.I,
)
_PART_RE = re.compile(r"\b(?P<part>dini\s+hari|pagi|siang|sore|petang|malam|subuh)(?:\s+hari)?\b", re.I)
_FILLER_RE = re.compile(r"^(?:pada|tanggal|tgl\.?|sejak|semenjak|mulai|per|hingga|sampai)\s+", re.I)
_PARENS_RE = re.compile(r"^\((.*)\)$")
_ISO_RE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_ISO_MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_ISO_TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[t ][0-9]{2}:[0-9]{2}", re.I)
_DMY_RE = re.compile(r"^([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})(?:\s*\2\s*([0-9]{4}|[0-9]{2}))?$")
_MY_RE = re.compile(r"^([0-9]{1,2})\s*[/\-]\s*([0-9]{4})$")
_YEAR_RE = re.compile(r"^(?:(?:tahun|th\.?|thn\.?|ta\.?)(?:\s+anggaran)?\s*)?([0-9]{4})$", re.I)
_DAY_RE = re.compile(r"^([0-9]{1,2})$")
_COUNT_RE = re.compile(
    r"^(?P<n>.+?)\s+(?P<unit>hari|pekan|minggu|bulan|tahun)\s+"
    r"(?P<dir>yang\s+lalu|lalu|silam|sebelumnya|mendatang|ke\s+depan|lagi|kemudian)$",
    re.I,
)
_SE_COUNT_RE = re.compile(
    r"^se(?P<unit>hari|pekan|minggu|bulan|tahun)\s+"
    r"(?P<dir>yang\s+lalu|lalu|silam|sebelumnya|mendatang|ke\s+depan|lagi|kemudian)$",
    re.I,
)
_SUFFIX_RE = re.compile(
    r"^(?P<head>.+?)\s+(?P<mod>tahun\s+(?:ini|lalu|depan|kemarin)|yang\s+lalu|lalu|kemarin|silam|mendatang|depan|nanti|ini)$",
    re.I,
)
_MODIFIER_RE = re.compile(r"^(?:awal|akhir|pertengahan|medio|penghujung|menjelang\s+akhir)\s+(?P<rest>.+)$", re.I)
_RANGE_SEP_RE = re.compile(
    r"\s*(?:–|—|-|\bhingga\b|\bsampai(?:\s+dengan)?\b|\bs\.?\s?d\.?(?=\s|$)|\bs/d\b|\bdan\b)\s*", re.I
)
_PERIOD_RE = re.compile(
    r"^(?P<kind>triwulan|kuartal|kwartal|caturwulan|semester)\s+(?:ke-?\s*)?"
    r"(?P<n>iv|i{1,3}|[1-4]|pertama|kedua|ketiga|keempat|satu|dua|tiga|empat)"
    r"(?:(?:\s+|\s*[,/\-–]\s*)(?:tahun\s+)?(?:(?P<y>[0-9]{4})|(?P<mod>tahun\s+(?:ini|lalu|depan|kemarin))))?$",
    re.I,
)
_PERIOD_MONTHS = {"triwulan": 3, "kuartal": 3, "kwartal": 3, "caturwulan": 4, "semester": 6}
_ORDINALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4, "pertama": 1, "satu": 1,
             "kedua": 2, "dua": 2, "ketiga": 3, "tiga": 3, "keempat": 4, "empat": 4}
_DECADE_RE = re.compile(r"^(?:tahun\s+|era\s+|dekade\s+)?(?P<d>[0-9]{3}0)\s*-?\s*an$", re.I)
_WEEK_WORD_RE = re.compile(r"^(?:pekan|minggu)\s+(?P<dir>lalu|kemarin|ini|depan|mendatang)$", re.I)
_YEAR_OFFSETS = {"ini": 0, "tahun ini": 0, "tahun lalu": -1, "tahun kemarin": -1, "tahun depan": 1}
_PAST = {"lalu", "yang lalu", "kemarin", "silam", "sebelumnya"}
_FUTURE = {"mendatang", "depan", "nanti", "ke depan", "lagi", "kemudian", "besok"}


class _Fail(Exception):
    """A span that was understood but cannot be resolved (invalid date, no ref)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DateRange:
    """Both ends of a period, each an ISO string at its own granularity."""

    start: str
    end: str


@dataclass(frozen=True)
class DateValue:
    """A normalised DATE: ISO `value` (or a DateRange) and its `granularity`."""

    value: str | DateRange
    granularity: str

    def to_dict(self) -> dict[str, Any]:
        value: Any = self.value
        if isinstance(value, DateRange):
            value = {"start": value.start, "end": value.end}
        return {"value": value, "granularity": self.granularity}


@dataclass(frozen=True)
class _Point:
    """A calendar position; the parts left None give its granularity."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    offset: int | None = None

    @property
    def granularity(self) -> str:
        if self.hour is not None:
            return "time"
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def iso(self) -> str:
        if self.hour is not None:
            tz = timezone(timedelta(hours=self.offset)) if self.offset is not None else None
            return datetime(self.year, self.month, self.day, self.hour, self.minute or 0, tzinfo=tz).isoformat()  # type: ignore[arg-type]
        if self.day is not None:
            return date(self.year, self.month, self.day).isoformat()  # type: ignore[arg-type]
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def order(self, end: bool = False) -> tuple[int, ...]:
        """Sort key; a period's `end` sorts after all its days."""
        fill = 99 if end else 0
        return (self.year, self.month or fill, self.day or fill, self.hour or 0, self.minute or 0)


def _day(d: date) -> _Point:
    return _Point(d.year, d.month, d.day)


@dataclass(frozen=True)
class _Span:
    start: _Point
    end: _Point


def _single_span(p: _Point) -> _Span:
    return _Span(p, p)


@dataclass(frozen=True)
class _Partial:
    """What an absolute expression writes; None parts are inherited or taken from ref."""

    year: int | None = None
    month: int | None = None
    day: int | None = None


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Vocab:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, tuple[str, int]]
    textual: re.Pattern[str]
    weekday: re.Pattern[str]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    months = {r["form"]: int(r["month"]) for r in table("months.tsv")}
    weekdays = {r["form"]: int(r["weekday"]) for r in table("weekdays.tsv")}
    relative = {r["phrase"]: (r["unit"], int(r["offset"])) for r in table("relative_dates.tsv")}
    textual = re.compile(
        r"^(?:(?P<d>[0-9]{1,2})\s*)?(?:bulan\s+)?(?P<m>" + phrase_pattern(months) + r")\.?"
        r"(?:\s*,?\s*(?:tahun\s+)?(?P<y>[0-9]{4}|'[0-9]{2}))?$",
        re.I,
    )
    wd = phrase_pattern(weekdays)
    weekday = re.compile(
        r"^(?:hari\s+)?(?P<wd>"
        + wd
        + r")(?![a-z])(?:\s*(?:-|–|hingga|sampai|dan|s\.?d\.?)\s*(?P<wd2>"
        + wd
        + r")(?![a-z]))?"
        r"[\s,]*(?P<rest>.*)$",
        re.I,
    )
    return _Vocab(months, weekdays, relative, textual, weekday)


# --------------------------------------------------------------------------- arithmetic


def _need(ref: date | None, what: str) -> date:
    if ref is None:
        raise _Fail(f"{what} needs the publication date (ref)")
    return ref


def _shift(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise _Fail("date out of range") from None


def _month_shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    y, m = divmod(index, 12)
    if y not in _YEARS:
        raise _Fail("date out of range")
    return y, m + 1


def _week(ref: date, weeks: int) -> _Span:
    monday = _shift(ref, -ref.weekday() + 7 * weeks)
    return _Span(_day(monday), _day(_shift(monday, 6)))


def _weekday_near(ref: date, weekday: int, direction: str) -> date:
    """The weekday on or before ref ('', the default), strictly before ('past') or after ('future')."""
    if direction == "past":
        return _shift(ref, -((ref.weekday() - weekday - 1) % 7 + 1))
    if direction == "future":
        return _shift(ref, (weekday - ref.weekday() - 1) % 7 + 1)
    return _shift(ref, -((ref.weekday() - weekday) % 7))


def _relative(unit: str, offset: int, ref: date) -> _Span:
    if unit == "day":
        return _single_span(_day(_shift(ref, offset)))
    if unit == "week":
        return _week(ref, offset)
    if unit == "weekend":
        monday = _shift(ref, -ref.weekday() + 7 * offset)
        return _Span(_day(_shift(monday, 5)), _day(_shift(monday, 6)))
    if unit == "month":
        y, m = _month_shift(ref.year, ref.month, offset)
        return _single_span(_Point(y, m))
    if ref.year + offset not in _YEARS:
        raise _Fail("date out of range")
    return _single_span(_Point(ref.year + offset))


# --------------------------------------------------------------------------- absolute dates


def _two_digit_year(yy: str) -> int:
    value = int(yy)
    return value if len(yy) == 4 else (2000 + value if value < 70 else 1900 + value)


def _absolute(text: str) -> _Partial | None:
    """What an absolute expression states, without validation or defaults."""
    if m := _ISO_RE.match(text):
        return _Partial(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _ISO_MONTH_RE.match(text):
        return _Partial(int(m.group(1)), int(m.group(2)))
    if m := _DMY_RE.match(text):
        year = _two_digit_year(m.group(4)) if m.group(4) else None
        return _Partial(year, int(m.group(3)), int(m.group(1)))
    if m := _MY_RE.match(text):
        return _Partial(int(m.group(2)), int(m.group(1)))
    if m := _vocab().textual.match(text):
        months = _vocab().months
        month = months[re.sub(r"[\s,\-]+", " ", m.group("m").lower())]
        year = _two_digit_year(m.group("y").lstrip("'")) if m.group("y") else None  # "Maret '21"
        return _Partial(year, month, int(m.group("d")) if m.group("d") else None)
    if m := _YEAR_RE.match(text):
        return _Partial(int(m.group(1)))
    if m := _DAY_RE.match(text):
        return _Partial(None, None, int(m.group(1)))
    return None


def _complete(p: _Partial, ref: date | None) -> _Point:
    """Validate a partial date, taking a missing year from ref."""
    if p.month is None and p.day is not None:
        raise _Fail("a day number alone needs a month")
    year = p.year if p.year is not None else _need(ref, "a date without a year").year
    if year not in _YEARS:
        raise _Fail(f"year {year} out of range")
    if p.month is not None and not 1 <= p.month <= 12:
        raise _Fail(f"no month {p.month}")
    if p.day is not None:
        try:
            date(year, p.month, p.day)  # type: ignore[arg-type]
        except ValueError as exc:
            raise _Fail(f"invalid date: {exc}") from None
    return _Point(year, p.month, p.day)


def _anchored(p: _Partial, mod: str, ref: date) -> _Point:
    """A month or day-month with 'lalu'/'mendatang'/'tahun ini': choose its year around ref."""
    mod = " ".join(mod.lower().split())
    if mod.startswith("tahun") or mod == "ini":
        offset = _YEAR_OFFSETS[mod]
        return _complete(replace(p, year=ref.year + offset), ref)
    past = mod in _PAST
    if p.day is None:  # "Juni lalu": the last June before this month
        year = ref.year if (p.month < ref.month if past else p.month > ref.month) else ref.year + (-1 if past else 1)  # type: ignore[operator]
        return _complete(replace(p, year=year), ref)
    this_year = _complete(replace(p, year=ref.year), ref)
    this = date(this_year.year, this_year.month, this_year.day)  # type: ignore[arg-type]
    if past and this > ref:
        return _complete(replace(p, year=ref.year - 1), ref)
    if not past and this <= ref:
        return _complete(replace(p, year=ref.year + 1), ref)
    return this_year


# --------------------------------------------------------------------------- the grammar


def _single(text: str, ref: date | None) -> _Span | None:
    """One date (or one relative period). None: not recognised; _Fail: recognised but bad."""
    text = _FILLER_RE.sub("", text).strip(" ,")
    if m := _PARENS_RE.match(text):
        text = m.group(1).strip()
    if not text:
        return None
    low = " ".join(text.lower().split())
    vocab = _vocab()
    sunday = text.startswith("Minggu")  # capitalised: the day, not "minggu lalu" (last week)
    if low in vocab.relative and not sunday:
        unit, offset = vocab.relative[low]
        return _relative(unit, offset, _need(ref, f"{text!r}"))
    if m := vocab.weekday.match(text):
        return _weekday(m, ref)
    if ((m := _COUNT_RE.match(text)) or (m := _SE_COUNT_RE.match(text))) and (span := _counted(m, ref)):
        return span
    if m := _PERIOD_RE.match(text):
        return _period(m, ref)
    if m := _DECADE_RE.match(text):  # "1990-an" is a decade; "1800-an" (a round hundred) a century
        first = int(m.group("d"))
        last = first + (99 if first % 100 == 0 and first != 2000 else 9)
        return _Span(_complete(_Partial(first), ref), _complete(_Partial(last), ref))
    if m := _MODIFIER_RE.match(text):  # "awal tahun ini", "akhir Maret": same period, coarser meaning
        return _single(m.group("rest"), ref)
    if (p := _absolute(low)) is not None:
        return _single_span(_complete(p, ref))
    if (m := _SUFFIX_RE.match(text)) and (p := _absolute(m.group("head").lower())) is not None:
        if p.year is not None:
            return _single_span(_complete(p, ref))
        return _single_span(_anchored(p, m.group("mod"), _need(ref, f"{text!r}")))
    return None


def _period(m: re.Match[str], ref: date | None) -> _Span:
    """'triwulan I 2021', 'semester kedua tahun lalu': the months of that part of the year."""
    length = _PERIOD_MONTHS[m.group("kind").lower()]
    n = _ORDINALS[m.group("n").lower()]
    if n * length > 12:
        raise _Fail(f"there is no {m.group('kind')} {m.group('n')}")
    if m.group("y"):
        year = int(m.group("y"))
    else:
        here = _need(ref, f"{m.group(0)!r} without a year")
        mod = " ".join((m.group("mod") or "tahun ini").lower().split())
        year = here.year + _YEAR_OFFSETS[mod]
    return _Span(_complete(_Partial(year, (n - 1) * length + 1), ref), _complete(_Partial(year, n * length), ref))


def _counted(m: re.Match[str], ref: date | None) -> _Span | None:
    """'dua hari lalu', 'tiga bulan mendatang', 'sepekan lalu': ref moved by N units.

    None when the count is not a number ("23 Maret tahun lalu" is a date, not a count).
    """
    n = parse_number(m.group("n")) if "n" in m.groupdict() else 1
    if n is None or n != int(n) or not 0 <= n <= 10000:
        return None
    sign = -1 if " ".join(m.group("dir").lower().split()) in _PAST else 1
    unit = m.group("unit").lower()
    ref = _need(ref, f"{m.group(0)!r}")
    if unit in ("pekan", "minggu"):
        return _single_span(_day(_shift(ref, sign * 7 * int(n))))
    return _relative({"hari": "day", "bulan": "month", "tahun": "year"}[unit], sign * int(n), ref)


def _weekday(m: re.Match[str], ref: date | None) -> _Span:
    """'Selasa (23/3/2021)', 'Selasa', 'Senin lalu', 'Rabu pekan depan', 'Senin-Selasa (22-23/3)'."""
    weekdays = _vocab().weekdays
    first = weekdays[m.group("wd").lower()]
    second = weekdays[m.group("wd2").lower()] if m.group("wd2") else None
    rest = m.group("rest").strip(" ,")
    week = _WEEK_WORD_RE.match(rest)
    if rest and not week and not _is_direction(rest):
        explicit = " ".join(re.sub(r"[()]", " ", rest).split())  # "(22/3/2021) lalu" -> "22/3/2021 lalu"
        found = _single(explicit, ref) or _range(explicit, ref) or _via_dateparser(explicit, ref)
        if found is None:
            raise _Fail(f"unrecognised date {explicit!r} after the weekday")
        return found
    ref = _need(ref, "a weekday")
    low = " ".join(rest.lower().split())
    if week or low == "ini":  # "Rabu pekan depan", "Senin ini": that weekday in that calendar week
        offset = _vocab().relative[f"pekan {week.group('dir').lower()}"][1] if week else 0
        monday = _shift(ref, -ref.weekday() + 7 * offset)
        start = _shift(monday, first)
        return _ordered(_day(start), _day(_shift(monday, second) if second is not None else start))
    direction = "past" if low in _PAST else "future" if low in _FUTURE else ""
    if second is None:
        return _single_span(_day(_weekday_near(ref, first, direction)))
    end = _weekday_near(ref, second, direction)
    return _Span(_day(_weekday_near(end, first, "")), _day(end))


def _is_direction(rest: str) -> bool:
    low = " ".join(rest.lower().split())
    return low in _PAST or low in _FUTURE or low == "ini"


def _iso_datetime(text: str) -> _Span:
    try:
        dt = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _Fail(f"invalid ISO datetime: {exc}") from None
    offset = dt.utcoffset()
    hours = None if offset is None else int(offset.total_seconds() // 3600)
    return _single_span(_Point(dt.year, dt.month, dt.day, dt.hour, dt.minute, hours))


def _range(text: str, ref: date | None) -> _Span | None:
    """'1-5 Maret 2024', '1 Januari-5 Maret 2024', 'Januari hingga Maret 2024', '2020-2024'.

    The left end inherits what it leaves out (month, year) from the right end;
    an inherited year that would put the start after the end is the year before
    ("28 Desember-3 Januari 2024" starts in 2023).
    """
    failure: _Fail | None = None
    for sep in _RANGE_SEP_RE.finditer(text):
        left, right = text[: sep.start()].strip(" ,"), text[sep.end() :].strip(" ,")
        if not left or not right:
            continue
        lp, rp = _absolute(left.lower()), _absolute(right.lower())
        try:
            if lp is not None and rp is not None:
                return _absolute_range(lp, rp, ref)
            start, end = _single(left, ref), _single(right, ref)
            if start is not None and end is not None:
                return _ordered(start.start, end.end)
        except _Fail as exc:  # another separator may split it better ("23-3-2021 hingga ...")
            failure = failure or exc
    if failure is not None:
        raise failure
    return None


def _absolute_range(lp: _Partial, rp: _Partial, ref: date | None) -> _Span:
    end = _complete(rp, ref)
    own_month_only = lp.year is None and lp.month is not None
    if lp.day is not None and lp.month is None:
        if end.month is None:
            raise _Fail("a day range needs a month")
        lp = replace(lp, month=end.month)
    start = _complete(replace(lp, year=lp.year if lp.year is not None else end.year), ref)
    if own_month_only and start.order() > end.order(end=True):
        start = _complete(replace(lp, year=end.year - 1), ref)
    return _ordered(start, end)


def _ordered(start: _Point, end: _Point) -> _Span:
    if start.order() > end.order(end=True):
        raise _Fail("the range ends before it starts")
    return _Span(start, end)


# --------------------------------------------------------------------------- dateparser


def _via_dateparser(text: str, ref: date | None) -> _Span | None:
    """Absolute dates in forms the grammar does not know ("March 23, 2021").

    Imported lazily (about 60 ms, plus language data on first use). Only the
    absolute-time parser runs, so no relative surprises; a date without a year
    is accepted only when ref supplies it.
    """
    if len(text) > _DATEPARSER_MAX or not any(ch.isalnum() for ch in text):
        return None
    from dateparser.date import DateDataParser

    base = {"PARSERS": ["absolute-time"], "DATE_ORDER": "DMY", "RETURN_TIME_AS_PERIOD": True}
    try:  # a third-party parser over arbitrary text: its failure is "not recognised"
        data = DateDataParser(languages=["id", "en"], settings={**base, "REQUIRE_PARTS": ["year"]}).get_date_data(text)
        if data.date_obj is None and ref is not None:
            relative = {
                **base,
                "RELATIVE_BASE": datetime(ref.year, ref.month, ref.day),
                "PREFER_DATES_FROM": "current_period",
            }
            data = DateDataParser(languages=["id", "en"], settings=relative).get_date_data(text)
    except Exception:
        return None
    found = data.date_obj
    if found is None or found.year not in _YEARS:
        return None
    if data.period == "year":
        return _single_span(_Point(found.year))
    if data.period == "month":
        return _single_span(_Point(found.year, found.month))
    if data.period == "time":
        offset = found.utcoffset()
        hours = None if offset is None else int(offset.total_seconds() // 3600)
        return _single_span(_Point(found.year, found.month, found.day, found.hour, found.minute, hours))
    return _single_span(_Point(found.year, found.month, found.day))


# --------------------------------------------------------------------------- clock times


@dataclass(frozen=True)
class _Clock:
    start: tuple[int, int]
    end: tuple[int, int] | None
    offset: int | None


def _split_clock(text: str) -> tuple[str, _Clock | None]:
    """Take 'pukul 09.00 WITA' (or '09.00-12.00 WIB') out of the text."""
    m = _CLOCK_RE.search(text)
    if not m:
        return text, None
    h1, m1 = (m.group("h1"), m.group("m1")) if m.group("h1") else (m.group("h2"), m.group("m2"))
    part = _PART_RE.search(text)
    hour_part = part.group("part").lower() if part else None
    start = _hm(int(h1), int(m1 or 0), hour_part)
    end = _hm(int(m.group("h3")), int(m.group("m3") or 0), hour_part) if m.group("h3") else None
    zone = m.group("zone") or m.group("zone1")
    body = (text[: m.start()] + " " + text[m.end() :]).strip(" ,")
    return body, _Clock(start, end, _ZONES[zone.lower()] if zone else None)


def _hm(hour: int, minute: int, part: str | None) -> tuple[int, int]:
    """12-hour readings: 'pukul 7 malam' is 19:00, 'pukul 1 siang' 13:00."""
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise _Fail(f"no clock time {hour:02d}.{minute:02d}")
    afternoon = (part in ("sore", "petang") and hour < 12) or (part == "siang" and hour < 6)
    evening = part == "malam" and 6 <= hour < 12
    return (hour + 12 if afternoon or evening else hour), minute


def _at(day: _Point, hm: tuple[int, int], offset: int | None) -> _Point:
    d = date(day.year, day.month, day.day)  # type: ignore[arg-type]
    hour, minute = hm
    if hour == 24:  # "pukul 24.00" is the next day's midnight
        d, hour = _shift(d, 1), 0
    return _Point(d.year, d.month, d.day, hour, minute, offset)


def _with_clock(span: _Span | None, clock: _Clock, ref: date | None) -> _Span:
    if span is None:
        day = _day(_need(ref, "a clock time without a date"))
    elif span.start != span.end or span.start.day is None:
        raise _Fail("a clock time needs a single day")
    else:
        day = span.start
    start = _at(day, clock.start, clock.offset)
    end = _at(day, clock.end, clock.offset) if clock.end else start
    return _ordered(start, end)


# --------------------------------------------------------------------------- entry point


def _parse(text: str, ref: date | None) -> _Span:
    if _ISO_TIME_RE.match(text):
        return _iso_datetime(text)
    body, clock = _split_clock(text)
    if clock is not None and not _PART_RE.sub(" ", body).strip(" ,"):
        body = ""  # "pukul 7 malam": the part of day only set the 12-hour reading
    span: _Span | None = None
    if body:
        span = _body(body, ref)
        if span is None:
            raise _Fail("unrecognised date")
    if clock is not None:
        return _with_clock(span, clock, ref)
    if span is None:
        raise _Fail("no date in text")
    return span


def _body(body: str, ref: date | None) -> _Span | None:
    """A date without its clock time: relative phrase, single date, range, dateparser."""
    if " ".join(body.lower().split()) in _vocab().relative:  # "tadi malam" before "malam" goes
        return _single(body, ref)
    bare = " ".join(_PART_RE.sub(" ", body).split())  # "Selasa malam" -> "Selasa"
    if not bare:
        raise _Fail("a part of the day without a day")
    return _single(bare, ref) or _range(bare, ref) or _via_dateparser(bare, ref)


def parse_date(text: str, ref: object = None) -> DateValue | Unresolved:
    """Normalise a DATE span to ISO 8601, using `ref` (publication date) where needed.

    `ref` may be a date, a datetime, an ISO string or None. Never raises on a
    str: a date that cannot be resolved (typo, no ref for "kemarin") comes back
    as ``Unresolved`` with the reason.
    """
    cleaned = pre_check("date", text)
    if isinstance(cleaned, Unresolved):
        return cleaned
    day = coerce_ref(ref)
    if isinstance(day, Unresolved):
        return Unresolved("date", text, day.reason)
    try:
        span = _parse(cleaned.replace("’", "'"), day)
    except _Fail as exc:
        return Unresolved("date", text, str(exc))
    if span.start == span.end:
        return DateValue(span.start.iso(), span.start.granularity)
    return DateValue(DateRange(span.start.iso(), span.end.iso()), "range")
